#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""`tether spice screenshot` against QEMU, compared with spice-gtk's spicy-screenshot.

For each image compression QEMU can select (quic, lz, glz, auto_glz, off), and
with jpeg-wan-compression=always (over quic, where spice-server uses JPEG for
the text screen) and zlib-glz-wan-compression=always (over glz), on a QEMU
instance of its own showing SeaBIOS's text screen:

1. first frame: Tether's screenshot equals spicy-screenshot's (PPM) pixel for
   pixel, but for the blinking text cursor's cell, which is found by diffing
   several spice-gtk captures (both blink states are accepted);
2. drawing: Tether stays connected while the VM is reset through QMP, so the
   whole screen is drawn again by drawing commands in the mode's codec (GLZ,
   QUIC, LZ, BITMAP, JPEG, ZLIB_GLZ_RGB — which Tether's debug line must list),
   then saves the screen; once the BIOS has printed its last line (read from
   the VGA text buffer through QMP), that too must equal spice-gtk's picture
   (JPEG: every channel within JPEG_TOLERANCE, as both decode the same JPEG
   data with libjpeg-turbo).

LZ4: QEMU 7.2 cannot select it; the synthetic server
(tests/spice-server/tether-test-spice-server, when built) sends 30 moving-bars
updates in LZ4, and the picture after the last one is compared with the
pattern's formula (tss_expected.py) and with spicy-screenshot; without the
server that part says it is skipped.

