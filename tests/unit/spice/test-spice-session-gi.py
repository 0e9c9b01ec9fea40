#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""TetherSpiceSession from Python through GObject Introspection (run with /usr/bin/python3).

Without a server: construction, properties, URI round trip, .vv loading, errors.
With TETHER_SOURCE_ROOT set and QEMU available: connect to a real SPICE server
(tests/peers/spice-peer.sh, instance sess-gi), see channel-new and the main
channel open, read name and uuid, disconnect.
"""
import os
import subprocess
import shlex
import sys

import gi
gi.require_version('Tether', '1.0')
from gi.repository import GLib, GObject, Tether  # noqa: E402

failures = []


def check(cond, what):
    print(('ok - ' if cond else 'not ok - ') + what)
    if not cond:
        failures.append(what)


# --- without a server ---------------------------------------------------------

s = Tether.SpiceSession.new()
check(s.props.host == 'localhost', 'host defaults to localhost')
check(s.props.protocol == 2, 'protocol defaults to 2')
check(s.props.enable_audio and s.props.enable_usbredir, 'audio and usbredir on by default')
check(s.props.verify == Tether.SpiceSessionVerify.HOSTNAME, 'verify defaults to HOSTNAME')
check(s.props.migration_state == Tether.SpiceSessionMigration.NONE, 'migration-state NONE')
check(s.props.uri is None, 'no uri without a port')
check(s.props.uuid is None and s.get_uuid_string() is None, 'no uuid yet')

s.props.uri = 'spice://10.0.0.5:5900?tls-port=5901&password=pw'
check(s.props.host == '10.0.0.5', 'uri sets host')
check(s.props.port == '5900' and s.props.tls_port == '5901', 'uri sets ports')
check(s.props.password == 'pw', 'uri sets password')
check(s.props.uri == 'spice://10.0.0.5?port=5900&tls-port=5901', 'uri reads back canonical, without password')

try:
    s.load_uri('spice://h:5900?bogus=1')
    check(False, 'load_uri refuses an unknown parameter')
except GLib.Error as e:
    check(e.matches(GLib.uri_error_quark(), GLib.UriError.BAD_QUERY), 'load_uri: G_URI_ERROR_BAD_QUERY')
check(s.props.host == '10.0.0.5', 'a bad uri changes nothing')

s.props.cert_subject = 'C=XX,O=Tether Test,CN=localhost'
check(s.props.verify & Tether.SpiceSessionVerify.SUBJECT, 'cert-subject turns SUBJECT on')
# GByteArray properties, ca and pubkey, cannot be set from PyGObject 3.42 (it
# marshals every array property as a string list); the GBytes accessors can.
pem = b'-----BEGIN CERTIFICATE-----\n\x00not really\n'
s.set_ca_bytes(GLib.Bytes.new(pem))
check(s.get_ca_bytes().get_data() == pem, 'set_ca_bytes/get_ca_bytes round trip')
check(bytes(s.props.ca) == pem, 'set_ca_bytes sets the ca property (read back as bytes)')
s.set_ca_bytes(None)
check(s.get_ca_bytes() is None and not s.props.ca, 'set_ca_bytes(None) clears ca')
verify_before = s.props.verify
s.set_pubkey_bytes(GLib.Bytes.new(b'\x30\x82\x01\x22'))
check(bytes(s.props.pubkey) == b'\x30\x82\x01\x22', 'set_pubkey_bytes sets the pubkey property')
check(s.props.verify & Tether.SpiceSessionVerify.PUBKEY, 'set_pubkey_bytes turns PUBKEY on')
s.set_pubkey_bytes(None)
check(s.props.verify == verify_before and s.get_pubkey_bytes() is None, 'set_pubkey_bytes(None) turns PUBKEY off')
s.props.secure_channels = ['main', 'display']
check(list(s.props.secure_channels) == ['main', 'display'], 'secure-channels strv round trip')

vv = b'[virt-viewer]\ntype=spice\nhost=vm.example\ntls-port=5901\nsecure-channels=all;\n'
check(s.load_vv_data(vv), 'load_vv_data accepts a .vv file')
check(s.props.uri == 'spice+tls://vm.example:5901', '.vv file sets the server')
try:
    s.load_vv_data(b'[virt-viewer]\ntype=vnc\nhost=h\nport=1\n')
    check(False, 'a VNC .vv file is refused')
except GLib.Error as e:
    check(e.matches(Tether.spice_error_quark(), Tether.SpiceError.UNSUPPORTED), 'VNC .vv: UNSUPPORTED')

proxy = Tether.SpiceSession(proxy='http://user:pw@proxy.example:8080').get_proxy_uri()
check(proxy is not None and proxy.get_host() == 'proxy.example' and proxy.get_port() == 8080,
      'get_proxy_uri returns a GLib.Uri')
check(Tether.spice_channel_type_to_string(Tether.SpiceChannelType.DISPLAY) == 'display',
      'channel type names')
check(s.get_channels() == [], 'no channels before connecting')

# --- with a real server ---------------------------------------------------------


def peer(*args):
    script = os.path.join(os.environ['TETHER_SOURCE_ROOT'], 'tests', 'peers', 'spice-peer.sh')
    # Without the tests' G_DEBUG: QEMU would abort on spice-server's first warning.
    env = {k: v for k, v in os.environ.items() if k not in ('G_DEBUG', 'G_MESSAGES_DEBUG')}
    out = subprocess.run([script, *args], check=True, capture_output=True, text=True, env=env).stdout
    env = {}
    for line in out.splitlines():
        k, _, v = line.partition('=')
        if k.startswith('SPICE_'):
            env[k] = shlex.split(v)[0] if v else ''
    return env


def connect_and_wait(session, timeout=20):
    loop = GLib.MainLoop()
    seen = {'new': [], 'events': [], 'disconnected': False}

    def on_event(channel, event):
        seen['events'].append((channel.props.channel_type, event))
        if channel.props.channel_type == Tether.SpiceChannelType.MAIN:
            loop.quit()

    def on_new(_session, channel):
        seen['new'].append(channel.props.channel_type)
        GObject.Object.connect(channel, 'channel-event', on_event)

    GObject.Object.connect(session, 'channel-new', on_new)
    GLib.timeout_add_seconds(timeout, loop.quit)
    check(session.connect(), 'connect() starts connecting')
    loop.run()
    return seen


if os.environ.get('TETHER_SOURCE_ROOT') and os.path.exists('/usr/bin/qemu-system-x86_64'):
    env = peer('start', 'sess-gi', '--replace')
    try:
        s = Tether.SpiceSession(uri=env['SPICE_URI'])
        seen = connect_and_wait(s)
        check(seen['new'][:1] == [Tether.SpiceChannelType.MAIN], 'channel-new for the main channel first')
        main_events = [e for t, e in seen['events'] if t == Tether.SpiceChannelType.MAIN]
        check(main_events == [Tether.SpiceChannelEvent.OPENED], 'main channel opened (%s)' % main_events)
        ctx = GLib.MainContext.default()
        deadline = GLib.get_monotonic_time() + 10 * 1000000
        while (s.props.name is None or s.props.uuid is None) and GLib.get_monotonic_time() < deadline:
            ctx.iteration(True)
        check(s.props.name == env['SPICE_NAME'], 'name from the server')
        check(s.get_uuid_string() == env['SPICE_UUID'], 'uuid from the server')
        check(len(s.props.uuid.get_data()) == 16, 'uuid property is 16 bytes')
        main = [ch for ch in s.get_channels() if ch.props.channel_type == Tether.SpiceChannelType.MAIN][0]
        check(main.get_error() is None, 'no error on the main channel')
        check(main.props.total_read_bytes > 0, 'total-read-bytes counts')
        check(main.props.spice_session == s, 'spice-session property')
        disconnected = []
        GObject.Object.connect(s, 'disconnected', lambda _s: disconnected.append(True))
        s.disconnect()
        check(s.get_channels() == [], 'disconnect() destroys the channels')
        check(disconnected == [True], 'disconnected emitted once')

        # A wrong password: error-auth, then the session disconnects itself.
        env = peer('start', 'sess-gi-pw', '--password', 'right-one', '--replace')
        s = Tether.SpiceSession(uri=env['SPICE_URI'], password='wrong-one')
        seen = connect_and_wait(s)
        main_events = [e for t, e in seen['events'] if t == Tether.SpiceChannelType.MAIN]
        check(main_events == [Tether.SpiceChannelEvent.ERROR_AUTH], 'wrong password: error-auth')
        loop = GLib.MainLoop()
        GObject.Object.connect(s, 'disconnected', lambda _s: loop.quit())
        GLib.timeout_add_seconds(10, loop.quit)
        loop.run()
        check(s.get_channels() == [], 'the session disconnects after a main channel error')
    finally:
        peer('stop', 'sess-gi')
        peer('stop', 'sess-gi-pw')

sys.exit(1 if failures else 0)
