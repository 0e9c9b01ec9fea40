#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Session profiles shared with python-x2go, both ways.

1. python-x2go (X2GoSessionProfilesFILE) writes a sessions file with every
   key it knows set away from its default; Tether reads the same value for
   every key.
2. Tether writes a sessions file the same way; python-x2go reads the same
   value for every key.
3. Tether edits the python-written file; python-x2go still reads every value,
   the edited one changed.

Installs Debian's python3-x2go when it is missing (exit 77, a skip, when
that is not possible). Run with the system Python, which has python3-gi.
"""
import importlib.util
import os
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

# python-x2go fixes its idea of $HOME at import time and only writes files
# below it; it also tries to open the X display.
home = tempfile.mkdtemp(prefix='tether-x2go-interop-')
os.environ['HOME'] = home
os.environ.pop('DISPLAY', None)

import gi  # noqa: E402
gi.require_version('Tether', '1.0')
from gi.repository import GLib, Tether  # noqa: E402

import x2go.defaults  # noqa: E402
from x2go.backends.profiles.file import X2GoSessionProfiles  # noqa: E402

DEFAULTS = x2go.defaults.X2GO_SESSIONPROFILE_DEFAULTS
VARIANT_TYPES = {bool: 'b', int: 'i', str: 's', list: 'as', dict: 'a{sb}'}


def non_default(key, default, salt):
    """A value unlike the default that both programs can represent."""
    if isinstance(default, bool):
        return not default
    if isinstance(default, int):
        return default + 7 + salt
    if isinstance(default, list):
        return ['host%d.example.org' % salt, 'other-%s' % key, 'TERMINAL']
    if isinstance(default, dict):
        return {'/home/jdoe/Documents': True, '/srv/music share': False, '/tmp/x': True}
    if key == 'name':
        return 'Profile %d' % salt
    return '%s value %d :with/odd#chars' % (key, salt)


def sample(salt):
    return {key: non_default(key, default, salt) for key, default in DEFAULTS.items()}


def tether_profiles(client_dir):
    profiles = Tether.X2goProfiles(client_rootdir=client_dir, system_dir='')
    profiles.load()
    return profiles


def compare(what, expected, got):
    bad = [k for k in expected if got.get(k, '<missing>') != expected[k]]
    for k in bad:
        print('#   %s: expected %r, got %r' % (k, expected[k], got.get(k, '<missing>')))
    check(not bad, '%s: all %d keys equal' % (what, len(expected)))


try:
    # 1. python-x2go writes, Tether reads.
    client_a = os.path.join(home, 'a', '.x2goclient')
    os.makedirs(client_a)
    sessions_a = os.path.join(client_a, 'sessions')
    py = X2GoSessionProfiles(config_files=[sessions_a])
    want_a = sample(1)
    want_a['name'] = 'Büro é'
    id_a = py.add_profile(**want_a)
    id_a2 = py.add_profile(name='Defaults only')
    py.write_user_config = True
    check(py.write(), 'python-x2go wrote %s' % sessions_a)

    # What python-x2go itself reads back is the reference.
    py_back = X2GoSessionProfiles(config_files=[sessions_a])
    ref_a = py_back.get_profile_config(id_a)
    check(ref_a == want_a, 'python-x2go reads its own file back unchanged')
    tp = tether_profiles(client_a)
    check(sorted(tp.get_profile_ids()) == sorted(py_back.profile_ids),
          'same profile IDs: %s' % sorted(py_back.profile_ids))
    check(sorted(tp.get_profile_names()) == sorted(py_back.profile_names), 'same profile names')
    check(tp.to_profile_id('Büro é') == py_back.to_profile_id('Büro é') == id_a,
          'to_profile_id agrees')
    compare('python-x2go file read by Tether (every key set)', ref_a,
            tp.get_profile_config(id_a).unpack())
    compare('python-x2go file read by Tether (defaults)', py_back.get_profile_config(id_a2),
            tp.get_profile_config(id_a2).unpack())
    # python-x2go returns the metatype only once it is cached.
    py_back.get_profile_metatype(id_a, force=True)
    check(tp.get_profile_metatype(id_a) == py_back.get_profile_metatype(id_a),
          'same metatype: %s' % tp.get_profile_metatype(id_a))

    # 2. Tether writes, python-x2go reads.
    client_b = os.path.join(home, 'b', '.x2goclient')
    tb = tether_profiles(client_b)
    id_b = tb.add_profile('Tether profile')
    want_b = sample(2)
    want_b['name'] = 'Tether profile'
    for key, value in want_b.items():
        tb.set_profile_value(id_b, key, GLib.Variant(VARIANT_TYPES[type(value)], value))
    id_b2 = tb.add_profile('Tether defaults')
    tb.save()
    sessions_b = os.path.join(client_b, 'sessions')
    check(os.stat(sessions_b).st_mode & 0o777 == 0o600, 'Tether wrote the file with mode 0600')
    py_b = X2GoSessionProfiles(config_files=[sessions_b])
    check(sorted(py_b.profile_ids) == sorted([id_b, id_b2]), 'python-x2go sees the IDs')
    compare('Tether file read by python-x2go (every key set)', want_b,
            py_b.get_profile_config(id_b))
    defaults_b = tb.get_profile_config(id_b2).unpack()
    compare('Tether file read by python-x2go (defaults)',
            {k: defaults_b[k] for k in DEFAULTS}, py_b.get_profile_config(id_b2))

    # 3. Tether edits python-x2go's file; python-x2go reads it.
    with open(sessions_a, 'rb') as f:
        before = f.read()
    tp.set_profile_value(id_a, 'sessiontitle', GLib.Variant('s', 'Grüße aus Tether'))
    tp.set_profile_value(id_a, 'sshport', GLib.Variant('i', 4022))
    tp.save()
    with open(sessions_a, 'rb') as f:
        after = f.read()
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines()) if a != b]
    check(len(before.splitlines()) == len(after.splitlines()) and len(changed) == 2,
          'only the two edited lines changed: %r' % changed)
    py_c = X2GoSessionProfiles(config_files=[sessions_a])
    want_c = dict(ref_a, sessiontitle='Grüße aus Tether', sshport=4022)
    compare('Tether-edited python-x2go file read by python-x2go', want_c,
            py_c.get_profile_config(id_a))
    compare('the other profile unchanged', py_back.get_profile_config(id_a2),
            py_c.get_profile_config(id_a2))
finally:
    shutil.rmtree(home, ignore_errors=True)

print('%d passed, %d failed' % (len(passes), len(failures)))
sys.exit(1 if failures else 0)
