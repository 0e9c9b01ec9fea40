# SPDX-License-Identifier: LGPL-2.1-or-later
"""Helpers of the SPICE pixel, key and soak tests: QEMU peers
(tests/peers/spice-peer.sh), QMP, the VGA text screen read through QMP,
Tether's and spice-gtk's screenshot tools, and TAP-style checks.
"""
import json
import os
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import spice_pixels  # noqa: E402

SOURCE_ROOT = os.environ.get('TETHER_SOURCE_ROOT',
                             os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
BUILD_ROOT = os.environ.get('TETHER_BUILD_ROOT', os.path.join(SOURCE_ROOT, 'build'))
TOOL = os.environ.get('TETHER_TOOL', os.path.join(BUILD_ROOT, 'tools', 'tether'))
PEER = os.path.join(SOURCE_ROOT, 'tests', 'peers', 'spice-peer.sh')
SPICY_SCREENSHOT = '/usr/bin/spicy-screenshot'

failures = []


def check(cond, what):
    print(('ok - ' if cond else 'not ok - ') + what, flush=True)
    if not cond:
        failures.append(what)
    return cond


def note(text):
    print('# ' + text.replace('\n', '\n# '), flush=True)


def finish():
    if failures:
        note('%d check(s) failed: %s' % (len(failures), '; '.join(failures)))
        sys.exit(1)
    note('all checks passed')
    sys.exit(0)


def tail(rc, stderr):
    """' (exit N: last lines of stderr)' for a failed run, '' otherwise."""
    if rc == 0:
        return ''
    lines = [line for line in stderr.splitlines() if 'DEBUG' not in line]
    return ' (exit %d: %s)' % (rc, ' / '.join(lines[-3:]))


def clean_env():
    """For peers and spice-gtk: without the tests' GLib debug settings."""
    return {k: v for k, v in os.environ.items() if k not in ('G_DEBUG', 'G_MESSAGES_DEBUG', 'MALLOC_PERTURB_')}


def ensure_packages(packages):
    missing = [p for p in packages
               if subprocess.run(['dpkg-query', '-W', '-f=${db:Status-Abbrev}', p], capture_output=True,
                                 text=True).stdout[:2] != 'ii']
    if not missing:
        return
    note('installing ' + ' '.join(missing))
    cmd = ['apt-get', '-y', '-q', '--no-install-recommends', '-o', 'DPkg::Lock::Timeout=300', 'install'] + missing
    if os.geteuid() != 0:
        cmd = ['sudo'] + cmd
    env = dict(clean_env(), DEBIAN_FRONTEND='noninteractive')
    if subprocess.run(cmd, env=env).returncode != 0:
        subprocess.run(cmd[:-len(missing) - 1] + ['update'], env=env)
        subprocess.run(cmd, env=env, check=True)


# --- peers --------------------------------------------------------------------------


def peer_start(name, *options):
    """Starts (or reuses) QEMU instance NAME; returns its KEY=VALUE settings."""
    out = subprocess.run([PEER, 'start', name, '--replace'] + list(options), env=clean_env(),
                         capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError('spice-peer.sh start %s failed: %s' % (name, out.stderr.strip()))
    env = {}
    for line in out.stdout.splitlines():
        if '=' in line:
            k, v = line.split('=', 1)
            env[k] = shlex.split(v)[0] if v else ''
    return env


def peer_stop(name):
    subprocess.run([PEER, 'stop', name], env=clean_env(), capture_output=True)


def qmp(path, command, arguments=None):
    """One QMP command; returns its 'return' value."""
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(10)
    s.connect(path)
    f = s.makefile('rw')
    json.loads(f.readline())
    result = None
    for c in [{'execute': 'qmp_capabilities'}, {'execute': command}]:
        if c['execute'] == command and arguments is not None:
            c['arguments'] = arguments
        f.write(json.dumps(c) + '\n')
        f.flush()
        while True:
            r = json.loads(f.readline())
            if 'event' in r:
                continue
            if 'error' in r:
                raise RuntimeError('QMP %s: %s' % (c['execute'], r['error']))
            result = r.get('return')
            break
    s.close()
    return result


def vga_text(qmp_path):
    """The 80x25 VGA text screen, read from guest memory at 0xb8000: 25 lines."""
    out = qmp(qmp_path, 'human-monitor-command', {'command-line': 'xp /2000hx 0xb8000'})
    chars = []
    for line in out.splitlines():
        if ':' not in line:
            continue
        for word in line.split(':', 1)[1].split():
            c = int(word, 16) & 0xff
            chars.append(chr(c) if 32 <= c < 127 else ' ')
    text = ''.join(chars)
    return [text[i * 80:(i + 1) * 80].rstrip() for i in range(25)]


def wait_text(qmp_path, needle, timeout=10.0):
    """Polls the text screen until a line holds NEEDLE; returns the screen or None."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        screen = vga_text(qmp_path)
        if any(needle in line for line in screen):
            return screen
        time.sleep(0.05)
    return None


# --- screenshots ---------------------------------------------------------------------


def tether_screenshot(uri, path, *options, debug=False, timeout=60):
    """Runs `tether spice screenshot`; returns (returncode, stderr)."""
    env = dict(os.environ)
    if debug:
        env['G_MESSAGES_DEBUG'] = 'Tether-Spice'
    p = subprocess.run([TOOL, 'spice', 'screenshot', uri, '-o', path] + list(options), env=env,
                       capture_output=True, text=True, timeout=timeout)
    return p.returncode, p.stderr


def tether_screenshot_start(uri, path, *options, debug=False):
    env = dict(os.environ)
    if debug:
        env['G_MESSAGES_DEBUG'] = 'Tether-Spice'
    return subprocess.Popen([TOOL, 'spice', 'screenshot', uri, '-o', path] + list(options), env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def spicy_screenshot(host, port, path, timeout=30):
    p = subprocess.run([SPICY_SCREENSHOT, '-h', host, '-p', str(port), '-o', path], env=clean_env(),
                       capture_output=True, text=True, timeout=timeout)
    if p.returncode != 0 or not os.path.exists(path):
        raise RuntimeError('spicy-screenshot failed (%d): %s' % (p.returncode, p.stderr.strip()))
    return spice_pixels.read_ppm(path)


def image_counts(stderr):
    """The image types Tether decoded, from its debug line."""
    counts = {}
    for line in stderr.splitlines():
        if 'display channel' in line and ': images' in line:
            part = line.split(': images', 1)[1].split(';')[0]
            for item in part.split():
                if '=' in item:
                    k, v = item.split('=')
                    counts[k] = counts.get(k, 0) + int(v)
    return counts


def blink_cells(host, port, workdir, captures=4, gap=0.3):
    """The text cells that change between spice-gtk captures (the blinking cursor)."""
    shots = []
    for i in range(captures):
        shots.append(spicy_screenshot(host, port, os.path.join(workdir, 'blink-%d.ppm' % i)))
        time.sleep(gap)
    cells = set()
    for a in shots:
        for b in shots:
            if a is not b:
                cells |= spice_pixels.diff_boxes(a, b)
    return cells, shots


def compare_any(image, references, mask, tolerance=0):
    """Compares IMAGE with each reference (the blink states); the best result."""
    best = None
    for ref in references:
        ok, report = spice_pixels.compare(ref, image, mask, tolerance=tolerance)
        if ok:
            return True, report
        best = best or report
    return False, best


def tmpdir(prefix):
    d = tempfile.mkdtemp(prefix=prefix)
    return d


def remove_tree(path):
    shutil.rmtree(path, ignore_errors=True)
