#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""`tether spice info` against real QEMU SPICE servers, compared with spice-gtk.

Run with /usr/bin/python3 (python3-gi). For each scenario the same server is
asked twice: by `tether spice info --json` (the built tool, $TETHER_TOOL) and
by spice-gtk through GObject Introspection (SpiceClientGLib, in a child
process of this script without the tests' G_DEBUG, so that spice-gtk's own
warnings do not abort it). spice-gtk connects only the main channel and
creates the others from the server's channel list: the set of (type, id)
pairs of its channel-new signals, once they stop coming, is its channel list.

Scenarios that must work (name, uuid and channel list must agree): plain,
right password (--password-file, SPICE_PASSWORD, and in the URI), a .vv file,
TLS with the right CA, a unix socket, an HTTP proxy (tinyproxy, whose log
must show the CONNECTs), a server with audio and a port channel. Scenarios
that must fail, in both clients: wrong password (auth), TLS with a wrong CA,
a wrong host name, a wrong subject, a wrong pubkey; for Tether also a refused
connection and a silent server (timeout), each with its reason in the
message and a non-zero exit. Last, spice-gtk's own usage as reference run on
Tether through gi: Tether.SpiceSession.new(), host and port, connect(),
channel-new, disconnect().

Packages (installed when missing): gir1.2-spiceclientglib-2.0 python3-gi
tinyproxy; QEMU comes with tests/peers/spice-peer.sh. Instances are named
"sinfo-*" and stopped at the end.
"""
import ctypes
import json
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

failures = []


def check(cond, what):
    print(('ok - ' if cond else 'not ok - ') + what, flush=True)
    if not cond:
        failures.append(what)
    return cond


def clean_env():
    """The environment for peers and spice-gtk: without the tests' GLib debug settings."""
    return {k: v for k, v in os.environ.items() if k not in ('G_DEBUG', 'G_MESSAGES_DEBUG')}


# --- spice-gtk as the reference (child mode) --------------------------------------


def set_byte_array_property(obj, name, data):
    """PyGObject 3.42 garbles GByteArray properties: set one through libgobject."""
    glib = ctypes.CDLL('libglib-2.0.so.0')
    gobject = ctypes.CDLL('libgobject-2.0.so.0')
    glib.g_byte_array_new.restype = ctypes.c_void_p
    glib.g_byte_array_append.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_uint]
    glib.g_byte_array_append.restype = ctypes.c_void_p
    glib.g_byte_array_unref.argtypes = [ctypes.c_void_p]
    gobject.g_object_set.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p, ctypes.c_void_p]
    get_pointer = ctypes.pythonapi.PyCapsule_GetPointer
    get_pointer.restype = ctypes.c_void_p
    get_pointer.argtypes = [ctypes.py_object, ctypes.c_char_p]
    array = glib.g_byte_array_new()
    glib.g_byte_array_append(array, data, len(data))
    gobject.g_object_set(get_pointer(obj.__gpointer__, None), name.encode(), array, None)
    glib.g_byte_array_unref(array)


def reference_main(config):
    import gi
    gi.require_version('SpiceClientGLib', '2.0')
    from gi.repository import GLib, GObject
    from gi.repository import SpiceClientGLib as Spice

    session = Spice.Session.new()
    for key, value in config.get('props', {}).items():
        session.set_property(key, value)
    if 'pubkey_file' in config:
        with open(config['pubkey_file'], 'rb') as f:
            set_byte_array_property(session, 'pubkey', f.read())
    if 'verify' in config:
        session.props.verify = Spice.SessionVerify(config['verify'])
    result = {'channels': [], 'events': [], 'name': None, 'uuid': None}
    loop = GLib.MainLoop()
    state = {'last': time.monotonic(), 'opened': False}

    def on_event(channel, event):
        result['events'].append(event.value_nick)
        if event == Spice.ChannelEvent.OPENED:
            state['opened'] = True
            state['last'] = time.monotonic()
        else:
            loop.quit()

    def on_new(_session, channel):
        result['channels'].append([channel.props.channel_type, channel.props.channel_id])
        state['last'] = time.monotonic()
        if channel.props.channel_type == 1:
            GObject.Object.connect(channel, 'channel-event', on_event)

    def tick():
        # Settled: the main channel is open and no channel came for 400 ms.
        if state['opened'] and time.monotonic() - state['last'] > 0.4:
            loop.quit()
            return False
        return True

    GObject.Object.connect(session, 'channel-new', on_new)
    GLib.timeout_add(50, tick)
    GLib.timeout_add_seconds(config.get('timeout', 15), loop.quit)
    session.connect()
    loop.run()
    result['name'] = session.props.name
    address = session.props.uuid
    if address:
        raw = ctypes.string_at(address, 16)
        if raw != bytes(16):
            h = raw.hex()
            result['uuid'] = '-'.join((h[:8], h[8:12], h[12:16], h[16:20], h[20:]))
    session.disconnect()
    print(json.dumps(result))
    return 0


