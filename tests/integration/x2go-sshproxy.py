#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The X2Go client through an SSH proxy (jump host) against the real peer:
the peer's own sshd is the jump host to itself. Connect with use_sshproxy and
sshproxy_reuse_authinfo, list the sessions; a target port that is closed
shows up in the sshd log as the proxy's failed direct-tcpip connect (the
proof that the proxy path is used); a wrong proxy password gives an error
naming the proxy."""

import importlib.util
import os
import tempfile

spec = importlib.util.spec_from_file_location(
    "x2go_testlib", os.path.join(os.path.dirname(os.path.abspath(__file__)), "x2go-testlib.py"))
t = importlib.util.module_from_spec(spec)
spec.loader.exec_module(t)

from gi.repository import GLib, Tether  # noqa: E402

env = t.peer()
root = tempfile.mkdtemp(prefix="tether-x2go-sshproxy-")
loop = t.Loop()
log_path = env.get("X2GO_SSHD_LOG") or os.path.join(env["X2GO_STATE_DIR"], "sshd.log")
port = int(env["X2GO_PORT"])


def log_size():
    return os.path.getsize(log_path)


def log_since(offset):
    with open(log_path, "rb") as f:
        f.seek(offset)
        return f.read().decode("utf-8", "replace")


def proxy_options(**extra):
    return t.options(env, use_sshproxy=True, sshproxy_host="127.0.0.1", sshproxy_port=port,
                     **extra)


client = t.client(env, root)

# ---- through the proxy, the session's credentials reused for it
start = log_size()
uuid = client.register_session(env["X2GO_HOST"], port, env["X2GO_USER"],
                               proxy_options(sshproxy_reuse_authinfo=True))
if not loop.call(client, "connect_session", uuid, None, None, None):
    t.fail("connect through the proxy returned FALSE")
infos, raw = loop.call(client, "list_sessions", uuid, 0)
t.log("sessions listed through the proxy:", len(infos))
accepted = log_since(start).count("Accepted publickey for " + env["X2GO_USER"])
if accepted < 2:
    t.fail("expected two logins (proxy and target) in the sshd log, saw %d" % accepted)
client.disconnect_session(uuid)
print("ok - connect and list sessions through the proxy (%d logins)" % accepted)

# ---- the proxy opens the target connection: a closed target port is its failed direct-tcpip
start = log_size()
uuid2 = client.register_session("127.0.0.1", 1, env["X2GO_USER"],
                                proxy_options(sshproxy_reuse_authinfo=True, timeout=20))
try:
    loop.call(client, "connect_session", uuid2, None, None, None)
    t.fail("connect to a closed port through the proxy succeeded")
except GLib.Error as e:
    t.log("closed target:", e.message)
t.wait_until(lambda: "connect_to 127.0.0.1 port 1: failed" in log_since(start), 10,
             "the proxy sshd's direct-tcpip connect to port 1 in " + log_path)
print("ok - the target connection is a direct-tcpip channel of the proxy (sshd log)")

# ---- a wrong proxy password: the error names the proxy
uuid3 = client.register_session(env["X2GO_HOST"], port, env["X2GO_USER"],
                                proxy_options(sshproxy_password="wrong-" + env["X2GO_PASSWORD"],
                                              sshproxy_user=env["X2GO_USER"]))
try:
    loop.call(client, "connect_session", uuid3, None, None, None)
    t.fail("connect with a wrong proxy password succeeded")
except GLib.Error as e:
    t.log("wrong proxy password:", e.message)
    if "proxy" not in e.message or "127.0.0.1:%d" % port not in e.message:
        t.fail("the error does not name the proxy: " + e.message)
print("ok - a wrong proxy password: %s" % "error names the proxy")
