#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""measure-fps.py - how many frames per second tether-test-spice-server pushes to spice-gtk.

Usage: measure-fps.py SERVER [--seconds S] [--width W --height H] [--fps N]
                      [--patterns a,b] [--modes a,b]

For each pattern and image compression it starts the server (updates as fast as
spice-server takes them unless --fps is given), connects spice-gtk through
tss-client.py in "count" mode for S seconds (default 5) and prints one Markdown table
row: display invalidates per second seen by the client, MiB/s read on the display
channel, and frames per second the server produced over the same time (from its
STATS lines). A measurement, not a test: it never fails on slow numbers.
"""

import argparse
import os
import re
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CLIENT = os.path.join(HERE, "tss-client.py")
PATTERNS = ["moving-bars", "noise", "text", "gradient"]
MODES = ["quic", "lz", "glz", "auto_glz", "auto_lz", "lz4", "off"]


def clean_env():
    return {k: v for k, v in os.environ.items()
            if k not in ("G_DEBUG", "G_SLICE", "MALLOC_PERTURB_", "G_MESSAGES_DEBUG")}


def stats(proc):
    proc.send_signal(signal.SIGUSR1)
    while True:
        line = proc.stdout.readline()
        if not line:
            return {}
        if line.startswith("STATS "):
            return dict(f.split("=", 1) for f in line.split()[1:])


def measure(exe, pattern, mode, args):
    proc = subprocess.Popen([exe, "--pattern", pattern, "--image-compression", mode,
                             "--jpeg-wan-compression", "never", "--fps", str(args.fps),
                             "--width", str(args.width), "--height", str(args.height)],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            env=clean_env())
    try:
        ready = proc.stdout.readline()
        port = re.search(r"port=(\d+)", ready).group(1)
        client = subprocess.Popen([sys.executable, CLIENT, "count", "--port", port,
                                   "--seconds", str(args.seconds)],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                  env=clean_env())
        # Server-side frames over (roughly) the client's counting window: the client
        # needs ~0.2 s to connect and get its first frame.
        time.sleep(0.3)
        s0, t0 = stats(proc), time.monotonic()
        out, err = client.communicate(timeout=args.seconds + 60)
        s1, t1 = stats(proc), time.monotonic()
        m = re.search(r"invalidates=(\d+) seconds=\S+ fps=(\S+) bytes=(\d+)", out)
        if client.returncode != 0 or not m:
            return f"| {pattern} | {mode} | failed: {err.strip()[-80:]} | | |"
        server_fps = (int(s1["taken"]) - int(s0["taken"])) / (t1 - t0)
        mib = int(m.group(3)) / args.seconds / (1 << 20)
        return f"| {pattern} | {mode} | {float(m.group(2)):.1f} | {mib:.1f} | {server_fps:.1f} |"
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(10)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("server")
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--width", type=int, default=1024)
    ap.add_argument("--height", type=int, default=768)
    ap.add_argument("--fps", type=int, default=0)
    ap.add_argument("--patterns", default=",".join(PATTERNS))
    ap.add_argument("--modes", default=",".join(MODES))
    args = ap.parse_args()
    load = os.getloadavg()
    print(f"# {args.width}x{args.height}, --fps {args.fps}, {args.seconds:g} s per row, "
          f"{os.cpu_count()} CPUs, load average {load[0]:.1f} at start")
    print("| pattern | compression | client fps | display MiB/s | server frames/s |")
    print("|---|---|---:|---:|---:|")
    for pattern in args.patterns.split(","):
        for mode in args.modes.split(","):
            print(measure(os.path.abspath(args.server), pattern, mode, args), flush=True)
    print(f"# load average {os.getloadavg()[0]:.1f} at the end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