def spice_gtk(config):
    out = subprocess.run([sys.executable, os.path.abspath(__file__), '--reference', json.dumps(config)],
                         capture_output=True, text=True, env=clean_env(), timeout=60)
    if out.returncode != 0:
        print('# spice-gtk probe failed: ' + out.stderr.strip().replace('\n', '\n# '))
        return None
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result['stderr'] = out.stderr
    return result


# --- the tested side ----------------------------------------------------------------


def tether(*args, env=None, timeout=60):
    tool = os.environ['TETHER_TOOL']
    out = subprocess.run([tool, 'spice', 'info', *args], capture_output=True, text=True,
                         env=env if env is not None else os.environ, timeout=timeout)
    return out


def tether_json(what, *args, env=None):
    out = tether('--json', *args, env=env)
    if not check(out.returncode == 0, '%s: tether spice info exits 0 (%s)' % (what, out.stderr.strip())):
        return None
    try:
        return json.loads(out.stdout)
    except ValueError as e:
        check(False, '%s: the output is JSON (%s)' % (what, e))
        return None


def channel_set(pairs):
    return sorted({(int(t), int(i)) for t, i in pairs})


def compare(what, info, ref, env):
    if info is None or ref is None:
        check(False, '%s: both clients answered' % what)
        return
    check(ref['events'][:1] == ['opened'], '%s: spice-gtk opened the main channel (%s)' % (what, ref['events']))
    check(info['name'] == env['SPICE_NAME'], '%s: name is the server\'s (%r)' % (what, info['name']))
    check(info['name'] == ref['name'], '%s: name as spice-gtk (%r, %r)' % (what, info['name'], ref['name']))
    check(info['uuid'] == env['SPICE_UUID'], '%s: uuid is the server\'s' % what)
    check(info['uuid'] == ref['uuid'], '%s: uuid as spice-gtk (%s, %s)' % (what, info['uuid'], ref['uuid']))
    mine = channel_set((c['type'], c['id']) for c in info['channels'])
    theirs = channel_set(ref['channels'])
    check(mine == theirs, '%s: channel list as spice-gtk (%s, %s)' % (what, mine, theirs))
    main = [c for c in info['channels'] if c['type'] == 1]
    check(len(main) == 1 and main[0]['linked'] and 3 in main[0]['common_caps'] and 1 in main[0]['caps'],
          '%s: the main channel is linked, with MINI_HEADER and NAME_AND_UUID' % what)
    check(info['mouse_mode'] in ('server', 'client'), '%s: a mouse mode (%s)' % (what, info['mouse_mode']))


def expect_failure(what, out, cause, reason, secret=None):
    check(out.returncode == 1, '%s: tether exits 1 (got %d)' % (what, out.returncode))
    check(out.stdout == '', '%s: nothing on stdout' % what)
    check(('tether spice info: %s: ' % cause) in out.stderr and reason in out.stderr,
          '%s: the message names the cause (%r, %r in %r)' % (what, cause, reason, out.stderr.strip()))
    if secret is not None:
        check(secret not in out.stderr + out.stdout, '%s: the password is not echoed' % what)


def expect_reference_failure(what, ref, event):
    check(ref is not None and event in ref['events'] and 'opened' not in ref['events'],
          '%s: spice-gtk fails too, with %s (%s)' % (what, event, ref and ref['events']))


# --- peers -----------------------------------------------------------------------------


