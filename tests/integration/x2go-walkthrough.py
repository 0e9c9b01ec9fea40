#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""python-x2go's "Non-Profile Sessions" walkthrough (x2go.client module docs),
run line for line against the real X2Go peer, with Tether through GObject
Introspection in place of python-x2go:

    import x2go                                   import gi; ...; from gi.repository import Tether
    x2go_client = x2go.X2GoClient()               x2go_client = Tether.X2goClient.new()
    x2go_sess_uuid = x2go_client.register_session(<many-options>)
                                                  x2go_sess_uuid = x2go_client.register_session(server, port, user, options)
    x2go_client.connect_session(x2go_sess_uuid)   call(x2go_client, "connect_session", x2go_sess_uuid, None, None, None)
    x2go_client.start_session(x2go_sess_uuid)     call(x2go_client, "start_session", x2go_sess_uuid)
    x2go_client.resume_session(x2go_sess_uuid, session_name=<name>)
                                                  call(x2go_client, "resume_session", x2go_sess_uuid, <name>)
    x2go_client.list_sessions(x2go_sess_uuid, ...)
                                                  call(x2go_client, "list_sessions", x2go_sess_uuid, flags)
    x2go_client.suspend_session(x2go_sess_uuid)   call(x2go_client, "suspend_session", x2go_sess_uuid, None)
    x2go_client.terminate_session(x2go_sess_uuid) call(x2go_client, "terminate_session", x2go_sess_uuid, None)

The only addition is call(), which runs an _async/_finish pair to completion
(Tether's API does no blocking I/O). <many-options> become the a{sv}
dictionary whose keys are python-x2go's keyword arguments.
"""

import os
import subprocess
import sys
import tempfile

import gi
gi.require_version("Tether", "1.0")
from gi.repository import GLib, Tether  # noqa: E402

# ---- the test harness (not part of the walkthrough) -----------------------------------
ROOT = os.environ.get("TETHER_SOURCE_ROOT",
                      os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
env = {}
for line in subprocess.run([os.path.join(ROOT, "tests/peers/x2go-peer.sh"), "start"],
                           check=True, capture_output=True, text=True).stdout.splitlines():
    key, _, value = line.partition("=")
    env[key] = value
ssh = ["ssh", "-F", "/dev/null", "-p", env["X2GO_PORT"], "-o", "BatchMode=yes",
       "-o", "StrictHostKeyChecking=yes", "-o", "UserKnownHostsFile=" + env["X2GO_KNOWN_HOSTS"],
       "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none", "-o", "LogLevel=ERROR",
       "-i", env["X2GO_KEY"], env["X2GO_USER"] + "@" + env["X2GO_HOST"]]
started = []


def server_status(name):
    out = subprocess.run(ssh + ["x2golistsessions"], capture_output=True, text=True).stdout
    for line in out.splitlines():
        fields = line.split("|")
        if len(fields) > 4 and fields[1] == name:
            return fields[4]
    return None


def check(condition, message):
    if not condition:
        print("FAIL:", message, flush=True)
        for name in started:
            if server_status(name) is not None:
                subprocess.run(ssh + ["x2goterminate-session " + name], capture_output=True)
        sys.exit(1)
    print("ok -", message, flush=True)


_loop = GLib.MainLoop()


def call(obj, method, *args):
    """Runs obj.<method>_async(*args) to completion; returns <method>_finish()."""
    holder = []
    getattr(obj, method + "_async")(
        *args, None, lambda source, result, data: (holder.append(result), _loop.quit()), None)
    _loop.run()
    return getattr(obj, method + "_finish")(holder[0])


# ---- the walkthrough -------------------------------------------------------------------

# import x2go
#   (the gi import above)

# x2go_client = x2go.X2GoClient()
x2go_client = Tether.X2goClient.new()
x2go_client.set_display(env["X2GO_CLIENT_DISPLAY"])
x2go_client.set_sessions_rootdir(tempfile.mkdtemp(prefix="tether-walkthrough-"))

# x2go_sess_uuid = x2go_client.register_session(<many-options>)
x2go_sess_uuid = x2go_client.register_session(
    env["X2GO_HOST"], int(env["X2GO_PORT"]), env["X2GO_USER"],
    GLib.Variant("a{sv}", {
        "cmd": GLib.Variant("s", "xterm"),
        "geometry": GLib.Variant("s", "800x600"),
        "link": GLib.Variant("s", "adsl"),
        "pack": GLib.Variant("s", "16m-jpeg-9"),
        "key_filename": GLib.Variant("s", env["X2GO_KEY"]),
        "known_hosts": GLib.Variant("s", env["X2GO_KNOWN_HOSTS"]),
    }))
check(GLib.uuid_string_is_valid(x2go_sess_uuid), "register_session returned a uuid")

# x2go_client.connect_session(x2go_sess_uuid)
check(call(x2go_client, "connect_session", x2go_sess_uuid, None, None, None),
      "connect_session")

# x2go_client.start_session(x2go_sess_uuid)
check(call(x2go_client, "start_session", x2go_sess_uuid), "start_session")
session_name = x2go_client.get_session_name(x2go_sess_uuid)
started.append(session_name)
check(server_status(session_name) == "R", "the server runs " + session_name)

# x2go_client.list_sessions(x2go_sess_uuid, ...)
sessions, raw = call(x2go_client, "list_sessions", x2go_sess_uuid,
                     Tether.X2goListFlags.NONE)
check(any(s.get_name() == session_name and s.is_running() for s in sessions),
      "list_sessions shows it running")

# x2go_client.suspend_session(x2go_sess_uuid)
check(call(x2go_client, "suspend_session", x2go_sess_uuid, None), "suspend_session")
check(server_status(session_name) == "S", "the server has it suspended")
check(x2go_client.is_session_suspended(x2go_sess_uuid, None), "is_session_suspended")

# x2go_client.resume_session(x2go_sess_uuid, session_name=<session_name_of_resumable_session>)
check(call(x2go_client, "resume_session", x2go_sess_uuid, session_name), "resume_session")
check(server_status(session_name) == "R", "the server runs it again")
check(x2go_client.is_session_running(x2go_sess_uuid, None) and x2go_client.session_ok(x2go_sess_uuid),
      "is_session_running and session_ok")

# x2go_client.terminate_session(x2go_sess_uuid)
check(call(x2go_client, "terminate_session", x2go_sess_uuid, None), "terminate_session")
check(server_status(session_name) is None, "the server has no such session any more")
check(x2go_client.has_session_terminated(x2go_sess_uuid, None), "has_session_terminated")

print("PASS: the Non-Profile Sessions walkthrough", flush=True)
