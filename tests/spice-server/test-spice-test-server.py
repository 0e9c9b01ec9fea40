#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""test-spice-test-server.py - integration tests of tether-test-spice-server against
spice-gtk's own clients (spicy-screenshot, and the library through GObject Introspection).

Usage: test-spice-test-server.py SERVER SUITE
  frames  every image compression: the static picture through spicy-screenshot and an
          animated one through spice-gtk, pixel for pixel against tss_expected.py, and
          the image encodings on the wire (tss_relay.py) against the compression mode
  codecs  zlib-wrapped GLZ, JPEG over WAN, video streaming
  access  TLS, ticket, unix socket, name and uuid, --ready-fd, --pidfile, bad options
  inputs  keys and mouse sent with spice-gtk arrive as KEY/MOUSE/BUTTONS lines
  soak    clients connecting and disconnecting, overlapping and abrupt, at full frame rate;
          then a clean SIGTERM
  peer    tests/peers/spice-test-server.sh: start (idempotent), env keys, stop
Installs spice-client-gtk and gir1.2-spiceclientglib-2.0 when missing (exit 77 = skip when
that is impossible). Prints PASS/FAIL lines; exit status 1 if any check failed.
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import tss_expected as expected  # noqa: E402
import tss_relay  # noqa: E402

PYTHON = "/usr/bin/python3"
CLIENT = os.path.join(HERE, "tss-client.py")
PEER = os.path.join(HERE, "..", "peers", "spice-test-server.sh")
SPICY = "/usr/bin/spicy-screenshot"
PACKAGES = ["spice-client-gtk", "gir1.2-spiceclientglib-2.0"]
MODES = ["quic", "lz", "glz", "auto_glz", "auto_lz", "lz4", "off"]

# The surface image a client gets when it connects is not a drawable: GLZ falls back
# to LZ for it, LZ4 and the others to an uncompressed bitmap when that is no larger.
SURFACE_TYPES = {
    "quic": {"QUIC"}, "lz": {"LZ_RGB"}, "glz": {"LZ_RGB"}, "auto_glz": {"QUIC", "LZ_RGB"},
    "auto_lz": {"QUIC", "LZ_RGB"}, "lz4": {"LZ4", "BITMAP"}, "off": {"BITMAP"},
}
# Drawables of the moving-bars pattern (flat colours): the encoding each mode must use.
DRAWABLE_TYPE = {
    "quic": "QUIC", "lz": "LZ_RGB", "glz": "GLZ_RGB", "auto_glz": "GLZ_RGB",
    "auto_lz": "LZ_RGB", "lz4": "LZ4", "off": "BITMAP",
}

failures = 0
TMP = tempfile.mkdtemp(prefix="tss-test-")


def check(ok, what, detail=""):
    global failures
    if ok:
        print(f"PASS: {what}", flush=True)
    else:
        failures += 1
        print(f"FAIL: {what}" + (f"\n    {detail}" if detail else ""), flush=True)
    return ok


