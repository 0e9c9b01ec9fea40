#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Profile → session parameters, Tether against python-x2go itself.

python-x2go (X2GoSessionProfilesFILE) writes many profiles whose values are
drawn (with a fixed seed) from the interesting cases of every key the
translation looks at: speed 0-4 and out of range, quality 0, fullscreen and
maxdim, setdpi, usekbd off, blank keyboard values, XFCE4, unknown MIME box
actions, export flags, several hosts, the SSH proxy's same-user and
same-password flags, an old sshproxytunnel key. For each profile
python-x2go's X2GoSessionProfiles.to_session_params() and Tether's
TetherX2goProfiles.to_session_params() must give the same dictionary, key
for key and value for value.

Installs Debian's python3-x2go when it is missing (exit 77, a skip, when
that is not possible). Run with the system Python, which has python3-gi.
"""
import importlib.util
import os
import random
import shutil
import subprocess
import sys
import tempfile

failures = []
passes = []


def check(cond, what):
    print(('ok - ' if cond else 'not ok - ') + what)
    (passes if cond else failures).append(what)
    return cond


def ensure_python_x2go():
    if importlib.util.find_spec('x2go') is not None:
        return True
    if os.geteuid() != 0 or shutil.which('apt-get') is None:
        return False
    env = dict(os.environ, DEBIAN_FRONTEND='noninteractive')
    cmd = ['apt-get', 'install', '-y', '-q', '--no-install-recommends', 'python3-x2go']
    if subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL).returncode != 0:
        subprocess.run(['apt-get', 'update', '-q'], env=env, stdout=subprocess.DEVNULL)
        if subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL).returncode != 0:
            return False
    importlib.invalidate_caches()
    return importlib.util.find_spec('x2go') is not None


if not ensure_python_x2go():
    print('# SKIP python3-x2go is not installed and cannot be installed here')
    sys.exit(77)

# python-x2go fixes its idea of $HOME at import time and only writes below it.
home = tempfile.mkdtemp(prefix='tether-x2go-params-')
os.environ['HOME'] = home
os.environ.pop('DISPLAY', None)

import gi  # noqa: E402
gi.require_version('Tether', '1.0')
from gi.repository import Tether  # noqa: E402

import x2go.defaults  # noqa: E402
from x2go.backends.profiles.file import X2GoSessionProfiles  # noqa: E402

DEFAULTS = x2go.defaults.X2GO_SESSIONPROFILE_DEFAULTS

# The values each key may take; a key not listed keeps its default or, one
# time in four, gets a plain other value of its type.
CHOICES = {
    'speed': [0, 1, 2, 3, 4, 7],
    'quality': [0, 9, 3],
    'pack': ['16m-jpeg', '64k', 'nopack'],
    'fullscreen': [False, True],
    'maxdim': [False, True],
    'width': [800, 1280, 1],
    'height': [600, 1024],
    'setdpi': [False, True],
    'dpi': [96, 144],
    'usekbd': [True, False],
    'type': ['pc105/us', '', '   ', 'pc105/de'],
    'layout': ['us', '', 'de'],
    'variant': ['', 'nodeadkeys', ' '],
    'command': ['TERMINAL', 'XFCE4', 'XFCE', 'xterm', 'RDP', 'XDMCP', 'KDE'],
    'rootless': [True, False],
    'sound': [False, True],
    'soundsystem': ['pulse', 'esd', 'none'],
    'mimeboxaction': ['OPEN', 'OPENWITH', 'SAVEAS', 'open', 'PRINT'],
    'export': [{}, {'/home/jdoe/Documents': True, '/srv/music': False},
               {'/tmp/only-manual': False}],
    'host': [['server.example.org'], ['a.example.org', 'b.example.org'], ['192.0.2.9']],
    'autologin': [True, False],
    'sshproxyautologin': [True, False],
    'sshproxysameuser': [False, True],
    'sshproxysamepass': [False, True],
    'usesshproxy': [False, True],
    'key': ['', '/home/jdoe/.ssh/id_ed25519'],
    'user': ['jdoe', 'x2gotest'],
    'useexports': [True, False],
    'clipboard': ['both', 'server', 'none'],
}


def other(key, default, rnd):
    if isinstance(default, bool):
        return not default
    if isinstance(default, int):
        return default + rnd.randint(1, 50)
    if isinstance(default, list):
        return ['x%d' % rnd.randint(0, 9), 'y']
    if isinstance(default, dict):
        return {'/p/%d' % rnd.randint(0, 9): rnd.choice([True, False])}
    return '%s-%d' % (key, rnd.randint(0, 99))


def profile(rnd, n):
    values = {}
    for key, default in DEFAULTS.items():
        if key in CHOICES:
            values[key] = rnd.choice(CHOICES[key])
        elif rnd.random() < 0.25:
            values[key] = other(key, default, rnd)
    values['name'] = 'profile %d' % n
    return values


try:
    rnd = random.Random(20240611)
    client_dir = os.path.join(home, '.x2goclient')
    os.makedirs(client_dir)
    sessions = os.path.join(client_dir, 'sessions')
    py = X2GoSessionProfiles(config_files=[sessions])
    ids = [py.add_profile(**profile(rnd, n)) for n in range(60)]
    ids.append(py.add_profile(name='defaults'))
    tunnels = {py.add_profile(name='old tunnel', usesshproxy=True):
               '127.0.0.1:tunnel.example.org:2222',
               py.add_profile(name='old tunnel, deprecated', usesshproxy=True):
               'DEPRECATED:a:1',
               py.add_profile(name='old tunnel, no proxy', usesshproxy=False):
               'localhost:no.example.org:22'}
    ids.extend(tunnels)
    py.write_user_config = True
    check(py.write(), 'python-x2go wrote %d profiles' % len(ids))

    # python-x2go 0.2.1's sshproxytunnel key, unknown to later versions but
    # still read by the translation.
    with open(sessions) as f:
        text = f.read()
    for pid, tunnel in tunnels.items():
        text = text.replace('[%s]\n' % pid, '[%s]\nsshproxytunnel = %s\n' % (pid, tunnel))
    with open(sessions, 'w') as f:
        f.write(text)
    py_back = X2GoSessionProfiles(config_files=[sessions])
    tether = Tether.X2goProfiles(client_rootdir=client_dir, system_dir='')
    tether.load()

    for pid in ids:
        want = py_back.to_session_params(pid)
        got = tether.to_session_params(pid).unpack()
        bad = sorted(set(want) ^ set(got)) + \
            sorted(k for k in set(want) & set(got) if want[k] != got[k])
        for k in bad:
            print('#   %s: python-x2go %r, Tether %r' % (k, want.get(k, '<missing>'),
                                                       got.get(k, '<missing>')))
        check(not bad, '%s (%s): %d parameters equal' % (pid, want['profile_name'], len(want)))
        if pid in tunnels and not tunnels[pid].startswith('DEPRECATED') and want['use_sshproxy']:
            check(got['server'] == 'tunnel.example.org' and got['port'] == '2222',
                  'the old sshproxytunnel key names server and port: %r' % got['server'])
finally:
    shutil.rmtree(home, ignore_errors=True)

print('%d passed, %d failed' % (len(passes), len(failures)))
sys.exit(1 if failures else 0)
