#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""TetherX2goClient against the real X2Go peer: start a session running
xterm, see it running in the server's listing and its window on the client
Xvfb; suspend it (S, signals, window gone), resume it (R, window back), and
terminate it (gone). Every state is checked with plain OpenSSH as well.
Cleans up only the session it started."""

import importlib.util
import os
import shutil
import tempfile

spec = importlib.util.spec_from_file_location(
    "x2go_testlib", os.path.join(os.path.dirname(os.path.abspath(__file__)), "x2go-testlib.py"))
t = importlib.util.module_from_spec(spec)
spec.loader.exec_module(t)

env = t.peer()
ssh = t.Ssh(env)
cleanup = t.Cleanup(ssh)
root = tempfile.mkdtemp(prefix="tether-x2go-lifecycle-")
display = env["X2GO_CLIENT_DISPLAY"]
loop = t.Loop()

client = t.client(env, root)
events = []
for signal in ("session-started-by-me", "session-resumed-by-me", "session-resumed-by-other",
               "found-session-running-after-connect"):
    client.connect(signal, lambda c, uuid, profile, name, s=signal: events.append((s, name)))
for signal in ("session-suspended", "session-terminated"):
    client.connect(signal,
                   lambda c, uuid, profile, name, by_me, s=signal: events.append((s, name, by_me)))
client.connect("nxproxy-died", lambda c, uuid, name, msg: events.append(("nxproxy-died", name)))

uuid = client.register_session(env["X2GO_HOST"], int(env["X2GO_PORT"]), env["X2GO_USER"],
                               t.options(env, cmd="xterm", geometry="800x600"))
t.log("registered", uuid)
if not loop.call(client, "connect_session", uuid, None, None, None):
    t.fail("connect returned FALSE")
if "x2goserver" not in client.get_server_versions(uuid):
    t.fail("no x2goserver in the versions")
t.log("connected; features:", len(client.get_server_features(uuid)))
print("ok - connect")

# ---- start
if not loop.call(client, "start_session", uuid):
    t.fail("start returned FALSE")
name = client.get_session_name(uuid)
cleanup.add(name)
t.log("started", name)
if ("session-started-by-me", name) not in events:
    t.fail("no session-started-by-me for %s: %r" % (name, events))
if ssh.sessions().get(name) != "R":
    t.fail("the server does not list %s as running: %r" % (name, ssh.sessions()))
if not client.session_ok(uuid) or not client.is_session_running(uuid, None):
    t.fail("session not ok/running after start")
infos, raw = loop.call(client, "list_sessions", uuid, 0)
if name not in raw:
    t.fail("the raw listing lacks %s" % name)
mine = [i for i in infos if i.get_name() == name]
if len(mine) != 1 or not mine[0].is_running():
    t.fail("Tether's listing lacks the running session")
t.wait_until(lambda: t.agent_window(display, name), 30, "the session window on " + display)
t.wait_until(lambda: '("xterm" "XTerm")' in t.windows(display), 30, "the xterm window")
summary = client.get_session_summary(uuid)
if not summary["attached"] or summary["local_port"] == 0:
    t.fail("summary: %r" % summary.unpack())
print("ok - start: R in the listing, window X2GO-%s on %s" % (name, display))

# ---- suspend
events.clear()
if not loop.call(client, "suspend_session", uuid, None):
    t.fail("suspend returned FALSE")
if ("session-suspended", name, True) not in events:
    t.fail("no session-suspended(by_me) for %s: %r" % (name, events))
if ssh.sessions().get(name) != "S":
    t.fail("the server does not list %s as suspended: %r" % (name, ssh.sessions()))
if not client.is_session_suspended(uuid, None) or client.session_ok(uuid):
    t.fail("Tether does not see the session suspended")
t.wait_until(lambda: not t.agent_window(display, name), 20, "the window to go")
print("ok - suspend: S in the listing, signal, window gone")

# ---- resume
events.clear()
if not loop.call(client, "resume_session", uuid, None):
    t.fail("resume returned FALSE")
if ("session-resumed-by-me", name) not in events:
    t.fail("no session-resumed-by-me for %s: %r" % (name, events))
if ssh.sessions().get(name) != "R":
    t.fail("the server does not list %s as running after resume" % name)
t.wait_until(lambda: t.agent_window(display, name), 30, "the window to come back")
t.wait_until(lambda: '("xterm" "XTerm")' in t.windows(display), 30, "the xterm window back")
print("ok - resume: R in the listing, window back")

# ---- terminate
events.clear()
if not loop.call(client, "terminate_session", uuid, None):
    t.fail("terminate returned FALSE")
if ("session-terminated", name, True) not in events:
    t.fail("no session-terminated(by_me) for %s: %r" % (name, events))
if name in ssh.sessions():
    t.fail("%s is still listed after terminate" % name)
if not client.has_session_terminated(uuid, None):
    t.fail("Tether does not see the session terminated")
t.wait_until(lambda: not t.agent_window(display, name), 20, "the window to go")
if os.path.exists(os.path.join(root, "S-" + name)):
    t.fail("the local session folder is still there")
print("ok - terminate: gone from the listing, signal, window gone, folder removed")

# ---- check-host through gi: the handler's answer decides
empty = os.path.join(root, "empty_known_hosts")
open(empty, "w").close()
asked = []


def check_host(c, u, profile, host, port, fingerprint, key_type):
    asked.append((host, port, fingerprint, key_type))
    return answer[0]


client.connect("check-host", check_host)
uuid2 = client.register_session(env["X2GO_HOST"], int(env["X2GO_PORT"]), env["X2GO_USER"],
                                t.options(env, known_hosts=empty))
answer = [False]
try:
    loop.call(client, "connect_session", uuid2, None, None, None)
    t.fail("connect succeeded with the host key refused")
except t.GLib.Error as e:
    if "not known" not in e.message and "not accepted" not in e.message:
        t.fail("refused host key: unexpected error %s" % e.message)
if not asked or not asked[0][2].startswith("SHA256:") or asked[0][1] != int(env["X2GO_PORT"]):
    t.fail("check-host arguments: %r" % asked)
if env.get("X2GO_HOST_KEY_FP") and asked[0][2] not in (env["X2GO_HOST_KEY_FP"],
                                                       env.get("X2GO_HOST_KEY_FP_ECDSA"),
                                                       env.get("X2GO_HOST_KEY_FP_RSA")):
    t.fail("check-host fingerprint %s is not the peer's" % asked[0][2])
answer = [True]
if not loop.call(client, "connect_session", uuid2, None, None, None):
    t.fail("connect failed with the host key accepted")
print("ok - check-host: refused -> connect fails; accepted -> connects (%s)" % asked[0][2])

client.disconnect_session(uuid)
client.disconnect_session(uuid2)
del client
shutil.rmtree(root, ignore_errors=True)
print("PASS: x2go client lifecycle")