def clean_env(**extra):
    """The environment for servers and reference clients: without the test suite's GLib
    debug settings (fatal warnings would abort spice-gtk/spice-server on their first
    warning, e.g. a refused password)."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("G_DEBUG", "G_SLICE", "MALLOC_PERTURB_", "G_MESSAGES_DEBUG")}
    env.update(extra)
    return env


def ensure_packages():
    missing = [p for p in PACKAGES
               if subprocess.run(["dpkg-query", "-W", "-f=${db:Status-Abbrev}", p],
                                 capture_output=True, text=True).stdout[:2] != "ii"]
    if not missing:
        return
    print(f"installing {' '.join(missing)}", flush=True)
    apt = ["apt-get", "-y", "-q", "--no-install-recommends", "-o", "DPkg::Lock::Timeout=300"]
    if os.geteuid() != 0:
        apt = ["sudo", "-n"] + apt
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    if subprocess.run(apt + ["install"] + missing, env=env).returncode != 0:
        subprocess.run(apt + ["update"], env=env)
        if subprocess.run(apt + ["install"] + missing, env=env).returncode != 0:
            print(f"SKIP: cannot install {' '.join(missing)}")
            sys.exit(77)


class Server:
    """One tether-test-spice-server child; stdout lines are collected."""

    def __init__(self, exe, *args, pass_fds=()):
        self.err_path = os.path.join(TMP, f"server-{time.monotonic_ns()}.err")
        self.err = open(self.err_path, "w+")
        self.proc = subprocess.Popen([exe, *args], stdout=subprocess.PIPE, stderr=self.err,
                                     text=True, env=clean_env(), pass_fds=pass_fds)
        self.lines = []
        self.cond = threading.Condition()
        self.ready = {}
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            with self.cond:
                self.lines.append(line.rstrip("\n"))
                self.cond.notify_all()
        with self.cond:
            self.lines.append(None)      # end of output
            self.cond.notify_all()

    def wait_line(self, pattern, timeout=10.0, start=0):
        """Index of the first line from START matching PATTERN, or None."""
        rx = re.compile(pattern)
        end = time.monotonic() + timeout
        with self.cond:
            while True:
                for i in range(start, len(self.lines)):
                    if self.lines[i] is None:
                        return None
                    if rx.search(self.lines[i]):
                        return i
                left = end - time.monotonic()
                if left <= 0:
                    return None
                self.cond.wait(left)

    def wait_ready(self, timeout=10.0):
        i = self.wait_line(r"^READY ", timeout)
        if i is None:
            raise RuntimeError(f"server did not start: {self.stderr()}")
        self.ready = dict(f.split("=", 1) for f in self.lines[i].split()[1:])
        return self

    @property
    def port(self):
        return int(self.ready["port"])

    def stats(self):
        n = len(self.lines)
        self.proc.send_signal(signal.SIGUSR1)
        i = self.wait_line(r"^STATS ", 5, start=n)
        return dict(f.split("=", 1) for f in self.lines[i].split()[1:]) if i is not None else {}

    def stderr(self):
        self.err.flush()
        with open(self.err_path) as f:
            return f.read()

    def stop(self, timeout=5.0):
        """SIGTERM; the exit status, or None if it had to be killed."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return None


def start(exe, *args, **kw):
    return Server(exe, *args, **kw).wait_ready()


def spicy_screenshot(out, port=None, tls_port=None, password=None, uri=None, ca_file=None,
                     timeout=20):
    """Run spicy-screenshot; True if it wrote OUT within TIMEOUT seconds."""
    if os.path.exists(out):
        os.unlink(out)
    cmd = [SPICY, "-o", out]
    if uri:
        cmd += ["--uri", uri]
    else:
        cmd += ["-h", "127.0.0.1"]
        if port:
            cmd += ["-p", str(port)]
        if tls_port:
            cmd += ["-s", str(tls_port)]
    if password is not None:
        cmd += ["-w", password]
    env = clean_env(SSL_CERT_FILE=ca_file) if ca_file else clean_env()
    try:
        subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        return False
    return os.path.exists(out) and os.path.getsize(out) > 0


def gi_client(mode, *args, timeout=30):
    """Run tss-client.py; (ok, stdout line or stderr)."""
    try:
        r = subprocess.run([PYTHON, CLIENT, mode, *args], capture_output=True, text=True,
                           timeout=timeout, env=clean_env())
    except subprocess.TimeoutExpired:
        return False, "timed out"
    if r.returncode != 0:
        return False, r.stderr.strip()[-400:]
    return True, r.stdout.strip()


def check_picture(path, pattern, seed, width, height, frame, what):
    try:
        w, h, px = expected.read_ppm(path)
    except (OSError, ValueError) as e:
        return check(False, what, str(e))
    if not check((w, h) == (width, height), f"{what}: size {w}x{h}", f"expected {width}x{height}"):
        return False
    diff = expected.compare(px, expected.frame(pattern, seed, width, height, frame), width)
    return check(diff is None, f"{what}: pixels equal {pattern} frame {frame}", diff or "")


# --- suites --------------------------------------------------------------------------------