def ensure_packages(packages):
    missing = [p for p in packages
               if not subprocess.run(['dpkg-query', '-W', '-f=${db:Status-Abbrev}', p], capture_output=True,
                                     text=True).stdout.startswith('ii')]
    if not missing:
        return True
    apt = ['apt-get', '-y', '-q', '--no-install-recommends', '-o', 'DPkg::Lock::Timeout=300']
    sudo = [] if os.geteuid() == 0 else ['sudo']
    env = dict(clean_env(), DEBIAN_FRONTEND='noninteractive')
    print('# installing ' + ' '.join(missing))
    if subprocess.run(sudo + apt + ['install'] + missing, env=env, stdout=subprocess.DEVNULL).returncode != 0:
        subprocess.run(sudo + ['apt-get', 'update', '-q'], env=env, stdout=subprocess.DEVNULL)
        subprocess.run(sudo + apt + ['install'] + missing, env=env, stdout=subprocess.DEVNULL)
    return True


PEER_SCRIPT = os.path.join(os.environ.get('TETHER_SOURCE_ROOT', '.'), 'tests', 'peers', 'spice-peer.sh')
started = []


def peer(name, *options):
    out = subprocess.run([PEER_SCRIPT, 'start', name, *options, '--replace'], capture_output=True, text=True,
                         env=clean_env())
    if out.returncode != 0:
        raise RuntimeError('spice-peer.sh start %s: %s' % (name, out.stderr))
    started.append(name)
    env = {}
    for line in out.stdout.splitlines():
        k, _, v = line.partition('=')
        if k.startswith('SPICE_'):
            env[k] = shlex.split(v)[0] if v else ''
    return env


