#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Writes the seed corpora of fuzz-spice-display, fuzz-spice-cursor and
fuzz-spice-inputs (tests/fuzz/corpus/spice-{display,cursor,inputs}).

Display and cursor seeds are sequences of records `u16 type, u16 length,
body`, each body a real-shaped message built field by field from
docs/spice-protocol.md §7, §13. Run from anywhere:
python3 tests/fuzz/make-spice-display-corpus.py
"""
import os
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))

u8 = lambda v: struct.pack("<B", v)
u16 = lambda v: struct.pack("<H", v & 0xffff)
u32 = lambda v: struct.pack("<I", v & 0xffffffff)
i32 = lambda v: struct.pack("<i", v)
u64 = lambda v: struct.pack("<Q", v)
be32 = lambda v: struct.pack(">I", v)


def write(corpus, name, data):
    d = os.path.join(HERE, "corpus", corpus)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def record(type_, body):
    assert len(body) < 65536
    return u16(type_) + u16(len(body)) + body


# Display message numbers (§7.3).
MODE, MARK, RESET, COPY_BITS, INVAL_LIST, INVAL_ALL_PIXMAPS, INVAL_PALETTE, INVAL_ALL_PALETTES = range(101, 109)
STREAM_CREATE, STREAM_DATA, STREAM_CLIP, STREAM_DESTROY, STREAM_DESTROY_ALL = range(122, 127)
(FILL, OPAQUE, COPY, BLEND, BLACKNESS, WHITENESS, INVERS, ROP3, STROKE, TEXT, TRANSPARENT,
 ALPHA_BLEND, SURFACE_CREATE, SURFACE_DESTROY, STREAM_DATA_SIZED, MONITORS_CONFIG, COMPOSITE,
 ACTIVATE_REPORT, GL_SCANOUT, GL_DRAW) = range(302, 322)
PNG = 0xffff

PUT, OR, AND, XOR = 1 << 3, 1 << 4, 1 << 5, 1 << 6


def rect(l, t, r, b):
    return i32(t) + i32(l) + i32(b) + i32(r)


def point(x, y):
    return i32(x) + i32(y)


class Msg:
    """A body with u32 pointers patched to data appended later."""

    def __init__(self):
        self.b = bytearray()

    def add(self, data):
        self.b += data
        return self

    def ptr(self):
        at = len(self.b)
        self.b += u32(0xdeadbeef)
        return at

    def here(self, at):
        self.b[at:at + 4] = u32(len(self.b))

    def bytes(self):
        return bytes(self.b)


def base(m, sid=0, box=(0, 0, 8, 8), clips=None):
    m.add(u32(sid) + rect(*box))
    if clips is None:
        m.add(u8(0))
    else:
        m.add(u8(1) + u32(len(clips)) + b"".join(rect(*c) for c in clips))


def descriptor(id_, type_, flags, w, h):
    return u64(id_) + u8(type_) + u8(flags) + u32(w) + u32(h)


def bitmap32(id_, w, h, flags=0, seed=1):
    data = b"".join(bytes(((x * 37 + y * 11 + seed) & 0xff, (x * 5) & 0xff, (y * 9 + seed) & 0xff, 0))
                    for y in range(h) for x in range(w))
    return descriptor(id_, 0, flags, w, h) + u8(8) + u8(4) + u32(w) + u32(h) + u32(w * 4) + u32(0) + data


def mask_bitmap(id_, w, h, flags=0):
    stride = (w + 7) // 8
    rows = b"".join(bytes((0xa5 ^ (y * 0x33)) & 0xff for _ in range(stride)) for y in range(h))
    return descriptor(id_, 0, flags, w, h) + u8(2) + u8(4) + u32(w) + u32(h) + u32(stride) + u32(0) + rows


def lz_rgb32(w, h, seed=3, top_down=1):
    """A literal-only LZ stream (§10.2): header, then runs of ≤ 32 pixels."""
    out = b"".join(be32(v) for v in (0x20205A4C, 0x00010001, 8, w, h, w * 4, top_down))
    px = [bytes(((i * 7 + seed) & 0xff, (i * 13) & 0xff, (i * 29 + seed) & 0xff)) for i in range(w * h)]
    for i in range(0, len(px), 32):
        run = px[i:i + 32]
        out += u8(len(run) - 1) + b"".join(run)
    return out


def glz_rgb32(id_, w, h, seed=5, win_head_dist=4):
    """A literal-only GLZ stream (§10.3)."""
    out = be32(0x20205A4C) + be32(0x00010001) + u8(8 | (1 << 4)) + be32(w) + be32(h) + be32(w * 4)
    out += struct.pack(">Q", id_) + be32(win_head_dist)
    px = [bytes(((i * 3 + seed) & 0xff, (i * 17) & 0xff, seed & 0xff)) for i in range(w * h)]
    for i in range(0, len(px), 32):
        run = px[i:i + 32]
        out += u8(len(run) - 1) + b"".join(run)
    return out


def lz4_block(raw):
    """One LZ4 block with a single all-literal sequence."""
    n = len(raw)
    token = min(n, 15) << 4
    out = u8(token)
    if n >= 15:
        rest = n - 15
        while rest >= 255:
            out += u8(255)
            rest -= 255
        out += u8(rest)
    return out + raw


def copy_msg(image, sid=0, box=(0, 0, 4, 4), area=(0, 0, 4, 4), rop=PUT, scale=1, clips=None, mask=None):
    m = Msg()
    base(m, sid, box, clips)
    src = m.ptr()
    m.add(rect(*area) + u16(rop) + u8(scale))
    m.add(u8(0) + point(0, 0))
    mp = m.ptr() if mask is not None else None
    if mp is None:
        m.add(u32(0))
    m.here(src)
    m.add(image)
    if mask is not None:
        m.here(mp)
        m.add(mask)
    return m.bytes()


def fill_msg(color=0x00ff8000, rop=PUT, sid=0, box=(1, 1, 7, 6), clips=None, pattern=None, mask=None,
             mask_flags=0):
    m = Msg()
    base(m, sid, box, clips)
    if pattern is None:
        m.add(u8(1) + u32(color))
    else:
        m.add(u8(2))
        pp = m.ptr()
        m.add(point(-1, 2))
    m.add(u16(rop) + u8(mask_flags) + point(1, 1))
    mp = m.ptr()
    if mask is None:
        m.b[mp:mp + 4] = u32(0)
    if pattern is not None:
        m.here(pp)
        m.add(pattern)
    if mask is not None:
        m.here(mp)
        m.add(mask)
    return m.bytes()


display = {}

display["fill-solid"] = record(FILL, fill_msg()) + record(PNG, b"")
display["fill-rops"] = b"".join(record(FILL, fill_msg(color=0x123456 * k, rop=r, sid=k % 5))
                                for k, r in enumerate((PUT | 1 << 1, OR | 1 << 2, AND | 1 << 10, XOR,
                                                       1 << 7, 1 << 8, 1 << 9, 0)))
display["fill-clip-mask"] = record(FILL, fill_msg(clips=[(0, 0, 3, 3), (4, 2, 20, 5), (-5, -5, -1, -1)],
                                                  mask=mask_bitmap(20, 9, 5), mask_flags=1))
display["fill-pattern"] = record(FILL, fill_msg(pattern=bitmap32(21, 3, 2), rop=XOR))
display["copy-cached"] = (record(COPY, copy_msg(bitmap32(7, 4, 4, flags=1)))
                          + record(COPY, copy_msg(descriptor(7, 103, 0, 4, 4), sid=1, box=(2, 2, 6, 6)))
                          + record(INVAL_LIST, u16(1) + u8(1) + u64(7))
                          + record(COPY, copy_msg(descriptor(7, 103, 0, 4, 4))))

# An 8-bit bitmap with its palette cached, then one using the cached palette.
pal = Msg()
base(pal, 0, (0, 0, 3, 2))
src = pal.ptr()
pal.add(rect(0, 0, 3, 2) + u16(PUT) + u8(1) + u8(0) + point(0, 0) + u32(0))
pal.here(src)
pal.add(descriptor(30, 0, 0, 3, 2) + u8(5) + u8(1 | 4) + u32(3) + u32(2) + u32(4))
pp = pal.ptr()
pal.add(bytes((0, 1, 2, 0, 2, 1, 0, 0)))
pal.here(pp)
pal.add(u64(0x99) + u16(3) + u32(0xff0000) + u32(0x00ff00) + u32(0x0000ff))
from_cache = Msg()
base(from_cache, 0, (3, 3, 6, 5))
src = from_cache.ptr()
from_cache.add(rect(0, 0, 3, 2) + u16(PUT) + u8(1) + u8(0) + point(0, 0) + u32(0))
from_cache.here(src)
from_cache.add(descriptor(31, 0, 0, 3, 2) + u8(5) + u8(2) + u32(3) + u32(2) + u32(4) + u64(0x99)
               + bytes((2, 2, 1, 0, 0, 0, 1, 0)))
display["copy-palette"] = (record(COPY, pal.bytes()) + record(COPY, from_cache.bytes())
                           + record(INVAL_PALETTE, u64(0x99)) + record(COPY, from_cache.bytes()))

lz = lz_rgb32(6, 5)
display["copy-lz"] = record(COPY, copy_msg(descriptor(40, 101, 1, 6, 5) + u32(len(lz)) + lz,
                                           box=(1, 1, 7, 6), area=(0, 0, 6, 5)))
g1, g2 = glz_rgb32(1, 5, 3), glz_rgb32(2, 4, 4, seed=9)
zg = zlib.compress(g2)
display["copy-glz"] = (record(COPY, copy_msg(descriptor(41, 102, 0, 5, 3) + u32(len(g1)) + g1,
                                             box=(0, 0, 5, 3), area=(0, 0, 5, 3)))
                       + record(COPY, copy_msg(descriptor(42, 107, 1, 4, 4) + u32(len(g2)) + u32(len(zg)) + zg,
                                               sid=9, box=(0, 0, 4, 4))))
raw = b"".join(bytes((x * 40 & 0xff, y * 60 & 0xff, 0x80, 0)) for y in range(3) for x in range(4))
l4 = u8(1) + u8(8) + be32(len(lz4_block(raw))) + lz4_block(raw)
display["copy-lz4"] = record(COPY, copy_msg(descriptor(43, 109, 0, 4, 3) + u32(len(l4)) + l4,
                                            box=(0, 0, 4, 3), area=(0, 0, 4, 3)))
display["copy-scaled"] = (record(COPY, copy_msg(bitmap32(44, 3, 3), box=(0, 0, 9, 6), area=(0, 0, 3, 3), scale=0))
                          + record(BLEND, copy_msg(bitmap32(45, 6, 6), box=(2, 2, 5, 4), area=(0, 0, 6, 6),
                                                   rop=XOR | 1, scale=1)))
display["copy-surface"] = record(COPY, copy_msg(descriptor(46, 104, 0, 0, 0) + u32(0), box=(4, 4, 12, 12),
                                                area=(0, 0, 8, 8)))
display["copy-bits"] = record(COPY_BITS, u32(0) + rect(3, 2, 20, 12) + u8(0) + point(1, 1)) + record(PNG, b"")
display["wait"] = record(COPY, copy_msg(descriptor(999, 106, 0, 4, 4)))

op = Msg()
base(op, 1, (0, 0, 5, 5))
src = op.ptr()
op.add(rect(0, 0, 4, 4) + u8(1) + u32(0x80ffffff) + u16(AND | 1) + u8(0) + u8(0) + point(0, 0) + u32(0))
op.here(src)
op.add(bitmap32(50, 4, 4))
display["opaque"] = record(OPAQUE, op.bytes())

for name, t in (("blackness", BLACKNESS), ("whiteness", WHITENESS), ("invers", INVERS)):
    m = Msg()
    base(m, 2, (0, 0, 9, 7), [(1, 1, 4, 4), (5, 0, 9, 3)])
    m.add(u8(0) + point(0, 0))
    mp = m.ptr()
    m.here(mp)
    m.add(mask_bitmap(60, 8, 8, flags=1))
    display[name] = record(t, m.bytes())

r3 = Msg()
base(r3, 0, (0, 0, 6, 6))
src = r3.ptr()
r3.add(rect(0, 0, 3, 3) + u8(2))
pat = r3.ptr()
r3.add(point(1, 1) + u8(0xca) + u8(1) + u8(0) + point(0, 0) + u32(0))
r3.here(src)
r3.add(bitmap32(70, 3, 3))
r3.here(pat)
r3.add(bitmap32(71, 2, 2, flags=1))
display["rop3"] = record(ROP3, r3.bytes())

st = Msg()
base(st, 0, (0, 0, 48, 32))
path = st.ptr()
st.add(u8(8 | 4) + u8(2))
style = st.ptr()
st.add(u8(1) + u32(0xffffff) + u16(XOR) + u16(0))
st.here(path)
st.add(u32(3))
st.add(u8(1) + u32(2) + point(16, 16) + point(40 * 16, 20 * 16))
st.add(u8(16) + u32(3) + point(40 * 16, 2 * 16) + point(2 * 16, 2 * 16) + point(5 * 16, 30 * 16))
st.add(u8(2 | 8) + u32(1) + point(30 * 16, 30 * 16))
st.here(style)
st.add(i32(3 * 16) + i32(2 * 16))
display["stroke"] = record(STROKE, st.bytes())

for name, flags, bpp in (("text-a1", 1, 1), ("text-a4", 2, 4), ("text-a8", 4, 8)):
    tx = Msg()
    base(tx, 0, (0, 0, 48, 32))
    s = tx.ptr()
    tx.add(rect(0, 0, 20, 10) + u8(1) + u32(0x00ff00) + u8(1) + u32(0x000080) + u16(PUT) + u16(PUT))
    tx.here(s)
    tx.add(u16(3) + u8(flags))
    for g in range(3):
        w, h = 5, 7
        tx.add(point(2 + 6 * g, 9) + point(0, -7) + u16(w) + u16(h))
        tx.add(bytes((0x5a + 17 * i) & 0xff for i in range((bpp * w + 7) // 8 * h)))
    display[name] = record(TEXT, tx.bytes())

tr = Msg()
base(tr, 0, (0, 0, 4, 4))
src = tr.ptr()
tr.add(rect(0, 0, 4, 4) + u32(0) + u32(0x00ff00ff))
tr.here(src)
tr.add(bitmap32(80, 4, 4))
display["transparent"] = record(TRANSPARENT, tr.bytes())

rgba = descriptor(90, 0, 0, 2, 2) + u8(9) + u8(4) + u32(2) + u32(2) + u32(8) + u32(0) + bytes(
    (0x00, 0x00, 0x80, 0x80, 0x10, 0x20, 0x30, 0xff, 0, 0, 0, 0, 0x40, 0x40, 0x40, 0x40))
ab = Msg()
base(ab, 0, (0, 0, 6, 6))
ab.add(u8(0) + u8(0x80))
src = ab.ptr()
ab.add(rect(0, 0, 2, 2))
ab.here(src)
ab.add(rgba)
ab2 = Msg()
base(ab2, 1, (0, 0, 8, 8))
ab2.add(u8(2) + u8(0xff))
src = ab2.ptr()
ab2.add(rect(0, 0, 16, 16))
ab2.here(src)
ab2.add(descriptor(91, 104, 0, 0, 0) + u32(1))
display["alpha-blend"] = record(ALPHA_BLEND, ab.bytes()) + record(ALPHA_BLEND, ab2.bytes())

cp = Msg()
base(cp, 0, (1, 1, 9, 9))
flags = 3 | (4 << 8) | (3 << 11) | (1 << 14) | (2 << 16) | (1 << 19) | (1 << 20) | (1 << 21)
cp.add(u32(flags))
src = cp.ptr()
mask = cp.ptr()
cp.add(u32(0x18000) + u32(0x2000) + u32(0x10000) + u32(0) + u32(0x10000) + u32(0))
cp.add(u32(0x10000) + u32(0) + u32(0) + u32(0) + u32(0x10000) + u32(0))
cp.add(u16(0) + u16(1) + u16(0xffff) + u16(0))
cp.here(src)
cp.add(rgba)
cp.here(mask)
cp.add(descriptor(92, 0, 0, 3, 3) + u8(10) + u8(4) + u32(3) + u32(3) + u32(4) + u32(0)
       + bytes((0, 128, 255, 0, 255, 0, 64, 0, 32, 32, 255, 0)))
display["composite"] = record(COMPOSITE, cp.bytes())

display["surfaces"] = (record(SURFACE_CREATE, u32(9) + u32(10) + u32(6) + u32(32) + u32(0))
                       + record(FILL, fill_msg(sid=9))
                       + record(SURFACE_CREATE, u32(0) + u32(20) + u32(10) + u32(96) + u32(1))
                       + record(SURFACE_DESTROY, u32(9))
                       + record(PNG, b""))
display["mode-reset"] = (record(MODE, u32(16) + u32(8) + u32(16)) + record(FILL, fill_msg())
                         + record(RESET, b"") + record(MARK, b"") + record(INVAL_ALL_PALETTES, b"")
                         + record(INVAL_ALL_PIXMAPS, u8(1) + u8(2) + u8(1) + u64(5)))
display["streams"] = (record(STREAM_CREATE, u32(0) + u32(3) + u8(1) + u8(1) + u64(0) + u32(8) + u32(6)
                             + u32(16) + u32(12) + rect(2, 2, 18, 14) + u8(1) + u32(1) + rect(0, 0, 10, 10))
                      + record(STREAM_DATA, u32(3) + u32(1000) + u32(4) + b"\xff\xd8\xff\xd9")
                      + record(STREAM_DATA_SIZED, u32(3) + u32(1001) + u32(8) + u32(6) + rect(0, 0, 8, 6)
                               + u32(2) + b"\xff\xd8")
                      + record(STREAM_CLIP, u32(3) + u8(0))
                      + record(ACTIVATE_REPORT, u32(3) + u32(7) + u32(5) + u32(1000))
                      + record(STREAM_DESTROY, u32(3)) + record(STREAM_DESTROY_ALL, b""))
display["monitors-gl"] = (record(MONITORS_CONFIG, u16(1) + u16(4) + u32(0) + u32(0) + u32(48) + u32(32)
                                 + u32(0) + u32(0) + u32(0))
                          + record(GL_SCANOUT, u32(1920) + u32(1080) + u32(7680) + b"XR24" + u32(1))
                          + record(GL_DRAW, u32(0) + u32(0) + u32(10) + u32(10)))

for name, data in display.items():
    write("spice-display", name, data)

# ---- cursor ----------------------------------------------------------------

C_INIT, C_RESET, C_SET, C_MOVE, C_HIDE, C_TRAIL, C_INVAL_ONE, C_INVAL_ALL = range(101, 109)


def cursor(flags, unique=0, type_=0, w=0, h=0, hot=(0, 0), data=b""):
    if flags & 1:
        return u16(flags)
    return u16(flags) + u64(unique) + u8(type_) + u16(w) + u16(h) + u16(hot[0]) + u16(hot[1]) + data


def mask(w, h, pattern=0x5a):
    return bytes(((pattern >> (y % 4)) | (pattern << 3)) & 0xff for y in range(h) for _ in range((w + 7) // 8))


alpha = b"".join(bytes((x * 20 & 0xff, y * 20 & 0xff, 0x80, (x * y * 8) & 0xff)) for y in range(4) for x in range(4))
cursors = {
    "init-alpha-cached": record(C_INIT, u16(10) + u16(20) + u16(0) + u16(0) + u8(1)
                                + cursor(2, 0x100, 0, 4, 4, (1, 1), alpha))
                         + record(C_SET, u16(1) + u16(2) + u8(1) + cursor(4, 0x100, 0, 4, 4))
                         + record(C_INVAL_ONE, u64(0x100))
                         + record(C_SET, u16(1) + u16(2) + u8(1) + cursor(4, 0x100, 0, 4, 4)),
    "mono": record(C_SET, u16(0) + u16(0) + u8(1) + cursor(0, 1, 1, 9, 3, (20, 20), mask(9, 3) + mask(9, 3, 0x33))),
    "color4": record(C_SET, u16(0) + u16(0) + u8(1) + cursor(2, 2, 2, 3, 2, (1, 1), bytes((0x12, 0xf0, 0x34, 0x50))
                                                        + b"".join(u32(0x111111 * (i % 16)) for i in range(16))
                                                        + mask(3, 2))),
    "color8": record(C_SET, u16(0) + u16(0) + u8(1) + cursor(0, 3, 3, 2, 2, (0, 0), bytes((1, 255, 0, 7))
                                                        + b"".join(u32(i * 0x010101) for i in range(256))
                                                        + mask(2, 2))),
    "color16": record(C_SET, u16(0) + u16(0) + u8(1) + cursor(0, 4, 4, 2, 2, (0, 0),
                                                         u16(0x7fff) + u16(0x1f) + u16(0x3e0) + u16(0) + mask(2, 2))),
    "color24": record(C_SET, u16(0) + u16(0) + u8(1) + cursor(0, 5, 5, 2, 1, (0, 0), b"\xff\xff\xff\x10\x20\x30"
                                                         + mask(2, 1))),
    "color32": record(C_SET, u16(0) + u16(0) + u8(1) + cursor(0, 6, 6, 2, 2, (0, 0),
                                                         b"".join(u32(0xffffff * (i % 2)) for i in range(4))
                                                         + mask(2, 2))),
    "none-move-trail": record(C_SET, u16(5) + u16(5) + u8(0) + cursor(1)) + record(C_MOVE, u16(0x7fff) + u16(0x8000))
                       + record(C_TRAIL, u16(3) + u16(4)) + record(C_HIDE, b"") + record(C_RESET, b"")
                       + record(C_INVAL_ALL, b""),
}
for name, data in cursors.items():
    write("spice-cursor", name, data)

# ---- inputs ------------------------------------------------------------------

inputs = {
    "decoders": b"\x00\x07\x00",
    "combo": b"\x01ctrl-alt-del",
    "combo-minus": b"\x01ctrl+shift+-",
    "text": b"\x02Hello, World!\n\tpass: ~`|\\",
    "keysyms": b"\x03" + u32(0xff0d) + u32(0x41) + u32(0x1000041) + u32(0xffbe) + u32(0xfe50),
    "motion": b"\x04" + bytes(range(0, 64, 3)),
}
for name, data in inputs.items():
    write("spice-inputs", name, data)
