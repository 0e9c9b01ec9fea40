#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""python-x2go's "Profiled Sessions" walkthrough (x2go.client module docs),
run line for line against the real X2Go peer, with Tether through GObject
Introspection in place of python-x2go, on a profile written with
`tether x2go profile add` (host, sshport, user, key, command=xterm, ...):

    import x2go                                   from gi.repository import Tether
    x2go_client = x2go.X2GoClient()               x2go_client = Tether.X2goClient.new()
    x2go_sess_uuid = x2go_client.register_session(profile_name=<session_profile_name>)
                              x2go_sess_uuid = x2go_client.register_session_from_profile(<name>, None)
    x2go_sess_uuid = x2go_client.register_session(profile_id=<session_profile_id>)
                              x2go_sess_uuid = x2go_client.register_session_from_profile(<id>, None)
    x2go_client.connect_session(x2go_sess_uuid)   call(x2go_client, "connect_session", x2go_sess_uuid, None, None, None)
    x2go_client.start_session(x2go_sess_uuid)     call(x2go_client, "start_session", x2go_sess_uuid)
    x2go_client.resume_session(x2go_sess_uuid, session_name=<session_name_of_resumable_session>)
                                                  call(x2go_client, "resume_session", x2go_sess_uuid, <name>)
    x2go_client.suspend_session(x2go_sess_uuid)   call(x2go_client, "suspend_session", x2go_sess_uuid, None)
    x2go_client.terminate_session(x2go_sess_uuid) call(x2go_client, "terminate_session", x2go_sess_uuid, None)