Instances are named "spix-*" and stopped at the end. Packages: spice-client-gtk
(spicy-screenshot), installed when missing.
"""
import os
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import spice_peers as sp  # noqa: E402
import spice_pixels as px  # noqa: E402

JPEG_TOLERANCE = 24
RESET_WAIT_MS = 3000

SCENARIOS = [
    # name, peer options, image types Tether must have drawn after the reset, tolerance
    ('quic', ['--image-compression', 'quic'], ['QUIC'], 0),
    ('lz', ['--image-compression', 'lz'], ['LZ_RGB'], 0),
    ('glz', ['--image-compression', 'glz'], ['GLZ_RGB'], 0),
    ('auto_glz', ['--image-compression', 'auto_glz'], ['GLZ_RGB'], 0),
    ('off', ['--image-compression', 'off'], ['BITMAP'], 0),
    ('jpeg', ['--image-compression', 'quic', '--jpeg-wan-compression', 'always'], ['JPEG'], JPEG_TOLERANCE),
    ('zlib-glz', ['--image-compression', 'glz', '--zlib-glz-wan-compression', 'always'], ['ZLIB_GLZ_RGB'], 0),
]


def start_until_display_ready(uri, png, timeout=15.0):
    """Starts `tether spice screenshot` across a reset and returns once its
    display channel is linked (so that it sees the whole redraw; a fixed
    sleep missed it on a loaded machine), with its stderr collected."""
    proc = sp.tether_screenshot_start(uri, png, '--wait-ms', str(RESET_WAIT_MS), debug=True)
    lines = []
    ready = threading.Event()

    def pump():
        for line in proc.stderr:
            lines.append(line)
            if 'display channel 0: auth -> ready' in line:
                ready.set()
        ready.set()

    t = threading.Thread(target=pump, daemon=True)
    t.start()
    if not ready.wait(timeout):
        sp.note('the display channel was not ready after %.0f s' % timeout)
    time.sleep(0.2)
    return proc, lines, t


def run_scenario(name, options, want_types, tolerance, work):
    instance = 'spix-' + name
    try:
        env = sp.peer_start(instance, *options)
    except RuntimeError as e:
        sp.check(False, '%s: start QEMU: %s' % (name, e))
        return
    host, port, uri, qmp_path = env['SPICE_HOST'], env['SPICE_PORT'], env['SPICE_URI'], env['SPICE_QMP_SOCKET']
    try:
        if sp.wait_text(qmp_path, 'No bootable device') is None:
            sp.check(False, '%s: SeaBIOS reached its last line' % name)
            return
        time.sleep(0.3)
        blink, refs = sp.blink_cells(host, port, work)
        sp.check(len(blink) <= 2, '%s: at most the cursor cell blinks (%d cells: %s)' % (name, len(blink),
                                                                                          sorted(blink)))
        # 1. The first frame.
        png = os.path.join(work, name + '-first.png')
        rc, err = sp.tether_screenshot(uri, png, debug=True)
        if not sp.check(rc == 0, '%s: tether spice screenshot exits 0%s' % (name, sp.tail(rc, err))):
            return
        image = px.read_png(png)
        ok, report = sp.compare_any(image, refs, blink, tolerance)
        if not ok:
            # Four captures 0.3 s apart can all catch the text cursor in one
            # state and Tether's frame the other: look at the blink again
            # (the check above still holds it to the cursor cell).
            more, more_refs = sp.blink_cells(host, port, work)
            sp.note('%s: first comparison failed (%s); blinking cells on a second look: %s'
                    % (name, report, sorted(more)))
            if len(blink | more) <= 2:
                ok, report = sp.compare_any(image, refs + more_refs, blink | more, tolerance)
        sp.check(ok, '%s: first frame equals spicy-screenshot\'s: %s' % (name, report))

        # 2. Redrawn by drawing commands after a reset.
        # QEMU redraws the reset screen either in many small updates or in
        # about ten big ones (either way, on an idle or a loaded machine), and
        # the server picks JPEG and ZLIB_GLZ only for some of the small
        # ones: try until the reset comes out in the compression under test.
        for attempt in range(6):
            png = os.path.join(work, name + '-reset.png')
            proc, lines, pump = start_until_display_ready(uri, png)
            sp.qmp(qmp_path, 'system_reset')
            time.sleep(0.2)
            done = sp.wait_text(qmp_path, 'No bootable device', timeout=RESET_WAIT_MS / 1000.0)
            proc.wait(timeout=60)
            pump.join(timeout=10)
            err = ''.join(lines)
            counts = sp.image_counts(err)
            sp.note('%s: after the reset Tether drew %s' % (name, counts))
            if proc.returncode == 0 and done is not None and all(counts.get(t, 0) > 0 for t in want_types):
                break
            sp.note('%s: retrying the reset (exit %d, last line %s)' % (name, proc.returncode, done is not None))
        if not sp.check(proc.returncode == 0, '%s: screenshot across the reset exits 0%s' % (
                name, sp.tail(proc.returncode, err))):
            return
        sp.check(all(counts.get(t, 0) > 0 for t in want_types),
                 '%s: the reset was drawn with %s images (%s)' % (name, '/'.join(want_types), counts))
        blink2, refs2 = sp.blink_cells(host, port, work)
        image = px.read_png(png)
        ok, report = sp.compare_any(image, refs2, blink | blink2, tolerance)
        sp.check(ok, '%s: picture after the reset equals spicy-screenshot\'s: %s' % (name, report))
    finally:
        sp.peer_stop(instance)


def synthetic_server():
    path = os.environ.get('TETHER_TEST_SPICE_SERVER',
                          os.path.join(sp.BUILD_ROOT, 'tests', 'spice-server', 'tether-test-spice-server'))
    return path if os.access(path, os.X_OK) else None


LZ4_FRAMES = 30


def run_lz4(work):
    server = synthetic_server()
    if server is None:
        print('ok - lz4: skipped: the synthetic SPICE server (tests/spice-server) is not built here # SKIP',
              flush=True)
        return
    sys.path.insert(0, os.path.join(sp.SOURCE_ROOT, 'tests', 'spice-server'))
    import tss_expected  # noqa: E402
    # The first picture is the primary surface's own (sent as a bitmap); the
    # updates after it are drawings, in LZ4.
    proc = subprocess.Popen([server, '--port', '0', '--image-compression', 'lz4', '--pattern', 'moving-bars',
                             '--frames', str(LZ4_FRAMES), '--fps', '30', '--wait-for-client',
                             '--width', '640', '--height', '480'], env=sp.clean_env(), stdout=subprocess.PIPE,
                            text=True)
    try:
        ready = proc.stdout.readline().split()
        port = [f.split('=', 1)[1] for f in ready if f.startswith('port=')][0]
        png = os.path.join(work, 'lz4.png')
        rc, err = sp.tether_screenshot('spice://127.0.0.1:%s' % port, png, '--wait-ms', '3000', debug=True)
        if not sp.check(rc == 0, 'lz4: tether spice screenshot exits 0%s' % sp.tail(rc, err)):
            return
        counts = sp.image_counts(err)
        sp.check(counts.get('LZ4', 0) >= LZ4_FRAMES // 2, 'lz4: the updates came as LZ4 images (%s)' % counts)
        image = px.read_png(png)
        expected = tss_expected.frame('moving-bars', 1, 640, 480, LZ4_FRAMES)
        ok, report = px.compare((640, 480, expected), image)
        sp.check(ok, 'lz4: the last update equals the pattern\'s formula: %s' % report)
        ref = sp.spicy_screenshot('127.0.0.1', port, os.path.join(work, 'lz4.ppm'))
        ok, report = px.compare(ref, image)
        sp.check(ok, 'lz4: the picture equals spicy-screenshot\'s: %s' % report)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def main():
    sp.ensure_packages(['spice-client-gtk'])
    only = os.environ.get('SPICE_PIXELS_ONLY')
    work = sp.tmpdir('tether-spix-')
    try:
        for name, options, types, tolerance in SCENARIOS:
            if only and name not in only.split(','):
                continue
            run_scenario(name, options, types, tolerance, work)
        if not only or 'lz4' in only.split(','):
            run_lz4(work)
    finally:
        sp.remove_tree(work)
    sp.finish()


if __name__ == '__main__':
    main()
