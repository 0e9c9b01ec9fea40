#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Soak: a long `tether spice` session with a changing picture keeps flat memory.

One `tether spice screenshot --wait-ms` process stays connected for
SOAK_SECONDS (default 600; the CI variant passes 60) while the picture keeps
changing, and its resident set size (VmRSS from /proc) is sampled every
second. After a warm-up (a quarter of the run, at least 15 s) the RSS must
not grow by more than GROWTH_LIMIT_KIB, and the least-squares trend of the
samples after the warm-up, projected over an hour, must stay under
TREND_LIMIT_KIB_PER_HOUR. The process must then save its picture and exit 0.

The changing picture: with the synthetic server (tests/spice-server, when
built) its moving-bars pattern at 30 updates a second over GLZ (full-screen
images, the GLZ window and the image cache at work); otherwise QEMU (instance
"spisoak", auto_glz) reset through QMP every RESET_PERIOD seconds, so that
SeaBIOS redraws the whole text screen each time, on top of the blinking
cursor.

Usage: spice-soak.py [SECONDS]
"""
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import spice_peers as sp  # noqa: E402

GROWTH_LIMIT_KIB = 6 * 1024
TREND_LIMIT_KIB_PER_HOUR = 8 * 1024
RESET_PERIOD = 2.0
GLZ_WINDOW_BYTES = 256 * 1024
INSTANCE = 'spisoak'


def rss_kib(pid):
    try:
        with open('/proc/%d/status' % pid) as f:
            for line in f:
                if line.startswith('VmRSS:'):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def trend_per_second(samples):
    """Least-squares slope of (t, kib) samples, KiB per second."""
    n = len(samples)
    if n < 2:
        return 0.0
    mt = sum(t for t, _ in samples) / n
    mv = sum(v for _, v in samples) / n
    den = sum((t - mt) ** 2 for t, _ in samples)
    if den == 0:
        return 0.0
    return sum((t - mt) * (v - mv) for t, v in samples) / den


def synthetic_server():
    path = os.environ.get('TETHER_TEST_SPICE_SERVER',
                          os.path.join(sp.BUILD_ROOT, 'tests', 'spice-server', 'tether-test-spice-server'))
    return path if os.access(path, os.X_OK) else None


def main():
    seconds = int(sys.argv[1]) if len(sys.argv) > 1 else int(os.environ.get('SOAK_SECONDS', '600'))
    warmup = max(15, seconds // 4)
    work = sp.tmpdir('tether-soak-')
    server_proc = None
    qmp_path = None
    try:
        server = synthetic_server()
        if server is not None:
            server_proc = subprocess.Popen([server, '--port', '0', '--pattern', 'moving-bars', '--fps', '30',
                                            '--image-compression', 'glz', '--width', '800', '--height', '600'],
                                           env=sp.clean_env(), stdout=subprocess.PIPE, text=True)
            ready = server_proc.stdout.readline().split()
            port = [f.split('=', 1)[1] for f in ready if f.startswith('port=')][0]
            uri = 'spice://127.0.0.1:%s' % port
            sp.note('picture: the synthetic server, moving bars at 30 updates/s, GLZ')
        else:
            env = sp.peer_start(INSTANCE, '--image-compression', 'auto_glz')
            uri, qmp_path = env['SPICE_URI'], env['SPICE_QMP_SOCKET']
            sp.note('picture: QEMU/SeaBIOS reset every %.0f s (the synthetic server is not built)' % RESET_PERIOD)

        png = os.path.join(work, 'soak.png')
        options = ['--wait-ms', str(seconds * 1000), '--timeout', '30']
        if qmp_path is not None:
            # SeaBIOS's updates are character cells of about 1 KiB each: with
            # the default window (a quarter of the guest's RAM in pixels) the
            # GLZ window would keep filling for half an hour, legitimately.
            # A 256 KiB window is full within seconds.
            options += ['--glz-window-size', str(GLZ_WINDOW_BYTES)]
        proc = sp.tether_screenshot_start(uri, png, *options, debug=True)
        start = time.monotonic()
        samples = []
        next_reset = start + 1.0
        while proc.poll() is None:
            now = time.monotonic()
            value = rss_kib(proc.pid)
            if value is not None:
                samples.append((now - start, value))
            if qmp_path is not None and now >= next_reset and now - start < seconds - 1:
                try:
                    sp.qmp(qmp_path, 'system_reset')
                except (OSError, RuntimeError) as e:
                    sp.note('reset failed: %s' % e)
                next_reset = now + RESET_PERIOD
            time.sleep(1.0 - ((time.monotonic() - start) % 1.0))
        _, err = proc.communicate()
        sp.check(proc.returncode == 0, 'the session lasted %d s and saved its picture%s' % (
            seconds, sp.tail(proc.returncode, err)))
        counts = sp.image_counts(err)
        sp.note('images drawn: %s' % counts)
        sp.check(sum(counts.values()) >= seconds // 2, 'the picture kept changing (%d images in %d s)' % (
            sum(counts.values()), seconds))

        after = [(t, v) for t, v in samples if t >= warmup]
        if not sp.check(len(after) >= 5, 'enough samples after the %d s warm-up (%d)' % (warmup, len(after))):
            return
        base = after[0][1]
        peak = max(v for _, v in after)
        slope_hour = trend_per_second(after) * 3600
        first = samples[0][1] if samples else 0
        sp.note('RSS every 10 s: %s' % ' '.join('%d' % v for t, v in samples[::10]))
        sp.note('RSS: start %d KiB, after warm-up %d KiB, peak %d KiB, end %d KiB, trend %+.0f KiB/hour' % (
            first, base, peak, after[-1][1], slope_hour))
        sp.check(peak - base <= GROWTH_LIMIT_KIB,
                 'RSS grew by %d KiB after the warm-up (limit %d)' % (peak - base, GROWTH_LIMIT_KIB))
        sp.check(slope_hour <= TREND_LIMIT_KIB_PER_HOUR,
                 'RSS trend after the warm-up %+.0f KiB/hour (limit %d)' % (slope_hour, TREND_LIMIT_KIB_PER_HOUR))
    finally:
        if server_proc is not None:
            server_proc.terminate()
            server_proc.wait(timeout=30)
        elif qmp_path is not None:
            sp.peer_stop(INSTANCE)
        sp.remove_tree(work)
    sp.finish()


if __name__ == '__main__':
    main()