The client's directories are private temporary ones (the profile in its
client root dir, the peer's host key in its SSH root dir's known_hosts), so
the walkthrough's calls need no other arguments. Between the walkthrough's
steps the test checks the server's listing (R/S) and the session window on
the client's Xvfb, the queries by profile name, and that the hooks carry
the profile's name; at the end it suspends and terminates by profile and
disconnects the profile. Only the sessions it started are terminated.
"""

import importlib.util
import os
import shutil
import subprocess
import tempfile

spec = importlib.util.spec_from_file_location(
    "x2go_testlib", os.path.join(os.path.dirname(os.path.abspath(__file__)), "x2go-testlib.py"))
t = importlib.util.module_from_spec(spec)
spec.loader.exec_module(t)
Tether = t.Tether
RETURN = Tether.X2goSessionReturn

env = t.peer()
ssh = t.Ssh(env)
cleanup = t.Cleanup(ssh)
loop = t.Loop()
display = env["X2GO_CLIENT_DISPLAY"]
root = tempfile.mkdtemp(prefix="tether-x2go-profile-walkthrough-")
client_dir = os.path.join(root, "x2goclient")
ssh_dir = os.path.join(root, "ssh")
os.makedirs(ssh_dir)
shutil.copy(env["X2GO_KNOWN_HOSTS"], os.path.join(ssh_dir, "known_hosts"))
tool = os.environ.get("TETHER_TOOL", os.path.join(t.SOURCE_ROOT, "build", "tools", "tether"))
PROFILE = "Walkthrough (Tether)"


def check(condition, message):
    if not condition:
        t.fail(message)
    print("ok -", message, flush=True)


def call(obj, method, *args):
    return loop.call(obj, method, *args)


def window_shown(name):
    return t.agent_window(display, name)


# ---- the profile, written with `tether x2go profile add` ----------------------------------
proc = subprocess.run([tool, "x2go", "profile", "--client-rootdir", client_dir, "add", PROFILE,
                       "host=" + env["X2GO_HOST"], "sshport=" + env["X2GO_PORT"],
                       "user=" + env["X2GO_USER"], "key=" + env["X2GO_KEY"], "command=xterm",
                       "rootless=true", "width=640", "height=480", "speed=4", "usekbd=false"],
                      capture_output=True, text=True)
check(proc.returncode == 0, "the profile written with tether x2go profile add %s" % proc.stderr.strip())
profile_id = proc.stdout.strip()

# ---- the walkthrough -----------------------------------------------------------------------

# import x2go
#   (the gi import in x2go-testlib.py)

# x2go_client = x2go.X2GoClient()
x2go_client = Tether.X2goClient.new()
x2go_client.set_client_rootdir(client_dir)
x2go_client.set_sessions_rootdir(os.path.join(root, "sessions"))
x2go_client.set_ssh_rootdir(ssh_dir)
x2go_client.set_display(display)
events = []
for signal in ("session-started-by-me", "session-resumed-by-me"):
    x2go_client.connect(signal, lambda c, uuid, profile, name, s=signal:
                        events.append((s, profile, name)))
for signal in ("session-suspended", "session-terminated"):
    x2go_client.connect(signal, lambda c, uuid, profile, name, by_me, s=signal:
                        events.append((s, profile, name)))
check(x2go_client.get_profile_names() == [PROFILE], "the client sees the profile")
check(x2go_client.to_profile_id(PROFILE) == profile_id, "to_profile_id: " + profile_id)

# x2go_sess_uuid = x2go_client.register_session(profile_name=<session_profile_name>)
x2go_sess_uuid = x2go_client.register_session_from_profile(PROFILE, None)
check(x2go_client.get_session_profile_name(x2go_sess_uuid) == PROFILE,
      "register_session(profile_name=…): the session has the profile's name")
session = x2go_client.get_session(x2go_sess_uuid)
check(session.get_server() == env["X2GO_HOST"] and session.get_port() == int(env["X2GO_PORT"])
      and session.get_username() == env["X2GO_USER"],
      "the profile's host, sshport and user: %s@%s:%d" % (session.get_username(),
                                                          session.get_server(),
                                                          session.get_port()))

# x2go_sess_uuid = x2go_client.register_session(profile_id=<session_profile_id>)
by_id = x2go_client.register_session_from_profile(profile_id, None)
check(by_id != x2go_sess_uuid and x2go_client.get_session_profile_id(by_id) == profile_id,
      "register_session(profile_id=…): another session of the same profile")
check(x2go_client.registered_sessions_of_profile_name(PROFILE, RETURN.UUIDS)
      == [x2go_sess_uuid, by_id], "registered_sessions_of_profile_name")

# x2go_client.connect_session(x2go_sess_uuid)
check(call(x2go_client, "connect_session", x2go_sess_uuid, None, None, None), "connect_session")
check(x2go_client.is_profile_connected(PROFILE), "is_profile_connected")
check(x2go_client.connected_profiles(True) == [PROFILE]
      and x2go_client.connected_profiles(False) == [profile_id], "connected_profiles")

# x2go_client.start_session(x2go_sess_uuid)
check(call(x2go_client, "start_session", x2go_sess_uuid), "start_session")
session_name = x2go_client.get_session_name(x2go_sess_uuid)
cleanup.add(session_name)
check("_stRxterm_" in session_name, "the profile's command and session type: " + session_name)
check(ssh.sessions().get(session_name) == "R", "R in the server's listing")
t.wait_until(lambda: window_shown(session_name), 30, "the window of " + session_name)
check(True, "the window of %s on the client Xvfb %s" % (session_name, display))
check(("session-started-by-me", PROFILE, session_name) in events,
      "session-started-by-me carries the profile's name")
check(x2go_client.running_sessions_of_profile_name(PROFILE, RETURN.SESSION_NAMES)
      == [session_name], "running_sessions_of_profile_name")

# Suspend by profile: every running session of the profile.
for uuid in x2go_client.running_sessions_of_profile_name(PROFILE, RETURN.UUIDS):
    # x2go_client.suspend_session(x2go_sess_uuid)
    check(call(x2go_client, "suspend_session", uuid, None), "suspend_session")
check(ssh.sessions().get(session_name) == "S", "S in the server's listing")
t.wait_until(lambda: not window_shown(session_name), 30, "the window to go")
check(x2go_client.suspended_sessions_of_profile_name(PROFILE, RETURN.UUIDS) == [x2go_sess_uuid],
      "suspended_sessions_of_profile_name")
check(("session-suspended", PROFILE, session_name) in events,
      "session-suspended carries the profile's name")

# x2go_client.resume_session(x2go_sess_uuid, session_name=<session_name_of_resumable_session>)
# ... from the session registered by profile ID.
check(call(x2go_client, "connect_session", by_id, None, None, None), "connect_session (by ID)")
check(call(x2go_client, "resume_session", by_id, session_name), "resume_session")
check(ssh.sessions().get(session_name) == "R", "R again in the server's listing")
t.wait_until(lambda: window_shown(session_name), 30, "the window back")
check(True, "the window of %s is back" % session_name)
check(("session-resumed-by-me", PROFILE, session_name) in events,
      "session-resumed-by-me carries the profile's name")

# Terminate by profile: the running or suspended sessions of the profile
# (both registered sessions show the one server-side session).
for attempt in range(3):
    left = (x2go_client.running_sessions_of_profile_name(PROFILE, RETURN.UUIDS)
            + x2go_client.suspended_sessions_of_profile_name(PROFILE, RETURN.UUIDS))
    if not left:
        break
    # x2go_client.terminate_session(x2go_sess_uuid)
    check(call(x2go_client, "terminate_session", left[0], None), "terminate_session")
check(not x2go_client.running_sessions_of_profile_name(PROFILE, RETURN.UUIDS),
      "no running session of the profile is left")
check(session_name not in ssh.sessions(), "gone from the server's listing")
check(("session-terminated", PROFILE, session_name) in events,
      "session-terminated carries the profile's name")

check(x2go_client.disconnect_profile(PROFILE), "disconnect_profile")
check(not x2go_client.is_profile_connected(PROFILE)
      and x2go_client.registered_sessions_of_profile_name(PROFILE, RETURN.UUIDS) == [],
      "no session of the profile is left")

shutil.rmtree(root, ignore_errors=True)
print("PASS: the Profiled Sessions walkthrough", flush=True)
