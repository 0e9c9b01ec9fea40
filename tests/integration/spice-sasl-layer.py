#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""SASL with a security layer on a SPICE connection without TLS, against a real
QEMU (-spice ...,sasl=on; DIGEST-MD5 from a sasldb made by spice-peer.sh --sasl).

Both clients go through a relay of this script's that forwards the bytes
between them and the server and keeps what passed. Checks:
  - `tether spice info --json` with the right user and password: the name and
    uuid are the server's and, like the channel list, spice-gtk's (spice-gtk
    from Python through the same relay, with the same credentials);
  - the bytes from the server never carry the VM's name in the clear, while
    through the same relay to a server without SASL they do (so the check can
    see cleartext when it is there);
  - `tether spice screenshot` over the layer: a PNG of the guest's size, and
    more than 20 KiB came through the relay for it;
  - a wrong password: tether exits 1 with an authentication error, and
    spice-gtk fails too.

Run through meson test (TETHER_TOOL, TETHER_SOURCE_ROOT). Skips (77) when
Tether was built without SASL or QEMU cannot start.
"""
import json
import os
import socket
import subprocess
import sys
import threading
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import spice_peers as sp  # noqa: E402
import spice_pixels as px  # noqa: E402

USER, PASSWORD = 'sasluser', 'sasl-layer-pw-7'
INFO_INTEROP = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'spice-info-interop.py')
RECORD_CAP = 64 * 1024 * 1024


class Relay:
    """A TCP relay on 127.0.0.1 to (host, port) that keeps the bytes of each direction."""

    def __init__(self, host, port):
        self.target = (host, int(port))
        self.lock = threading.Lock()
        self.down = bytearray()   # server -> client
        self.up = bytearray()     # client -> server
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(('127.0.0.1', 0))
        self.listener.listen(16)
        self.port = self.listener.getsockname()[1]
        self.closing = False
        self.threads = []
        t = threading.Thread(target=self.accept, daemon=True)
        t.start()

    def reset(self):
        with self.lock:
            self.down = bytearray()
            self.up = bytearray()

    def accept(self):
        while not self.closing:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self.target, timeout=10)
                server.settimeout(None)
            except OSError:
                client.close()
                continue
            for a, b, name in ((client, server, 'up'), (server, client, 'down')):
                t = threading.Thread(target=self.pump, args=(a, b, name), daemon=True)
                t.start()
                self.threads.append(t)

    def pump(self, src, dst, name):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                with self.lock:
                    buf = getattr(self, name)
                    if len(buf) < RECORD_CAP:
                        buf.extend(data)
                dst.sendall(data)
        except OSError:
            pass
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def close(self):
        self.closing = True
        self.listener.close()


def tether(*args, timeout=60):
    return subprocess.run([sp.TOOL, 'spice', *args], capture_output=True, text=True, timeout=timeout)


def spice_gtk(uri, username, password):
    config = {'props': {'uri': uri, 'username': username, 'password': password}, 'timeout': 15}
    out = subprocess.run([sys.executable, INFO_INTEROP, '--reference', json.dumps(config)],
                         capture_output=True, text=True, env=sp.clean_env(), timeout=60)
    if out.returncode != 0:
        sp.note('spice-gtk probe failed: ' + out.stderr.strip())
        return None
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    if 'TETHER_SOURCE_ROOT' not in os.environ:
        print('1..0 # SKIP needs TETHER_SOURCE_ROOT (run through meson test)')
        return 77
    config_h = os.path.join(sp.BUILD_ROOT, 'config.h')
    if not os.path.exists(config_h) or '#define HAVE_SASL 1' not in open(config_h).read():
        print('1..0 # SKIP built without SASL')
        return 77
    sp.ensure_packages(['gir1.2-spiceclientglib-2.0', 'python3-gi'])
    try:
        env = sp.peer_start('sasl-layer', '--sasl', '%s:%s' % (USER, PASSWORD))
        control = sp.peer_start('sasl-layer-control')
    except RuntimeError as e:
        print('1..0 # SKIP %s' % e)
        return 77
    relay = Relay(env['SPICE_HOST'], env['SPICE_PORT'])
    control_relay = Relay(control['SPICE_HOST'], control['SPICE_PORT'])
    uri = 'spice://127.0.0.1:%d' % relay.port
    name = env['SPICE_NAME'].encode()
    workdir = sp.tmpdir('sasl-layer')
    try:
        # The right credentials, through the layer.
        out = tether('info', '--json', '--username', USER, '--password', PASSWORD, uri)
        sp.check(out.returncode == 0, 'right password: tether spice info exits 0 (%s)' % out.stderr.strip()[-300:])
        info = json.loads(out.stdout) if out.returncode == 0 else None
        with relay.lock:
            down = bytes(relay.down)
        sp.check(info is not None and info['name'] == env['SPICE_NAME'], 'right password: the server\'s name')
        sp.check(info is not None and info['uuid'] == env['SPICE_UUID'], 'right password: the server\'s uuid')
        sp.check(len(down) > 0 and name not in down,
                 'the name never crossed the wire in the clear (%d bytes from the server)' % len(down))
        sp.check(password_absent(relay), 'the password never crossed the wire in the clear')

        relay.reset()
        ref = spice_gtk(uri, USER, PASSWORD)
        sp.check(ref is not None and ref['events'][:1] == ['opened'],
                 'spice-gtk opens the main channel through the same relay (%s)' % (ref and ref['events']))
        if info is not None and ref is not None:
            sp.check(info['name'] == ref['name'], 'name as spice-gtk (%r, %r)' % (info['name'], ref['name']))
            sp.check(info['uuid'] == ref['uuid'], 'uuid as spice-gtk')
            mine = sorted({(c['type'], c['id']) for c in info['channels']})
            theirs = sorted({(t, i) for t, i in ref['channels']})
            sp.check(mine == theirs, 'channel list as spice-gtk (%s, %s)' % (mine, theirs))
        with relay.lock:
            sp.check(name not in bytes(relay.down), 'spice-gtk\'s session also carried no cleartext name')

        # The control: the same relay check sees the name without SASL.
        out = tether('info', '--json', 'spice://127.0.0.1:%d' % control_relay.port)
        with control_relay.lock:
            control_down = bytes(control_relay.down)
        sp.check(out.returncode == 0 and control['SPICE_NAME'].encode() in control_down,
                 'control: without SASL the relay sees the name in the clear')

        # Pixels through the layer.
        relay.reset()
        png = os.path.join(workdir, 'shot.png')
        out = tether('screenshot', '--username', USER, '--password', PASSWORD, uri, '-o', png)
        try:
            width, height, _ = px.read_png(png) if out.returncode == 0 else (None, None, None)
            size = (width, height) if width is not None else None
        except (OSError, px.ImageError) as e:
            sp.note('the screenshot does not read as a PNG: %s' % e)
            size = None
        with relay.lock:
            down = bytes(relay.down)
        sp.check(size is not None and size[0] >= 320 and size[1] >= 200,
                 'screenshot through the layer: a PNG of the guest (%s; %s)' % (size, out.stderr.strip()[-300:]))
        sp.check(len(down) > 20 * 1024 and name not in down,
                 'screenshot: %d bytes from the server, none of them the name in the clear' % len(down))
        sp.check(len(zlib.compress(down, 6)) > 0.9 * len(down),
                 'screenshot: the server\'s bytes look encrypted (zlib cannot shrink them: %d -> %d)'
                 % (len(down), len(zlib.compress(down, 6))))

        # A wrong password.
        out = tether('info', '--username', USER, '--password', 'wrong-password', uri)
        sp.check(out.returncode == 1 and 'authentication failed' in out.stderr,
                 'wrong password: exit 1, an authentication error (%d, %s)' % (out.returncode, out.stderr.strip()))
        ref = spice_gtk(uri, USER, 'wrong-password')
        sp.check(ref is not None and 'opened' not in ref['events'],
                 'wrong password: spice-gtk fails too (%s)' % (ref and ref['events']))
    finally:
        relay.close()
        control_relay.close()
        sp.peer_stop('sasl-layer')
        sp.peer_stop('sasl-layer-control')
        sp.remove_tree(workdir)
    return sp.finish()


def password_absent(relay):
    with relay.lock:
        return PASSWORD.encode() not in bytes(relay.up) and PASSWORD.encode() not in bytes(relay.down)


if __name__ == '__main__':
    sys.exit(main())
