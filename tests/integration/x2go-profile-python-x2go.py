#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""A session profile written by python-x2go (Debian's python3-x2go, its
X2GoSessionProfiles API) starts a session through Tether against the real
X2Go peer, through GObject Introspection and through `tether x2go -P`.

python-x2go writes the profile as x2goclient and pyhoca-gui users have
them: the host list, sshport, user, key, command, a desktop geometry,
`speed` as a number, `quality` apart from `pack`, the keyboard off, sound
off. Tether reads the same session parameters as python-x2go derives
(X2GoSessionProfiles.to_session_params), registers a session from the
profile, starts it (R on the server, window on the client Xvfb), and
terminates it. Only the sessions it started are terminated.

Installs Debian's python3-x2go when it is missing (exit 77, a skip, when
that is not possible).
"""

import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import time

spec = importlib.util.spec_from_file_location(
    "x2go_testlib", os.path.join(os.path.dirname(os.path.abspath(__file__)), "x2go-testlib.py"))
t = importlib.util.module_from_spec(spec)
spec.loader.exec_module(t)
Tether, GLib = t.Tether, t.GLib


def ensure_python_x2go():
    if importlib.util.find_spec("x2go") is not None:
        return True
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        return False
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    cmd = ["apt-get", "install", "-y", "-q", "--no-install-recommends", "python3-x2go"]
    if subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], env=env, stdout=subprocess.DEVNULL)
        if subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL).returncode != 0:
            return False
    importlib.invalidate_caches()
    return importlib.util.find_spec("x2go") is not None


if not ensure_python_x2go():
    print("# SKIP python3-x2go is not installed and cannot be installed here")
    sys.exit(77)

env = t.peer()
ssh = t.Ssh(env)
cleanup = t.Cleanup(ssh)
loop = t.Loop()
display = env["X2GO_CLIENT_DISPLAY"]
tool = os.environ.get("TETHER_TOOL", os.path.join(t.SOURCE_ROOT, "build", "tools", "tether"))

# python-x2go fixes its idea of $HOME at import time and writes below it.
home = tempfile.mkdtemp(prefix="tether-x2go-profile-pyx2go-")
real_home = os.environ.get("HOME")
os.environ["HOME"] = home
display_env = os.environ.pop("DISPLAY", None)
from x2go.backends.profiles.file import X2GoSessionProfiles  # noqa: E402
if real_home is not None:
    os.environ["HOME"] = real_home
if display_env is not None:
    os.environ["DISPLAY"] = display_env

client_dir = os.path.join(home, ".x2goclient")
os.makedirs(client_dir)
PROFILE = "written by python-x2go"


def check(condition, message):
    if not condition:
        t.fail(message)
    print("ok -", message, flush=True)


# ---- python-x2go writes the profile --------------------------------------------------------
py = X2GoSessionProfiles(config_files=[os.path.join(client_dir, "sessions")])
profile_id = py.add_profile(name=PROFILE, host=[env["X2GO_HOST"]], sshport=int(env["X2GO_PORT"]),
                            user=env["X2GO_USER"], key=env["X2GO_KEY"], autologin=False,
                            command="xterm", rootless=True, width=1024, height=700,
                            speed=3, pack="16m-jpeg", quality=7, usekbd=False, sound=False,
                            useexports=True, export={"/tmp/manual-only": False})
py.write_user_config = True
check(py.write(), "python-x2go wrote %s/sessions" % client_dir)
want = X2GoSessionProfiles(config_files=[os.path.join(client_dir, "sessions")]) \
    .to_session_params(profile_id)

# ---- Tether reads it as python-x2go does ----------------------------------------------------
client = t.client(env, os.path.join(home, "sessions"))
client.set_client_rootdir(client_dir)
check(client.is_session_profile(PROFILE), "Tether's client sees the profile")
got = client.get_profiles().to_session_params(PROFILE).unpack()
check(got == want, "Tether's session parameters are python-x2go's (%d)" % len(want))
check(want["geometry"] == "1024x700" and want["link"] == "wan" and want["pack"] == "16m-jpeg-7"
      and want["kbtype"] == "null/null", "… and what the profile says: %s, %s, %s" %
      (want["geometry"], want["link"], want["pack"]))

# ---- a session from it, through gi ----------------------------------------------------------
started = []
client.connect("session-started-by-me",
               lambda c, uuid, profile, name: started.append((profile, name)))
uuid = client.register_session_from_profile(
    PROFILE, GLib.Variant("a{sv}", {"known_hosts": GLib.Variant("s", env["X2GO_KNOWN_HOSTS"])}))
summary = client.get_session_summary(uuid).unpack()
check(summary["command"] == "xterm", "registered: command %s" % summary["command"])
check(loop.call(client, "connect_session", uuid, None, None, None), "connect_session")
check(loop.call(client, "start_session", uuid), "start_session")
name = client.get_session_name(uuid)
cleanup.add(name)
check(ssh.sessions().get(name) == "R", "%s is R in the server's listing" % name)
t.wait_until(lambda: t.agent_window(display, name), 30, "the window of " + name)
check(True, "the window of %s is on the client Xvfb %s" % (name, display))
check((PROFILE, name) in started, "session-started-by-me names the profile")
check(loop.call(client, "terminate_session", uuid, None), "terminate_session")
check(name not in ssh.sessions(), "gone from the server's listing")
client.disconnect_profile(PROFILE)

# ---- and through `tether x2go -P` -------------------------------------------------------------
log_path = os.path.join(home, "cli.log")
with open(log_path, "w") as log:
    cli = subprocess.Popen([tool, "x2go", "--client-rootdir", client_dir, "-P", PROFILE,
                            "--known-hosts", env["X2GO_KNOWN_HOSTS"], "--display", display,
                            "--sessions-root", os.path.join(home, "cli-sessions"), "-N"],
                           stdout=log, stderr=subprocess.STDOUT)
try:
    def cli_name():
        with open(log_path) as f:
            for line in f:
                words = line.split()
                if len(words) > 3 and words[:2] == ["X2Go", "session"] and words[3] == "started":
                    return words[2]
        return None

    deadline = time.monotonic() + 60
    while cli_name() is None and cli.poll() is None and time.monotonic() < deadline:
        time.sleep(0.25)
    cli_session = cli_name()
    with open(log_path) as f:
        output = f.read()
    check(cli_session is not None, "tether x2go -P started a session: %s" % output.strip())
    cleanup.add(cli_session)
    check(ssh.sessions().get(cli_session) == "R", "%s is R in the server's listing" % cli_session)
    t.wait_until(lambda: t.agent_window(display, cli_session), 30, "the window of " + cli_session)
    check(True, "the window of %s is on the client Xvfb" % cli_session)
    proc = subprocess.run([tool, "x2go", "--client-rootdir", client_dir, "-P", PROFILE,
                           "--known-hosts", env["X2GO_KNOWN_HOSTS"], "-T", cli_session],
                          capture_output=True, text=True, timeout=120)
    check(proc.returncode == 0, "tether x2go -P … -T %s: %s" % (cli_session, proc.stderr.strip()))
    cli.wait(timeout=60)
    check(cli.returncode == 0, "the -N process ended by itself (status %d)" % cli.returncode)
finally:
    if cli.poll() is None:
        cli.terminate()
        cli.wait(timeout=30)

shutil.rmtree(home, ignore_errors=True)
print("PASS: a python-x2go profile starts a session through Tether", flush=True)