def suite_frames(exe):
    for i, mode in enumerate(MODES):
        seed = 11 + i
        # The initial picture, through spicy-screenshot, at the default size.
        srv = start(exe, "--image-compression", mode, "--jpeg-wan-compression", "never",
                    "--seed", str(seed))
        relay = tss_relay.Relay(("127.0.0.1", srv.port)).start()
        out = os.path.join(TMP, f"static-{mode}.ppm")
        if check(spicy_screenshot(out, port=relay.port), f"{mode}: spicy-screenshot wrote a frame"):
            check_picture(out, "static", seed, 1024, 768, 0, f"{mode}: static")
        types = set(relay.image_types())
        check(types and types <= SURFACE_TYPES[mode],
              f"{mode}: surface image sent as {sorted(types)}", f"allowed {sorted(SURFACE_TYPES[mode])}")
        relay.stop()
        check(srv.stop() == 0, f"{mode}: server exits 0 on SIGTERM")

        # Updates as drawables, through spice-gtk: the last frame must be exact.
        srv = start(exe, "--image-compression", mode, "--jpeg-wan-compression", "never",
                    "--pattern", "moving-bars", "--seed", str(seed), "--width", "640",
                    "--height", "480", "--frames", "30", "--fps", "60", "--wait-for-client")
        relay = tss_relay.Relay(("127.0.0.1", srv.port)).start()
        out = os.path.join(TMP, f"bars-{mode}.ppm")
        ok, line = gi_client("frame", "--port", str(relay.port), "--out", out)
        if check(ok, f"{mode}: spice-gtk followed 30 updates ({line})", line):
            check_picture(out, "moving-bars", seed, 640, 480, 30, f"{mode}: moving-bars")
        types = relay.image_types()
        want = DRAWABLE_TYPE[mode]
        check(types[want] >= 25 and set(types) <= SURFACE_TYPES[mode] | {want},
              f"{mode}: updates sent as {want} ({dict(types)})")
        stats = srv.stats()
        check(stats.get("frames") == "30", f"{mode}: server produced 30 frames ({stats})")
        relay.stop()
        srv.stop()

    # Photograph-like content: the automatic modes pick QUIC.
    for mode, want in (("auto_glz", "QUIC"), ("auto_lz", "QUIC")):
        srv = start(exe, "--image-compression", mode, "--jpeg-wan-compression", "never",
                    "--pattern", "gradient", "--width", "320", "--height", "240",
                    "--frames", "20", "--fps", "60", "--wait-for-client")
        relay = tss_relay.Relay(("127.0.0.1", srv.port)).start()
        out = os.path.join(TMP, f"gradient-{mode}.ppm")
        ok, line = gi_client("frame", "--port", str(relay.port), "--out", out)
        if check(ok, f"gradient {mode}: spice-gtk followed the updates", line):
            check_picture(out, "gradient", 1, 320, 240, 20, f"gradient {mode}")
        types = relay.image_types()
        check(types[want] >= 15, f"gradient {mode}: updates sent as {want} ({dict(types)})")
        relay.stop()
        srv.stop()

    # The text pattern writes small rectangles (128 x 16), as LZ4 too; also exact.
    srv = start(exe, "--image-compression", "lz4", "--pattern", "text", "--width", "320",
                "--height", "240", "--frames", "50", "--fps", "100", "--wait-for-client")
    relay = tss_relay.Relay(("127.0.0.1", srv.port)).start()
    out = os.path.join(TMP, "text.ppm")
    ok, line = gi_client("frame", "--port", str(relay.port), "--out", out)
    if check(ok, "text lz4: spice-gtk followed the updates", line):
        check_picture(out, "text", 1, 320, 240, 50, "text lz4")
    types = relay.image_types()
    check(types["LZ4"] >= 40, f"text lz4: updates sent as LZ4 ({dict(types)})")
    relay.stop()
    srv.stop()


