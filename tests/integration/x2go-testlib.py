# SPDX-License-Identifier: LGPL-2.1-or-later
"""Shared helpers of the X2Go client integration tests (loaded by path: the
file name has a dash). Runs under /usr/bin/python3 (python3-gi).

- peer():       starts the shared X2Go peer (never stops it) and returns its
                KEY=VALUE environment as a dict
- Ssh:          plain OpenSSH to the peer, for checks independent of Tether
- windows():    the client Xvfb's window tree (xwininfo -root -tree)
- Loop:         runs Tether's async calls to completion with a time-out
- Cleanup:      terminates, by name, only the sessions a test started
"""

import atexit
import os
import re
import subprocess
import sys
import time

import gi

gi.require_version("Tether", "1.0")
gi.require_version("GLib", "2.0")
from gi.repository import GLib, Tether  # noqa: E402

SOURCE_ROOT = os.environ.get(
    "TETHER_SOURCE_ROOT",
    os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
PEER = os.path.join(SOURCE_ROOT, "tests", "peers", "x2go-peer.sh")


def log(*args):
    print("#", *args, flush=True)


def fail(message):
    print("FAIL:", message, flush=True)
    sys.exit(1)


def peer():
    out = subprocess.run([PEER, "start"], check=True, capture_output=True, text=True).stdout
    env = {}
    for line in out.splitlines():
        if "=" in line:
            key, value = line.split("=", 1)
            # printf %q output: only simple words and a few escapes here.
            env[key] = value.replace("\\:", ":")
    for key in ("X2GO_HOST", "X2GO_PORT", "X2GO_USER", "X2GO_KEY", "X2GO_KNOWN_HOSTS",
                "X2GO_CLIENT_DISPLAY"):
        if not env.get(key):
            fail("x2go-peer.sh start did not print " + key)
    return env


class Ssh:
    """OpenSSH with the peer's key and known_hosts, nothing else."""

    def __init__(self, env):
        self.base = ["ssh", "-F", "/dev/null", "-p", env["X2GO_PORT"],
                     "-o", "StrictHostKeyChecking=yes", "-o", "GlobalKnownHostsFile=/dev/null",
                     "-o", "UserKnownHostsFile=" + env["X2GO_KNOWN_HOSTS"],
                     "-o", "IdentityAgent=none", "-o", "IdentitiesOnly=yes",
                     "-o", "BatchMode=yes", "-o", "ConnectTimeout=10", "-o", "LogLevel=ERROR",
                     "-i", env["X2GO_KEY"], env["X2GO_USER"] + "@" + env["X2GO_HOST"]]

    def run(self, command, check=True):
        proc = subprocess.run(self.base + [command], capture_output=True, text=True, timeout=60)
        if check and proc.returncode != 0:
            fail("ssh %r exited %d: %s" % (command, proc.returncode, proc.stderr.strip()))
        return proc.stdout

    def sessions(self):
        """name -> status ('R'/'S') from x2golistsessions."""
        result = {}
        for line in self.run("x2golistsessions").splitlines():
            fields = line.split("|")
            if len(fields) >= 5:
                result[fields[1]] = fields[4]
        return result

    def terminate(self, name):
        if not re.fullmatch(r"[A-Za-z0-9._@-]+", name):
            return
        self.run("x2goterminate-session " + name, check=False)


def windows(display):
    proc = subprocess.run(["xwininfo", "-root", "-tree", "-display", display],
                          capture_output=True, text=True, timeout=30)
    return proc.stdout


def wait_until(predicate, timeout, what, interval=0.25):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    if not predicate():
        fail("timed out after %d s waiting for %s" % (timeout, what))


def agent_window(display, name):
    return ('"X2GO-%s"' % name) in windows(display)


class Loop:
    """Runs an _async call to completion on the default main context."""

    def __init__(self, timeout=90):
        self.loop = GLib.MainLoop()
        self.timeout = timeout

    def call(self, obj, method, *args):
        result = []

        def done(source, res, _data):
            result.append(res)
            self.loop.quit()

        getattr(obj, method + "_async")(*args, None, done, None)
        timer = GLib.timeout_add_seconds(self.timeout, self.loop.quit)
        self.loop.run()
        if not result:
            fail("%s did not finish within %d s" % (method, self.timeout))
        GLib.source_remove(timer)
        return getattr(obj, method + "_finish")(result[0])

    def run_for(self, seconds):
        GLib.timeout_add(int(seconds * 1000), self.loop.quit)
        self.loop.run()

    def run_until(self, predicate, timeout, what):
        deadline = time.monotonic() + timeout
        while not predicate() and time.monotonic() < deadline:
            GLib.timeout_add(100, self.loop.quit)
            self.loop.run()
        if not predicate():
            fail("timed out after %d s waiting for %s" % (timeout, what))


class Cleanup:
    """Remembers the session names a test started and terminates them at exit,
    whatever happened; nothing else is touched."""

    def __init__(self, ssh):
        self.ssh = ssh
        self.names = set()
        atexit.register(self.run)

    def add(self, name):
        if name:
            self.names.add(name)

    def run(self):
        for name in sorted(self.names):
            if name in self.ssh.sessions():
                log("cleanup: terminating", name)
                self.ssh.terminate(name)
        self.names.clear()


def client(env, sessions_root):
    c = Tether.X2goClient.new()
    c.set_display(env["X2GO_CLIENT_DISPLAY"])
    c.set_sessions_rootdir(sessions_root)
    return c


def options(env, **extra):
    opts = {
        "key_filename": GLib.Variant("s", env["X2GO_KEY"]),
        "known_hosts": GLib.Variant("s", env["X2GO_KNOWN_HOSTS"]),
    }
    for key, value in extra.items():
        if isinstance(value, bool):
            opts[key] = GLib.Variant("b", value)
        elif isinstance(value, int):
            opts[key] = GLib.Variant("u", value)
        else:
            opts[key] = GLib.Variant("s", value)
    return GLib.Variant("a{sv}", opts)
