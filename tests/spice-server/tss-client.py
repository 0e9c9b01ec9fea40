#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""tss-client.py - spice-gtk (through GObject Introspection) as a reference client
for tether-test-spice-server.

Run with /usr/bin/python3 (python3-gi, gir1.2-spiceclientglib-2.0); no X display needed.

Modes (each prints one result line on stdout and exits 0, or a reason on stderr and exits 1):
  frame --out FILE.ppm [--settle S]
      connect, wait until the display has been quiet for S seconds (default 0.5), write the
      primary surface as a binary PPM and print "FRAME width=W height=H invalidates=N".
  count --seconds S
      connect, count display-invalidate signals for S seconds from the first frame and print
      "COUNT invalidates=N seconds=S fps=F bytes=B" (B = bytes read on the display channel).
  inputs [--key CODE]... [--position X,Y] [--click BUTTON]
      connect, wait for the inputs channel, press and release each key (spice-gtk scan code:
      set 1, 0x100 added for an 0xe0 prefix), move the pointer to X,Y, press and release
      BUTTON (1 left, 2 middle, 3 right) there, then print "SENT keys=K mouse-mode=MODE".
  info
      connect, wait for the primary surface and print "INFO name=NAME uuid=UUID width=W height=H".
Connection options: --host, --port, --tls-port with --ca-file, --password, --unix PATH, --timeout.
"""

import argparse
import ctypes
import sys
import time

import gi

gi.require_version("SpiceClientGLib", "2.0")
from gi.repository import GLib, GObject, SpiceClientGLib as Spice  # noqa: E402

OPENED = Spice.ChannelEvent.OPENED


class Client:
    def __init__(self, args):
        self.args = args
        self.loop = GLib.MainLoop()
        self.failure = None
        self.result = None
        self.display = None
        self.inputs = None
        self.main = None
        self.primary = None          # (address, width, height, stride)
        self.invalidates = 0
        self.first_frame_at = None
        self.last_update_at = None
        self.inputs_open = False
        self.sent = False

        s = self.session = Spice.Session()
        if args.unix:
            s.set_property("unix-path", args.unix)
        else:
            s.set_property("host", args.host)
            if args.port:
                s.set_property("port", str(args.port))
            if args.tls_port:
                s.set_property("tls-port", str(args.tls_port))
        if args.ca_file:
            s.set_property("ca-file", args.ca_file)
        if args.password is not None:
            s.set_property("password", args.password)
        s.set_property("enable-audio", False)
        s.set_property("enable-usbredir", False)
        GObject.Object.connect(s, "channel-new", self.on_channel_new)

    # --- outcome ---

    def fail(self, reason):
        if self.failure is None and self.result is None:
            self.failure = reason
        self.loop.quit()

    def finish(self, line):
        if self.result is None and self.failure is None:
            self.result = line
        self.loop.quit()

    # --- channels ---

    def on_channel_new(self, session, channel):
        if isinstance(channel, Spice.MainChannel):
            self.main = channel
            GObject.Object.connect(channel, "channel-event", self.on_main_event)
        elif isinstance(channel, Spice.DisplayChannel):
            if channel.get_property("channel-id") != 0:
                return
            self.display = channel
            GObject.Object.connect(channel, "display-primary-create", self.on_primary_create)
            GObject.Object.connect(channel, "display-invalidate", self.on_invalidate)
            GObject.Object.connect(channel, "channel-event", self.on_other_event)
            channel.connect()
        elif isinstance(channel, Spice.InputsChannel) and self.args.mode == "inputs":
            self.inputs = channel
            GObject.Object.connect(channel, "channel-event", self.on_inputs_event)
            channel.connect()
        elif isinstance(channel, Spice.CursorChannel):
            channel.connect()

    def on_main_event(self, channel, event):
        if event != OPENED:
            self.fail(f"main channel event {event.value_nick}")

    def on_other_event(self, channel, event):
        if event != OPENED:
            self.fail(f"display channel event {event.value_nick}")

    def on_inputs_event(self, channel, event):
        if event == OPENED:
            self.inputs_open = True
            self.maybe_send_inputs()
        else:
            self.fail(f"inputs channel event {event.value_nick}")

    def on_primary_create(self, channel, fmt, width, height, stride, shmid, address):
        self.primary = (address, width, height, stride)
        self.maybe_send_inputs()
        if self.args.mode == "info":
            name = self.session.get_property("name")
            raw = ctypes.string_at(self.session.get_property("uuid"), 16).hex()
            uuid = "-".join((raw[0:8], raw[8:12], raw[12:16], raw[16:20], raw[20:32]))
            self.finish(f"INFO name={name} uuid={uuid} width={width} height={height}")

    def on_invalidate(self, channel, x, y, w, h):
        now = time.monotonic()
        self.invalidates += 1
        if self.first_frame_at is None:
            self.first_frame_at = now
            if self.args.mode == "count":
                GLib.timeout_add(int(self.args.seconds * 1000), self.count_done)
        self.last_update_at = now

    # --- modes ---

    def frame_poll(self):
        if self.primary is None or self.last_update_at is None:
            return True
        if time.monotonic() - self.last_update_at < self.args.settle:
            return True
        address, width, height, stride = self.primary
        data = ctypes.string_at(address, stride * height)
        rgb = bytearray(width * height * 3)
        row = bytearray(width * 3)
        for y in range(height):
            line = data[y * stride:y * stride + width * 4]
            row[0::3] = line[2::4]
            row[1::3] = line[1::4]
            row[2::3] = line[0::4]
            rgb[y * width * 3:(y + 1) * width * 3] = row
        with open(self.args.out, "wb") as f:
            f.write(b"P6\n%d %d\n255\n" % (width, height))
            f.write(rgb)
        self.finish(f"FRAME width={width} height={height} invalidates={self.invalidates}")
        return False

    def count_done(self):
        seconds = self.args.seconds
        # Invalidates after the first one, over the measured interval.
        n = self.invalidates - 1
        nbytes = self.display.get_property("total-read-bytes") if self.display else 0
        self.finish(f"COUNT invalidates={n} seconds={seconds:g} fps={n / seconds:.1f} bytes={nbytes}")
        return False

    def maybe_send_inputs(self):
        if self.args.mode != "inputs" or self.sent or not self.inputs_open or self.primary is None:
            return
        self.sent = True
        ch = self.inputs
        for code in self.args.key:
            ch.key_press(code)
            ch.key_release(code)
        if self.args.position:
            x, y = self.args.position
            mode = self.main.get_property("mouse-mode") if self.main else 0
            if mode == 2:       # client mode: absolute positions
                ch.position(x, y, 0, 0)
            else:
                ch.motion(x, y, 0)
            if self.args.click:
                # SPICE_MOUSE_BUTTON_MASK_LEFT/MIDDLE/RIGHT
                mask = {1: 1, 2: 2, 3: 4}[self.args.click]
                ch.button_press(self.args.click, mask)
                ch.button_release(self.args.click, 0)
        mode = self.main.get_property("mouse-mode") if self.main else 0
        names = {1: "server", 2: "client"}
        line = f"SENT keys={len(self.args.key)} mouse-mode={names.get(mode, mode)}"
        # Leave time for spice-gtk to write the messages before disconnecting.
        GLib.timeout_add(500, lambda: self.finish(line) or False)

    def run(self):
        GLib.timeout_add(int(self.args.timeout * 1000), lambda: self.fail("timed out") or False)
        if self.args.mode == "frame":
            GLib.timeout_add(50, self.frame_poll)
        if not self.session.connect():
            self.fail("spice_session_connect failed")
        else:
            self.loop.run()
        self.session.disconnect()
        # Let the disconnect run so the server sees a clean close.
        ctx = GLib.MainContext.default()
        end = time.monotonic() + 0.2
        while time.monotonic() < end and ctx.iteration(False):
            pass
        if self.failure is not None:
            print(f"tss-client: {self.failure}", file=sys.stderr)
            return 1
        print(self.result, flush=True)
        return 0


def parse_position(text):
    x, _, y = text.partition(",")
    return int(x), int(y)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("mode", choices=["frame", "count", "inputs", "info"])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int)
    ap.add_argument("--tls-port", type=int)
    ap.add_argument("--ca-file")
    ap.add_argument("--password")
    ap.add_argument("--unix")
    ap.add_argument("--timeout", type=float, default=20.0)
    ap.add_argument("--out")
    ap.add_argument("--settle", type=float, default=0.5)
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--key", type=lambda s: int(s, 0), action="append", default=[])
    ap.add_argument("--position", type=parse_position)
    ap.add_argument("--click", type=int, choices=[1, 2, 3])
    args = ap.parse_args()
    if args.mode == "frame" and not args.out:
        ap.error("frame needs --out")
    return Client(args).run()


if __name__ == "__main__":
    sys.exit(main())