def suite_codecs(exe):
    # zlib around GLZ when the WAN setting says always.
    srv = start(exe, "--image-compression", "glz", "--zlib-glz-wan-compression", "always",
                "--pattern", "moving-bars", "--width", "640", "--height", "480",
                "--frames", "30", "--fps", "60", "--wait-for-client")
    relay = tss_relay.Relay(("127.0.0.1", srv.port)).start()
    out = os.path.join(TMP, "zlib.ppm")
    ok, line = gi_client("frame", "--port", str(relay.port), "--out", out)
    if check(ok, "zlib-glz always: spice-gtk followed the updates", line):
        check_picture(out, "moving-bars", 1, 640, 480, 30, "zlib-glz always")
    types = relay.image_types()
    check(types["ZLIB_GLZ_RGB"] >= 25, f"zlib-glz always: updates sent as ZLIB_GLZ_RGB ({dict(types)})")
    relay.stop()
    srv.stop()

    # JPEG (lossy) for photograph-like updates when the WAN setting says always.
    srv = start(exe, "--image-compression", "quic", "--jpeg-wan-compression", "always",
                "--pattern", "gradient", "--width", "320", "--height", "240",
                "--frames", "20", "--fps", "60", "--wait-for-client")
    relay = tss_relay.Relay(("127.0.0.1", srv.port)).start()
    out = os.path.join(TMP, "jpeg.ppm")
    ok, line = gi_client("frame", "--port", str(relay.port), "--out", out)
    check(ok, "jpeg always: spice-gtk followed the updates", line)
    types = relay.image_types()
    check(types["JPEG"] >= 15, f"jpeg always: updates sent as JPEG ({dict(types)})")
    if ok:
        w, h, px = expected.read_ppm(out)
        want = expected.gradient(1, w, h, 20)
        # JPEG rings at the sharp edges where the ramps wrap; judge the mean error.
        mean = sum(abs(a - b) for a, b in zip(px, want)) / len(want)
        check(len(px) == len(want) and mean <= 6,
              f"jpeg always: lossy picture close to the original (mean error {mean:.2f})")
    relay.stop()
    srv.stop()

    # Video streaming: a region updated often becomes an MJPEG stream.
    srv = start(exe, "--streaming-video", "all", "--pattern", "moving-bars", "--width", "640",
                "--height", "480", "--frames", "60", "--fps", "30", "--wait-for-client")
    relay = tss_relay.Relay(("127.0.0.1", srv.port)).start()
    out = os.path.join(TMP, "stream.ppm")
    ok, line = gi_client("frame", "--port", str(relay.port), "--out", out, "--settle", "1.5")
    check(ok, "streaming-video all: spice-gtk followed the updates", line)
    check(relay.stream_frames >= 10 and relay.messages[tss_relay.MSG_DISPLAY_STREAM_CREATE] >= 1,
          f"streaming-video all: {relay.stream_frames} stream frames")
    relay.stop()
    srv.stop()


