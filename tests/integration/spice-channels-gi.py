#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The display, inputs and cursor channels from Python through GObject Introspection.

Against QEMU (tests/peers/spice-peer.sh, instance "chan-gi", SeaBIOS's text
screen), the way an application written for spice-gtk would use them:
connect the channels in channel-new, wait for the display's `ready`, read the
picture with copy_primary() (GBytes) and encode_primary_png(), check the
signals' arguments (display-primary-create, display-mark,
display-invalidate), the monitors GVariant, send Esc with
send_keys_async()/send_keys_finish() and a key press with key_press(), and
read the cursor channel's state. Run with /usr/bin/python3 (python3-gi).
"""
import os
import sys
import time

import gi
gi.require_version('Tether', '1.0')
from gi.repository import Gio, GLib, GObject, Tether  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import spice_peers as sp  # noqa: E402

INSTANCE = 'chan-gi'


def spin(pred, seconds=20.0):
    ctx = GLib.MainContext.default()
    end = time.monotonic() + seconds
    while not pred() and time.monotonic() < end:
        ctx.iteration(False)
        if not ctx.pending():
            time.sleep(0.002)
    return pred()


def main():
    env = sp.peer_start(INSTANCE)
    try:
        sp.wait_text(env['SPICE_QMP_SOCKET'], 'No bootable device')
        session = Tether.SpiceSession.new()
        session.props.uri = env['SPICE_URI']
        seen = {'create': [], 'mark': [], 'invalidate': 0, 'channels': {}}

        def on_create(display, fmt, width, height, stride, shmid, data):
            seen['create'].append((fmt, width, height, stride, shmid))

        def on_channel_new(s, channel):
            seen['channels'][type(channel).__name__] = channel
            # As with spice-gtk, SPICE's connect() shadows GObject's: signals
            # are connected through GObject.Object.connect.
            if isinstance(channel, Tether.SpiceDisplayChannel):
                GObject.Object.connect(channel, 'display-primary-create', on_create)
                GObject.Object.connect(channel, 'display-mark', lambda d, m: seen['mark'].append(m))
                GObject.Object.connect(channel, 'display-invalidate', lambda d, x, y, w, h: seen.__setitem__(
                    'invalidate', seen['invalidate'] + 1))
            if not isinstance(channel, Tether.SpiceMainChannel):
                channel.connect()

        GObject.Object.connect(session, 'channel-new', on_channel_new)
        sp.check(session.connect(), 'SpiceSession.connect() starts')
        got = spin(lambda: 'SpiceDisplayChannel' in seen['channels'] and
                   seen['channels']['SpiceDisplayChannel'].get_ready())
        if not sp.check(got, 'the display channel becomes ready'):
            return
        display = seen['channels']['SpiceDisplayChannel']
        sp.check(seen['create'] == [(32, 720, 400, 2880, -1)],
                 'display-primary-create (format, width, height, stride, shmid): %r' % seen['create'])
        sp.check(seen['mark'] == [1], 'display-mark 1: %r' % seen['mark'])
        sp.check(seen['invalidate'] >= 1, 'display-invalidate came (%d)' % seen['invalidate'])
        pixels, fmt, width, height, stride = display.copy_primary()
        sp.check(isinstance(pixels, GLib.Bytes) and pixels.get_size() == stride * height and
                 (fmt, width, height) == (32, 720, 400),
                 'copy_primary() gives the pixels as GLib.Bytes with their layout')
        data = pixels.get_data()
        sp.check(any(data[i] != 0 for i in range(0, len(data), 4)), 'the picture is not all black')
        png = display.encode_primary_png()
        sp.check(png.get_data()[:8] == b'\x89PNG\r\n\x1a\n', 'encode_primary_png() gives a PNG')
        monitors = display.dup_monitors().unpack()
        sp.check(monitors == [(0, 0, 0, 0, 720, 400)], 'dup_monitors(): %r' % monitors)
        sp.check(display.props.width == 720 and display.props.height == 400 and display.props.ready,
                 'width, height and ready properties')
        sp.check(session.has_channel_type(Tether.SpiceChannelType.DISPLAY) and
                 session.has_channel_type(Tether.SpiceChannelType.INPUTS) and
                 session.has_channel_type(Tether.SpiceChannelType.CURSOR), 'has_channel_type for the three kinds')

        inputs = seen['channels'].get('SpiceInputsChannel')
        if sp.check(inputs is not None, 'the inputs channel exists'):
            spin(lambda: False, 0.3)   # let it link
            result = {}

            def done(source, res):
                try:
                    result['ok'] = source.send_keys_finish(res)
                except GLib.Error as e:
                    result['error'] = e

            inputs.send_keys_async('esc', 5, None, done)
            spin(lambda: result)
            sp.check(result.get('ok') is True, 'send_keys_async("esc") completes: %r' % result)
            ok, code = Tether.spice_inputs_key_name_to_scancode('f12')
            sp.check(ok and code == 0x58, 'spice_inputs_key_name_to_scancode("f12") = 0x58')
            inputs.key_press_and_release(code)
            try:
                inputs.send_keys('no-such-key')
                sp.check(False, 'send_keys refuses an unknown key')
            except GLib.Error as e:
                sp.check(e.matches(Gio.io_error_quark(), Gio.IOErrorEnum.INVALID_ARGUMENT),
                         'send_keys: G_IO_ERROR_INVALID_ARGUMENT (%s)' % e.message)
        cursor = seen['channels'].get('SpiceCursorChannel')
        if sp.check(cursor is not None, 'the cursor channel exists'):
            spin(lambda: False, 0.3)
            shape = cursor.get_shape()
            ok, x, y = cursor.get_position()
            sp.note('cursor: shape %r, position %r, visible %r' % (
                None if shape[0] is None else shape[1:], (ok, x, y), cursor.get_visible()))
            sp.check(shape[0] is None or shape[0].get_size() == shape[1] * shape[2] * 4,
                     'get_shape() is None or width*height*4 bytes')
        session.disconnect()
        spin(lambda: False, 0.1)
    finally:
        sp.peer_stop(INSTANCE)
    sp.finish()


if __name__ == '__main__':
    main()
