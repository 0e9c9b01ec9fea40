#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The session's `ciphers` property against real QEMU SPICE servers, compared
with spice-gtk.

Run with /usr/bin/python3 through meson test (needs TETHER_TOOL). A server
limited to TLS 1.2 (tests/peers/spice-peer.sh --tls12-only: QEMU with an
openssl.cnf whose system_default sets MaxProtocol = TLSv1.2), so that the
client's TLS <= 1.2 cipher list decides:

- `--ciphers ECDHE-RSA-AES128-GCM-SHA256`, then `ECDHE-RSA-AES256-GCM-SHA384`:
  `tether spice info --json` connects and reports that cipher under "tls";
  spice-gtk, given the same list, connects too;
- `--ciphers ECDHE-ECDSA-AES128-GCM-SHA256` (the server's key is RSA): no
  cipher in common, the connection is refused with a TLS error naming the
  handshake failure; spice-gtk fails with error-tls too;
- a text OpenSSL rejects: refused before any connection is made (shown by
  pointing it at a port where nothing listens: the error is the cipher list's,
  not the refused connection's). spice-gtk 0.42 warns, connects, and fails
  in the TLS handshake (error-tls): it must fail too.

Then against a server that speaks TLS 1.3 (--tls-only): the same list does not
restrict TLS 1.3 (spice-gtk's semantics): the version is TLSv1.3.

Instances "ciphers12" and "ciphers13", stopped at the end. spice-gtk is driven
through GObject Introspection in a child process (gir1.2-spiceclientglib-2.0);
without it those comparisons are skipped.
"""
import json
import os
import socket
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import spice_peers as sp  # noqa: E402


def reference_main(config):
    """spice-gtk: connect the main channel; print its events as JSON."""
    import gi
    gi.require_version('SpiceClientGLib', '2.0')
    from gi.repository import GLib, GObject
    from gi.repository import SpiceClientGLib as Spice

    session = Spice.Session.new()
    for key, value in config['props'].items():
        session.set_property(key, value)
    events = []
    loop = GLib.MainLoop()

    def on_event(channel, event):
        events.append(event.value_nick)
        loop.quit()

    def on_new(_session, channel):
        if channel.props.channel_type == 1:
            GObject.Object.connect(channel, 'channel-event', on_event)

    GObject.Object.connect(session, 'channel-new', on_new)
    GLib.timeout_add_seconds(15, loop.quit)
    session.connect()
    loop.run()
    session.disconnect()
    print(json.dumps({'events': events}))
    return 0


def spice_gtk(props):
    """spice-gtk's main-channel events for these session properties, or None without spice-gtk."""
    out = subprocess.run([sys.executable, os.path.abspath(__file__), '--reference', json.dumps({'props': props})],
                         capture_output=True, text=True, env=sp.clean_env(), timeout=60)
    lines = out.stdout.strip().splitlines()
    if out.returncode != 0 or not lines:
        sp.note('spice-gtk reference did not run: %s' % out.stderr.strip()[-300:])
        return None
    return json.loads(lines[-1])['events']


def have_spice_gtk():
    out = subprocess.run([sys.executable, '-c', "import gi; gi.require_version('SpiceClientGLib', '2.0')"],
                         capture_output=True, env=sp.clean_env())
    return out.returncode == 0


def tether(*args):
    return subprocess.run([sp.TOOL, 'spice', 'info', '--main-only', '--json', '--timeout', '20'] + list(args),
                          capture_output=True, text=True, timeout=60)


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port


def main():
    if len(sys.argv) == 3 and sys.argv[1] == '--reference':
        return reference_main(json.loads(sys.argv[2]))
    if 'TETHER_TOOL' not in os.environ:
        print('1..0 # SKIP needs TETHER_TOOL (run through meson test)')
        return 0
    reference = have_spice_gtk()
    if not reference:
        sp.note('no SpiceClientGLib typelib: the spice-gtk comparisons are skipped')
    try:
        run(reference)
    finally:
        sp.peer_stop('ciphers12')
        sp.peer_stop('ciphers13')
    sp.finish()


def run(reference):
    env = sp.peer_start('ciphers12', '--tls12-only', '--tls-only')
    uri = 'spice+tls://localhost:%s' % env['SPICE_TLS_PORT']
    ca = env['SPICE_CA_FILE']

    # No list: TLS 1.2, whatever OpenSSL prefers.
    out = tether('--ca-file', ca, uri)
    info = json.loads(out.stdout) if out.returncode == 0 else None
    sp.check(info is not None and info.get('tls', {}).get('version') == 'TLSv1.2',
             'TLS 1.2 server, no ciphers: connected over TLSv1.2 (%s)%s'
             % (info and info.get('tls'), sp.tail(out.returncode, out.stderr)))

    for cipher in ('ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES256-GCM-SHA384'):
        out = tether('--ca-file', ca, '--ciphers', cipher, uri)
        info = json.loads(out.stdout) if out.returncode == 0 else None
        tls = info.get('tls') if info else None
        sp.check(tls == {'version': 'TLSv1.2', 'cipher': cipher},
                 '--ciphers %s: the main channel uses it (%s)%s' % (cipher, tls, sp.tail(out.returncode, out.stderr)))
        if reference:
            events = spice_gtk({'uri': uri, 'ca-file': ca, 'ciphers': cipher})
            sp.check(events == ['opened'], '--ciphers %s: spice-gtk connects too (%s)' % (cipher, events))

    # Nothing in common with an RSA server: refused in the handshake.
    cipher = 'ECDHE-ECDSA-AES128-GCM-SHA256'
    out = tether('--ca-file', ca, '--ciphers', cipher, uri)
    sp.check(out.returncode == 1 and out.stdout == '', '--ciphers %s: refused (exit %d)' % (cipher, out.returncode))
    sp.check('TLS failed' in out.stderr and 'TLS handshake failed' in out.stderr and 'handshake failure' in out.stderr,
             '--ciphers %s: the message names the handshake failure (%r)' % (cipher, out.stderr.strip()))
    if reference:
        events = spice_gtk({'uri': uri, 'ca-file': ca, 'ciphers': cipher})
        sp.check(events is not None and 'error-tls' in events and 'opened' not in events,
                 '--ciphers %s: spice-gtk fails too, with error-tls (%s)' % (cipher, events))

    # A text OpenSSL rejects: refused before connecting (nothing listens there).
    bad = 'NO-SUCH-CIPHER'
    out = tether('--ca-file', ca, '--ciphers', bad, 'spice+tls://localhost:%d' % free_port())
    sp.check(out.returncode == 1 and 'matches no cipher' in out.stderr and 'refused' not in out.stderr.lower(),
             '--ciphers %s: refused before connecting (%r)' % (bad, out.stderr.strip()))
    out = tether('--ca-file', ca, '--ciphers', bad, uri)
    sp.check(out.returncode == 1 and 'TLS failed' in out.stderr and '"%s" matches no cipher' % bad in out.stderr,
             '--ciphers %s against the server: a TLS error naming the property (%r)' % (bad, out.stderr.strip()))
    if reference:
        events = spice_gtk({'uri': uri, 'ca-file': ca, 'ciphers': bad})
        sp.check(events is not None and 'error-tls' in events and 'opened' not in events,
                 '--ciphers %s: spice-gtk fails too, with error-tls (%s)' % (bad, events))

    # A TLS 1.3 server: the list does not govern TLS 1.3.
    env13 = sp.peer_start('ciphers13', '--tls-only')
    uri13 = 'spice+tls://localhost:%s' % env13['SPICE_TLS_PORT']
    out = tether('--ca-file', ca, '--ciphers', 'ECDHE-RSA-AES128-GCM-SHA256', uri13)
    info = json.loads(out.stdout) if out.returncode == 0 else None
    tls = info.get('tls') if info else None
    sp.check(tls is not None and tls['version'] == 'TLSv1.3' and tls['cipher'].startswith('TLS_'),
             'TLS 1.3 server with a TLS 1.2 list: TLSv1.3 and a TLS 1.3 suite (%s)%s'
             % (tls, sp.tail(out.returncode, out.stderr)))
    if reference:
        events = spice_gtk({'uri': uri13, 'ca-file': ca, 'ciphers': 'ECDHE-RSA-AES128-GCM-SHA256'})
        sp.check(events == ['opened'], 'TLS 1.3 server with a TLS 1.2 list: spice-gtk connects too (%s)' % events)


if __name__ == '__main__':
    sys.exit(main())