def make_pki(directory):
    """A CA and a server certificate for 127.0.0.1 in DIRECTORY (x509-dir layout)."""
    def ossl(*args):
        subprocess.run(["openssl", *args], check=True, capture_output=True)
    os.makedirs(directory, exist_ok=True)
    for name in ("ca", "other-ca"):
        ossl("req", "-x509", "-new", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", "30",
             "-keyout", f"{directory}/{name}-key.pem", "-out", f"{directory}/{name}-cert.pem",
             "-subj", f"/CN=tss {name}", "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    with open(f"{directory}/ext", "w") as f:
        f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    ossl("req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{directory}/server-key.pem",
         "-out", f"{directory}/server.csr", "-subj", "/CN=localhost")
    ossl("x509", "-req", "-in", f"{directory}/server.csr", "-CA", f"{directory}/ca-cert.pem",
         "-CAkey", f"{directory}/ca-key.pem", "-CAcreateserial", "-days", "30",
         "-extfile", f"{directory}/ext", "-out", f"{directory}/server-cert.pem")


def suite_access(exe):
    pki = os.path.join(TMP, "pki")
    make_pki(pki)
    ca, other_ca = f"{pki}/ca-cert.pem", f"{pki}/other-ca-cert.pem"

    # TLS only, with a ticket from a file.
    pwfile = os.path.join(TMP, "password")
    with open(pwfile, "w") as f:
        f.write("s3cret pass\n")
    srv = start(exe, "--tls-port", "0", "--x509-dir", pki, "--password-file", pwfile, "--seed", "5")
    check("port" not in srv.ready and "tls-port" in srv.ready, f"tls-only: READY {srv.ready}")
    tls = int(srv.ready["tls-port"])
    out = os.path.join(TMP, "tls.ppm")
    if check(spicy_screenshot(out, tls_port=tls, password="s3cret pass", ca_file=ca),
             "tls + ticket: spicy-screenshot wrote a frame"):
        check_picture(out, "static", 5, 1024, 768, 0, "tls + ticket")
    check(not spicy_screenshot(out, tls_port=tls, password="wrong", ca_file=ca),
          "tls + wrong ticket: refused")
    check(not spicy_screenshot(out, tls_port=tls, password="s3cret pass", ca_file=other_ca),
          "tls against another CA: refused")
    ok, line = gi_client("frame", "--tls-port", str(tls), "--ca-file", ca,
                         "--password", "s3cret pass", "--out", out)
    if check(ok, "tls + ticket: spice-gtk (gi) got a frame", line):
        check_picture(out, "static", 5, 1024, 768, 0, "tls + ticket (gi)")
    with open(f"/proc/{srv.proc.pid}/cmdline", "rb") as f:
        check(b"s3cret" not in f.read(), "the ticket is not on the command line")
    srv.stop()

    # Plain and TLS ports together; the ticket given on the command line is wiped from it.
    srv = start(exe, "--port", "0", "--tls-port", "0", "--x509-dir", pki, "--password", "pw2")
    check("port" in srv.ready and "tls-port" in srv.ready, f"plain + tls: READY {srv.ready}")
    with open(f"/proc/{srv.proc.pid}/cmdline", "rb") as f:
        check(b"pw2" not in f.read(), "--password is wiped from /proc/PID/cmdline")
    check(spicy_screenshot(out, port=srv.port, password="pw2"), "plain port with ticket")
    check(spicy_screenshot(out, tls_port=int(srv.ready["tls-port"]), password="pw2", ca_file=ca),
          "tls port of the same server")
    srv.stop()

    # Unix socket.
    sock = os.path.join(TMP, "spice.sock")
    srv = start(exe, "--unix", sock, "--seed", "6", "--width", "300", "--height", "200")
    check(srv.ready.get("unix") == sock, f"unix: READY {srv.ready}")
    if check(spicy_screenshot(out, uri=f"spice+unix://{sock}"), "unix: spicy-screenshot wrote a frame"):
        check_picture(out, "static", 6, 300, 200, 0, "unix")
    srv.stop()

    # Name and uuid reach the client.
    uuid = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
    srv = start(exe, "--name", "tss vm", "--uuid", uuid.upper())
    ok, line = gi_client("info", "--port", str(srv.port))
    check(ok and f"name=tss vm uuid={uuid} " in line, f"name and uuid: {line}")
    srv.stop()

    # --ready-fd and --pidfile.
    r, w = os.pipe()
    pidfile = os.path.join(TMP, "server.pid")
    srv = Server(exe, "--ready-fd", str(w), "--pidfile", pidfile, pass_fds=(w,))
    os.close(w)
    with os.fdopen(r) as f:
        line = f.readline().strip()
        rest = f.read()
    check(line.startswith("READY pid=") and rest == "", f"--ready-fd: {line!r} then EOF")
    with open(pidfile) as f:
        check(f.read().strip() == str(srv.proc.pid), "--pidfile holds the pid")
    check(srv.wait_line("^READY", timeout=0.5) is None, "no READY on stdout with --ready-fd")
    check(srv.stop() == 0 and not os.path.exists(pidfile), "SIGTERM: exit 0, pid file removed")

    # Bad options: exit status 2 and a message.
    for args, text in ((["--image-compression", "zstd"], "is not one of"),
                       (["--width", "8"], "--width"),
                       (["--tls-port", "0"], "needs --x509-dir"),
                       (["--unix", sock, "--port", "1"], "cannot be combined"),
                       (["--uuid", "nope"], "--uuid"),
                       (["--fps", "-1"], "--fps"),
                       (["--ready-fd", "999"], "not an open file descriptor")):
        p = subprocess.run([exe, *args], capture_output=True, text=True, env=clean_env(), timeout=10)
        check(p.returncode == 2 and text in p.stderr, f"bad option {' '.join(args)}: exit {p.returncode}",
              p.stderr.strip())
    # A port in use: exit 1 with a message.
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen(1)
    p = subprocess.run([exe, "--port", str(busy.getsockname()[1])], capture_output=True, text=True,
                       env=clean_env(), timeout=10)
    busy.close()
    check(p.returncode == 1 and "spice_server_init failed" in p.stderr, f"port in use: exit {p.returncode}")


def suite_inputs(exe):
    srv = start(exe, "--print-input", "--print-channels")
    keys = [0x1E, 0x30, 0x11D, 0x148, 0x01]
    args = ["--port", str(srv.port), "--position", "10,20", "--click", "1"]
    for k in keys:
        args += ["--key", hex(k)]
    ok, line = gi_client("inputs", *args)
    check(ok and "mouse-mode=client" in line, f"spice-gtk sent the events ({line})")
    want = []
    for k in keys:
        code = f"0xe0{k & 0xff:02x}" if k & 0x100 else f"0x{k:02x}"
        want += [f"KEY down {code}", f"KEY up {code}"]
    want += ["MOUSE 10 20 buttons=0", "BUTTONS buttons=1", "BUTTONS buttons=0"]
    pos = 0
    for w in want:
        i = srv.wait_line("^" + re.escape(w) + "$", timeout=5, start=pos)
        if not check(i is not None, f"server printed '{w}'", f"lines: {srv.lines[pos:]}"):
            break
        pos = i + 1
    stats = srv.stats()
    check(stats.get("keys") == str(2 * len(keys)), f"key count {stats.get('keys')}")
    check(int(stats.get("mouse", 0)) >= 3, f"mouse count {stats.get('mouse')}")

    # A right click through a second connection (the server keeps serving).
    ok, line = gi_client("inputs", "--port", str(srv.port), "--position", "30,40", "--click", "3")
    check(ok and srv.wait_line(r"^MOUSE 30 40 ", 5, start=pos) is not None
          and srv.wait_line(r"^BUTTONS buttons=2$", 5, start=pos) is not None,
          "second client: right click at 30,40 (BUTTONS buttons=2)")
    check(srv.stop() == 0, "server exits 0")


def proc_gone(pid):
    """True if PID no longer runs (missing, or a zombie nobody reaped)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except (OSError, IndexError):
        return True


def abrupt_clients(port, count):
    """Connections that go away mid-link: nothing, half a header, a bad magic."""
    for i in range(count):
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            if i % 3 == 1:
                s.sendall(b"REDQ\x02\x00")
            elif i % 3 == 2:
                s.sendall(b"XXXX" + bytes(12))
                s.recv(64)
            s.close()
        except OSError:
            pass


def suite_soak(exe):
    srv = start(exe, "--pattern", "moving-bars", "--fps", "0", "--width", "800", "--height", "600",
                "--print-channels", "--image-compression", "lz4")
    port = srv.port
    out = os.path.join(TMP, "soak.ppm")
    # Each cycle must be quick: at --fps 0 the frame producer must not starve the
    # main loop that links clients.
    shots, t0 = 0, time.monotonic()
    for i in range(50):
        if spicy_screenshot(out, port=port, timeout=5):
            w, h, _ = expected.read_ppm(out)
            shots += (w, h) == (800, 600)
    check(shots == 50, f"50 spicy-screenshot connect/disconnect cycles at full rate: {shots} frames "
          f"in {time.monotonic() - t0:.1f} s")

    # spice-server serves one client at a time: each new client's main channel
    # disconnects the previous client. Four overlapping clients, with abrupt
    # connections around them: the last one must get its frames, the others must
    # see a clean disconnect (not a timeout).
    results = {}
    def counter(i):
        time.sleep(0.4 * i)
        results[i] = gi_client("count", "--port", str(port), "--seconds", "2")
    threads = [threading.Thread(target=counter, args=(i,)) for i in range(4)]
    threads.append(threading.Thread(target=abrupt_clients, args=(port, 30)))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    last_ok, last = results[3]
    check(last_ok and "COUNT" in last, f"the last of 4 overlapping spice-gtk clients got frames: {last}")
    kicked = [results[i][1] for i in range(3)]
    check(all(not results[i][0] and re.search(r"(main|display) channel event (closed|error-io)", results[i][1])
              for i in range(3)),
          "the earlier clients were disconnected by the server", repr(kicked))
    check(srv.proc.poll() is None, "server still running")
    before = srv.stats()
    time.sleep(0.5)
    after = srv.stats()
    check(int(after.get("frames", 0)) >= int(before.get("frames", 0)),
          f"frames keep coming without clients: {before.get('frames')} -> {after.get('frames')}")
    check(spicy_screenshot(out, port=port), "a client after the storm gets a frame")
    end = time.monotonic() + 10
    while True:     # the last client's disconnect may take a moment under load
        with srv.cond:
            lines = [l for l in srv.lines if l]
        linked = sum(1 for l in lines if l.startswith("CHANNEL initialized main"))
        gone = sum(1 for l in lines if l.startswith("CHANNEL disconnected main"))
        if linked == gone or time.monotonic() > end:
            break
        time.sleep(0.1)
    check(linked == gone and linked >= 30, f"every main channel that linked went away ({linked}/{gone})")
    stats = srv.stats()
    print(f"soak stats: {stats}", flush=True)
    check(int(stats.get("watches", 99)) <= 3 and int(stats.get("timers", 99)) <= 3,
          f"no timers or watches left over ({stats.get('timers')} timers, {stats.get('watches')} watches)")
    t0 = time.monotonic()
    rc = srv.stop()
    check(rc == 0, f"SIGTERM under load: exit {rc} in {time.monotonic() - t0:.2f} s")
    err = srv.stderr()
    check("CRITICAL" not in err and "stopping:" in err, "no criticals on stderr",
          "\n    ".join(err.splitlines()[-10:]))


def suite_peer(exe):
    env = clean_env(TETHER_TEST_SPICE_SERVER=exe,
                    TETHER_PEER_DIR=os.path.join(TMP, "peers"))

    def peer(*args):
        r = subprocess.run([PEER, *args], capture_output=True, text=True, env=env, timeout=120)
        kv = {}
        for line in r.stdout.splitlines():
            k, _, v = line.partition("=")
            kv[k] = v.strip("'")
        return r.returncode, kv, r.stderr

    rc, a, err = peer("start", "p1", "--image-compression", "lz4", "--seed", "9")
    check(rc == 0, "peer: start p1 with lz4", err)
    for key in ("SPICE_HOST", "SPICE_PORT", "SPICE_TLS_PORT", "SPICE_UNIX_PATH", "SPICE_PASSWORD",
                "SPICE_CA_FILE", "SPICE_NAME", "SPICE_UUID", "SPICE_PID", "SPICE_URI"):
        check(key in a, f"peer: {key} in the output")
    rc, b, _ = peer("start", "p1", "--image-compression", "lz4", "--seed", "9")
    check(rc == 0 and b.get("SPICE_PID") == a.get("SPICE_PID"), "peer: second start reuses the pid")
    rc, _, _ = peer("start", "p1", "--seed", "10")
    check(rc == 3, f"peer: other options without --replace: exit {rc}")
    out = os.path.join(TMP, "peer.ppm")
    if check(spicy_screenshot(out, port=a.get("SPICE_PORT")), "peer: spicy-screenshot"):
        check_picture(out, "static", 9, 1024, 768, 0, "peer p1")

    rc, t, err = peer("start", "p2", "--tls", "--password", "pp")
    check(rc == 0 and t.get("SPICE_TLS_PORT") and t.get("SPICE_PASSWORD") == "pp", "peer: start p2 --tls", err)
    check(spicy_screenshot(out, tls_port=t.get("SPICE_TLS_PORT"), password="pp",
                           ca_file=t.get("SPICE_CA_FILE")), "peer: tls + ticket against SPICE_CA_FILE")
    rc, _, err = peer("start", "p3", "--pattern", "text", "--unix")
    rc2, u, _ = peer("env", "p3")
    check(rc == 0 and rc2 == 0 and u.get("SPICE_URI", "").startswith("spice+unix://"), "peer: unix instance")
    rc, _, _ = peer("start", "p4", "--image-compression", "zstd")
    check(rc == 2, f"peer: bad option: exit {rc}")

    rc, _, _ = peer("stop", "p1")
    check(rc == 0 and peer("status", "p1")[0] == 1, "peer: stop p1")
    check(proc_gone(a.get("SPICE_PID")), "peer: p1's process is gone")
    rc, _, _ = peer("stop", "--all")
    r = subprocess.run([PEER, "list"], capture_output=True, text=True, env=env)
    check(rc == 0 and "running" not in r.stdout, f"peer: stop --all ({r.stdout.strip()})")


SUITES = {"frames": suite_frames, "codecs": suite_codecs, "access": suite_access,
          "inputs": suite_inputs, "soak": suite_soak, "peer": suite_peer}


def main():
    if len(sys.argv) != 3 or sys.argv[2] not in SUITES:
        print(__doc__, file=sys.stderr)
        return 2
    exe = os.path.abspath(sys.argv[1])
    ensure_packages()
    t0 = time.monotonic()
    try:
        SUITES[sys.argv[2]](exe)
    except Exception as e:          # a crash in the harness is a failure, not a pass
        check(False, f"suite {sys.argv[2]} raised {type(e).__name__}: {e}")
    print(f"{sys.argv[2]}: {failures} failure(s) in {time.monotonic() - t0:.1f} s")
    if failures:
        print(f"pictures and server logs kept in {TMP}")
        return 1
    shutil.rmtree(TMP, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