class TinyProxy:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix='tether-sinfo-proxy-')
        os.chmod(self.dir, 0o777)  # tinyproxy drops to nobody when started as root
        s = socket.socket()
        s.bind(('127.0.0.1', 0))
        self.port = s.getsockname()[1]
        s.close()
        self.log = os.path.join(self.dir, 'tinyproxy.log')
        conf = os.path.join(self.dir, 'tinyproxy.conf')
        with open(conf, 'w') as f:
            f.write('Port %d\nListen 127.0.0.1\nTimeout 60\nMaxClients 20\nAllow 127.0.0.1\n'
                    'LogFile "%s"\nLogLevel Info\nDisableViaHeader Yes\nUser nobody\nGroup nogroup\n'
                    % (self.port, self.log))
        binary = shutil.which('tinyproxy') or '/usr/bin/tinyproxy'
        self.proc = subprocess.Popen([binary, '-d', '-c', conf], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        for _ in range(200):
            try:
                socket.create_connection(('127.0.0.1', self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.025)
        raise RuntimeError('tinyproxy did not start')

    def connects(self):
        try:
            with open(self.log) as f:
                return sum(1 for line in f if 'CONNECT' in line and 'Established' not in line)
        except OSError:
            return 0

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=10)
        shutil.rmtree(self.dir, ignore_errors=True)


class NotSpiceServer:
    """Answers every connection with an HTTP error, as a web server would."""

    def __init__(self):
        import threading
        self.sock = socket.socket()
        self.sock.bind(('127.0.0.1', 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                try:
                    conn.recv(4096)
                    conn.sendall(b'HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n')
                except OSError:
                    pass

    def stop(self):
        self.sock.close()


def silent_listener():
    """A TCP port that accepts and never answers."""
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    s.listen(4)
    return s


def other_local_name():
    """A host name that resolves to 127.0.0.1 but is not in the server certificate."""
    for name in (socket.gethostname(), 'vm', 'runsc'):
        if not name or name == 'localhost':
            continue
        try:
            if '127.0.0.1' in {a[4][0] for a in socket.getaddrinfo(name, None, socket.AF_INET)}:
                return name
        except OSError:
            pass
    return None


# --- the scenarios ------------------------------------------------------------------------


def run_scenarios(workdir):
    plain = peer('sinfo-plain', '--port-channel', 'org.tether.test.0')
    password = 'sinfo-right-1'
    pw = peer('sinfo-pw', '--password', password)
    tls = peer('sinfo-tls', '--tls')
    unix = peer('sinfo-unix', '--unix')
    audio = peer('sinfo-audio', '--audio')

    # Plain, by URI.
    info = tether_json('plain', plain['SPICE_URI'])
    compare('plain', info, spice_gtk({'props': {'uri': plain['SPICE_URI']}}), plain)
    if info:
        ports = [c for c in info['channels'] if c['type_name'] == 'port']
        check(len(ports) == 1 and ports[0]['offered'] and not ports[0]['linked'],
              'plain: the port channel is listed, offered, not linked')

    # The same server from a .vv file.
    vv = os.path.join(workdir, 'plain.vv')
    with open(vv, 'w') as f:
        f.write('[virt-viewer]\ntype=spice\nhost=%s\nport=%s\n' % (plain['SPICE_HOST'], plain['SPICE_PORT']))
    info_vv = tether_json('.vv file', '--vv', vv)
    check(info is not None and info_vv is not None and info_vv['channels'] == info['channels'] and
          info_vv['uuid'] == info['uuid'], '.vv file: the same answer as by URI')

    # Right password: from a file, from SPICE_PASSWORD, in the URI.
    pwfile = os.path.join(workdir, 'password')
    with open(pwfile, 'w') as f:
        f.write(password + '\n')
    os.chmod(pwfile, 0o600)
    ref = spice_gtk({'props': {'uri': pw['SPICE_URI'], 'password': password}})
    out = tether('--json', '--password-file', pwfile, pw['SPICE_URI'])
    check(password not in out.stdout + out.stderr, 'right password: the password is not echoed')
    compare('right password (file)', json.loads(out.stdout) if out.returncode == 0 else None, ref, pw)
    compare('right password (SPICE_PASSWORD)',
            tether_json('SPICE_PASSWORD', pw['SPICE_URI'], env=dict(os.environ, SPICE_PASSWORD=password)), ref, pw)
    compare('right password (URI)', tether_json('password in URI', pw['SPICE_URI'] + '?password=' + password),
            ref, pw)

    # Wrong password: --password, and a file; no password at all.
    wrong = 'sinfo-wrong-2'
    out = tether('--password', wrong, pw['SPICE_URI'])
    expect_failure('wrong password', out, 'authentication failed', 'refused the password', secret=wrong)
    out = tether(pw['SPICE_URI'])
    expect_failure('no password', out, 'authentication failed', 'refused the password')
    expect_reference_failure('wrong password', spice_gtk({'props': {'uri': pw['SPICE_URI'], 'password': wrong}}),
                             'error-auth')

    # TLS with the right CA: by host name (localhost is in the certificate).
    tls_uri = 'spice+tls://localhost:%s' % tls['SPICE_TLS_PORT']
    compare('TLS, right CA', tether_json('TLS', '--ca-file', tls['SPICE_CA_FILE'], tls_uri),
            spice_gtk({'props': {'uri': tls_uri, 'ca-file': tls['SPICE_CA_FILE']}}), tls)
    # The CA as a byte-array property from a file, and the subject instead of the name.
    compare('TLS, --ca FILE and the right subject',
            tether_json('TLS --ca', '--ca', tls['SPICE_CA_FILE'], '--cert-subject', tls['SPICE_CERT_SUBJECT'],
                        tls_uri),
            spice_gtk({'props': {'uri': tls_uri, 'ca-file': tls['SPICE_CA_FILE'],
                                 'cert-subject': tls['SPICE_CERT_SUBJECT']}}), tls)
    # The right pubkey alone, without any CA.
    compare('TLS, right pubkey only',
            tether_json('TLS pubkey', '--pubkey', tls['SPICE_SERVER_PUBKEY_FILE'], '--verify', 'pubkey', tls_uri),
            spice_gtk({'props': {'uri': tls_uri}, 'pubkey_file': tls['SPICE_SERVER_PUBKEY_FILE'], 'verify': 1}),
            tls)

    # TLS refusals, with the reason.
    out = tether('--ca-file', tls['SPICE_WRONG_CA_FILE'], tls_uri)
    expect_failure('TLS, wrong CA', out, 'TLS failed', 'unknown CA')
    expect_reference_failure('TLS, wrong CA',
                             spice_gtk({'props': {'uri': tls_uri, 'ca-file': tls['SPICE_WRONG_CA_FILE']}}),
                             'error-tls')
    # No CA at all: the system's trust store, which does not know the test CA.
    out = tether(tls_uri)
    expect_failure('TLS, no CA (system trust store)', out, 'TLS failed', 'unknown CA')
    expect_reference_failure('TLS, no CA', spice_gtk({'props': {'uri': tls_uri}}), 'error-tls')
    name = other_local_name()
    if name is None:
        print('# skip: no host name other than localhost resolves to 127.0.0.1 here')
    else:
        wrong_host_uri = 'spice+tls://%s:%s' % (name, tls['SPICE_TLS_PORT'])
        out = tether('--ca-file', tls['SPICE_CA_FILE'], wrong_host_uri)
        expect_failure('TLS, wrong host name (%s)' % name, out, 'TLS failed', 'not valid for the host "%s"' % name)
        expect_reference_failure('TLS, wrong host name',
                                 spice_gtk({'props': {'uri': wrong_host_uri, 'ca-file': tls['SPICE_CA_FILE']}}),
                                 'error-tls')
    wrong_subject = 'C=XX,O=Somebody Else,CN=localhost'
    out = tether('--ca-file', tls['SPICE_CA_FILE'], '--cert-subject', wrong_subject, tls_uri)
    expect_failure('TLS, wrong subject', out, 'TLS failed', 'does not match the expected "%s"' % wrong_subject)
    expect_reference_failure('TLS, wrong subject',
                             spice_gtk({'props': {'uri': tls_uri, 'ca-file': tls['SPICE_CA_FILE'],
                                                  'cert-subject': wrong_subject}}), 'error-tls')
    # A real key, but not the server's: the wrong CA's.
    wrong_key = os.path.join(workdir, 'wrong-pubkey.der')
    pem = subprocess.run(['openssl', 'x509', '-in', tls['SPICE_WRONG_CA_FILE'], '-pubkey', '-noout'],
                         capture_output=True, check=True).stdout
    der = subprocess.run(['openssl', 'pkey', '-pubin', '-outform', 'DER'], input=pem, capture_output=True,
                         check=True).stdout
    with open(wrong_key, 'wb') as f:
        f.write(der)
    out = tether('--pubkey', wrong_key, '--verify', 'pubkey', tls_uri)
    expect_failure('TLS, wrong pubkey', out, 'TLS failed', 'pubkey mismatch')
    expect_reference_failure('TLS, wrong pubkey',
                             spice_gtk({'props': {'uri': tls_uri}, 'pubkey_file': wrong_key, 'verify': 1}),
                             'error-tls')

    # Unix socket.
    compare('unix socket', tether_json('unix', unix['SPICE_URI']),
            spice_gtk({'props': {'uri': unix['SPICE_URI']}}), unix)

    # Through an HTTP proxy.
    proxy = TinyProxy()
    try:
        proxy_uri = 'http://127.0.0.1:%d' % proxy.port
        before = proxy.connects()
        info = tether_json('proxy', '--proxy', proxy_uri, plain['SPICE_URI'])
        check(proxy.connects() > before, 'proxy: Tether went through tinyproxy (%d CONNECTs)'
              % (proxy.connects() - before))
        middle = proxy.connects()
        ref = spice_gtk({'props': {'uri': plain['SPICE_URI'], 'proxy': proxy_uri}})
        check(proxy.connects() > middle, 'proxy: spice-gtk went through tinyproxy too')
        compare('HTTP proxy', info, ref, plain)
    finally:
        proxy.stop()

    # Not a SPICE server at all: a link error.
    server = NotSpiceServer()
    try:
        not_spice = 'spice://127.0.0.1:%d' % server.port
        out = tether(not_spice)
        expect_failure('not a SPICE server', out, 'link refused', 'not a SPICE server')
        expect_reference_failure('not a SPICE server', spice_gtk({'props': {'uri': not_spice}}), 'error-link')
    finally:
        server.stop()

    # Audio: playback and record are in the list.
    info = tether_json('audio', audio['SPICE_URI'])
    compare('audio', info, spice_gtk({'props': {'uri': audio['SPICE_URI'], 'enable-audio': True}}), audio)
    if info:
        names = {c['type_name'] for c in info['channels']}
        check({'playback', 'record'} <= names, 'audio: playback and record listed (%s)' % sorted(names))

    # Tether alone: refused, and a server that never answers.
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    closed_port = s.getsockname()[1]
    s.close()
    out = tether('spice://127.0.0.1:%d' % closed_port)
    expect_failure('connection refused', out, 'cannot connect', 'refused')
    listener = silent_listener()
    try:
        start = time.monotonic()
        out = tether('--timeout', '0.5', 'spice://127.0.0.1:%d' % listener.getsockname()[1])
        took = time.monotonic() - start
        expect_failure('silent server', out, 'timed out', 'No answer in time')
        check(took < 5, 'silent server: gave up after about the timeout (%.2f s)' % took)
    finally:
        listener.close()
    out = tether('--verify', 'everything', plain['SPICE_URI'])
    check(out.returncode == 2 and 'bad command line: --verify' in out.stderr,
          'a bad flag nick is a usage error naming the option (%s)' % out.stderr.strip())

    return plain


def gi_reference_usage(env):
    """spice-gtk's usage pattern, line by line, on Tether through gi."""
    os.environ.setdefault('GI_TYPELIB_PATH', '')
    import gi
    gi.require_version('Tether', '1.0')
    from gi.repository import GLib, GObject, Tether

    session = Tether.SpiceSession.new()
    session.props.host = env['SPICE_HOST']
    session.props.port = env['SPICE_PORT']
    loop = GLib.MainLoop()
    created, events, lists = [], [], []

    def on_event(channel, event):
        events.append(event)
        if event != Tether.SpiceChannelEvent.OPENED:
            loop.quit()

    def on_list(channel, _pspec):
        lists.append(channel.dup_channel_list().unpack())
        loop.quit()

    def on_new(_session, channel):
        created.append((channel.props.channel_type, channel.props.channel_id))
        if isinstance(channel, Tether.SpiceMainChannel):
            GObject.Object.connect(channel, 'channel-event', on_event)
            GObject.Object.connect(channel, 'notify::channel-list', on_list)

    GObject.Object.connect(session, 'channel-new', on_new)
    GLib.timeout_add_seconds(15, loop.quit)
    check(session.connect(), 'gi: connect() starts')
    loop.run()
    check(events == [Tether.SpiceChannelEvent.OPENED], 'gi: the main channel opened (%s)' % events)
    check(created[:1] == [(1, 0)], 'gi: channel-new for the main channel first')
    ref = spice_gtk({'props': {'host': env['SPICE_HOST'], 'port': env['SPICE_PORT']}})
    if check(len(lists) == 1 and ref is not None, 'gi: the channel list came'):
        mine = channel_set(lists[0] + [(1, 0)])
        check(mine == channel_set(ref['channels']),
              'gi: main channel-list plus main is spice-gtk\'s channel set (%s)' % mine)
        check(set(created) <= set(map(tuple, ref['channels'])), 'gi: Tether\'s channel-new are among spice-gtk\'s')
    check(session.props.name == env['SPICE_NAME'] and session.get_uuid_string() == env['SPICE_UUID'],
          'gi: name and uuid')
    destroyed, disconnected = [], []
    GObject.Object.connect(session, 'channel-destroy', lambda _s, ch: destroyed.append(ch.props.channel_type))
    GObject.Object.connect(session, 'disconnected', lambda _s: disconnected.append(True))
    session.disconnect()
    check(destroyed == [c[0] for c in created] and disconnected == [True],
          'gi: disconnect() destroys every channel, then disconnected')
    check(session.get_channels() == [], 'gi: no channels left')


def main():
    if len(sys.argv) == 3 and sys.argv[1] == '--reference':
        return reference_main(json.loads(sys.argv[2]))
    if 'TETHER_TOOL' not in os.environ or 'TETHER_SOURCE_ROOT' not in os.environ:
        print('1..0 # SKIP needs TETHER_TOOL and TETHER_SOURCE_ROOT (run through meson test)')
        return 0
    ensure_packages(['gir1.2-spiceclientglib-2.0', 'python3-gi', 'tinyproxy', 'openssl'])
    workdir = tempfile.mkdtemp(prefix='tether-sinfo-')
    try:
        plain = run_scenarios(workdir)
        gi_reference_usage(plain)
    finally:
        for name in started:
            subprocess.run([PEER_SCRIPT, 'stop', name], capture_output=True, env=clean_env())
        shutil.rmtree(workdir, ignore_errors=True)
    print('# %d failure(s)' % len(failures))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
