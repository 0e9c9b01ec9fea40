#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""`tether spice keys` reaches the guest: SeaBIOS's boot menu on QEMU.

A QEMU instance with the boot menu on (spice-peer.sh --boot-menu: SeaBIOS
shows "Press ESC for boot menu." for a few seconds after each reset) is reset
through QMP; once the prompt is on the screen (read from the VGA text buffer
through QMP), `tether spice keys URI esc` presses Esc. Checks:

- the guest's text screen then shows "Select boot device:" (the key arrived
  and SeaBIOS acted on it) and never "Booting from" (it did not time out);
- the menu stays (SeaBIOS waits for a choice), and Tether's screenshot of it
  differs from the one taken before the key exactly in the text rows the menu
  added, and equals spicy-screenshot's picture (blinking cursor cell masked);
- a control run without the key: the prompt times out and SeaBIOS boots on
  ("Booting from"), so the menu really came from the key;
- `tether spice keys` refuses an unknown key name with exit status 2 before
  connecting, and `tether spice type` sends text (the menu ignores letters,
  so that only checks the exit status).

With the synthetic server (tests/spice-server, when built; it prints the
key and mouse events it gets): `tether spice type`, `keys` and `click` arrive
as exactly the expected scan codes, absolute position and button states.

Instance "spikeys" is stopped at the end. Packages: spice-client-gtk.
"""
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import spice_peers as sp  # noqa: E402
import spice_pixels as px  # noqa: E402

BOOT_MENU_MS = 6000
INSTANCE = 'spikeys'


def tool(*args, timeout=60):
    return subprocess.run([sp.TOOL, 'spice'] + list(args), capture_output=True, text=True, timeout=timeout)


def reset_to_prompt(qmp_path):
    sp.qmp(qmp_path, 'system_reset')
    # The old screen may still show the prompt for a moment: wait for the
    # reset to clear it first.
    time.sleep(0.2)
    return sp.wait_text(qmp_path, 'Press ESC for boot menu', timeout=10)


def text_rows(image):
    """Indices of the 16-pixel text rows with any non-black pixel."""
    width, height, rgb = image
    rows = set()
    for y in range(height):
        line = rgb[y * width * 3:(y + 1) * width * 3]
        if line.count(0) != len(line):
            rows.add(y // 16)
    return rows


EXPECTED_INPUT = [
    # type 'Ab1': Shift around the A
    'KEY down 0x2a', 'KEY down 0x1e', 'KEY up 0x1e', 'KEY up 0x2a',
    'KEY down 0x30', 'KEY up 0x30', 'KEY down 0x02', 'KEY up 0x02',
    # click 100 50 --button right (client mouse mode: an absolute position)
    'MOUSE 100 50 buttons=0', 'BUTTONS buttons=2', 'BUTTONS buttons=0',
    # keys ctrl-alt-del
    'KEY down 0x1d', 'KEY down 0x38', 'KEY down 0xe053', 'KEY up 0xe053', 'KEY up 0x38', 'KEY up 0x1d',
]


def synthetic_inputs():
    server = os.environ.get('TETHER_TEST_SPICE_SERVER',
                            os.path.join(sp.BUILD_ROOT, 'tests', 'spice-server', 'tether-test-spice-server'))
    if not os.access(server, os.X_OK):
        print('ok - input events: skipped: the synthetic SPICE server is not built here # SKIP', flush=True)
        return
    proc = subprocess.Popen([server, '--port', '0', '--print-input'], env=sp.clean_env(), stdout=subprocess.PIPE,
                            text=True)
    try:
        ready = proc.stdout.readline().split()
        uri = 'spice://127.0.0.1:%s' % [f.split('=', 1)[1] for f in ready if f.startswith('port=')][0]
        for args in (['type', uri, 'Ab1'], ['click', uri, '100', '50', '--button', 'right'],
                     ['keys', uri, 'ctrl-alt-del']):
            p = tool(*args)
            sp.check(p.returncode == 0, 'synthetic server: tether spice %s exits 0%s' % (
                args[0], sp.tail(p.returncode, p.stderr)))
        time.sleep(0.5)
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=30)
    events = [l for l in out.splitlines() if l.split(' ', 1)[0] in ('KEY', 'MOUSE', 'MOTION', 'BUTTONS', 'WHEEL')]
    sp.check(events == EXPECTED_INPUT, 'synthetic server: the events arrived as sent, in order (%s)' % events)


def main():
    sp.ensure_packages(['spice-client-gtk'])
    work = sp.tmpdir('tether-spikeys-')
    try:
        p = tool('keys', 'spice://127.0.0.1:1', 'ctrl-nosuchkey')
        sp.check(p.returncode == 2 and 'unknown key' in p.stderr,
                 'keys: an unknown key name is a usage error (exit %d: %s)' % (p.returncode, p.stderr.strip()))

        env = sp.peer_start(INSTANCE, '--boot-menu', str(BOOT_MENU_MS))
        uri, qmp_path = env['SPICE_URI'], env['SPICE_QMP_SOCKET']
        host, port = env['SPICE_HOST'], env['SPICE_PORT']

        # Control: without a key the prompt times out and the BIOS boots on.
        if sp.check(reset_to_prompt(qmp_path) is not None, 'the boot prompt appears after a reset'):
            screen = sp.wait_text(qmp_path, 'Booting from', timeout=BOOT_MENU_MS / 1000.0 + 10)
            sp.check(screen is not None and not any('Select boot device' in l for l in screen),
                     'control: without a key SeaBIOS boots on after the prompt')

        # With Esc.
        screen = reset_to_prompt(qmp_path)
        if not sp.check(screen is not None, 'the boot prompt appears after a second reset'):
            return
        prompt_rows = {i for i, l in enumerate(screen) if l.strip()}
        before = os.path.join(work, 'before.png')
        rc, err = sp.tether_screenshot(uri, before)
        sp.check(rc == 0, 'screenshot of the prompt%s' % sp.tail(rc, err))
        start = time.monotonic()
        p = tool('keys', uri, 'esc')
        sp.check(p.returncode == 0, 'tether spice keys URI esc exits 0 in %.2f s%s' % (
            time.monotonic() - start, sp.tail(p.returncode, p.stderr)))
        screen = sp.wait_text(qmp_path, 'Select boot device', timeout=5)
        if not sp.check(screen is not None, 'the guest shows its boot menu after Esc'):
            sp.note('screen: %r' % sp.vga_text(qmp_path))
            return
        sp.check(not any('Booting from' in l for l in screen), 'the guest did not boot on')
        time.sleep(1.0)
        screen = sp.vga_text(qmp_path)
        sp.check(any('Select boot device' in l for l in screen) and not any('Booting from' in l for l in screen),
                 'the menu stays on the screen')
        menu_rows = {i for i, l in enumerate(screen) if l.strip()}

        after = os.path.join(work, 'after.png')
        rc, err = sp.tether_screenshot(uri, after)
        if not sp.check(rc == 0, 'screenshot of the menu%s' % sp.tail(rc, err)):
            return
        img_before, img_after = px.read_png(before), px.read_png(after)
        changed = {cell[1] for cell in px.diff_boxes(img_before, img_after)}
        new_rows = menu_rows - prompt_rows
        blink, refs = sp.blink_cells(host, port, work)
        blink_rows = {cell[1] for cell in blink}
        sp.check(new_rows and new_rows <= changed,
                 'the screenshot changed in the rows the menu added (menu rows %s, changed %s)' % (
                     sorted(new_rows), sorted(changed)))
        sp.check(changed <= new_rows | blink_rows,
                 'and nowhere else but the cursor (changed %s, blinking %s)' % (sorted(changed), sorted(blink_rows)))
        sp.check(new_rows <= text_rows(img_after),
                 'the menu\'s rows have pixels in the screenshot (%s)' % sorted(new_rows))
        ok, report = sp.compare_any(img_after, refs, blink)
        sp.check(ok, 'the menu screenshot equals spicy-screenshot\'s: %s' % report)

        # Text and a key combination go through too (the menu ignores them).
        p = tool('type', uri, 'x')
        sp.check(p.returncode == 0, 'tether spice type URI x exits 0%s' % sp.tail(p.returncode, p.stderr))
        p = tool('keys', '--delay-ms', '5', uri, 'shift-a', 'ctrl+alt+f1')
        sp.check(p.returncode == 0, 'tether spice keys with two combinations exits 0%s' % sp.tail(
            p.returncode, p.stderr))
        synthetic_inputs()
    finally:
        sp.peer_stop(INSTANCE)
        sp.remove_tree(work)
    sp.finish()


if __name__ == '__main__':
    main()
