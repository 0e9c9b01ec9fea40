#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Writes the seed corpora of the fuzz-spice-* targets (tests/fuzz/corpus/spice-*).

Every seed is a real-shaped message built field by field from
docs/spice-protocol.md. Run from anywhere: python3 tests/fuzz/make-spice-corpus.py
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))

# A real RSA-1024 SubjectPublicKeyInfo (162 bytes), as a server sends.
PUBKEY = bytes.fromhex(
    "30819f300d06092a864886f70d010101050003818d0030818902818100df302ed3fc5949f26cab032d294f316dbd0e38e9"
    "1a341046a6cc51723249d862736f93a62186ae8d4c2e4c9f5e71b5be30da4e3fda53d3c503c3d6c9e40799c4b61d848506"
    "9ae28331bb47a6544e3d3f75339d772e1d4334f1cbef6d1547befb8f44f468e3628198371f8d1f4942ac6b00484ecb369a"
    "2c8ad0215a712d085ac30203010001")
assert len(PUBKEY) == 162

u8 = lambda v: struct.pack("<B", v)
u16 = lambda v: struct.pack("<H", v)
u32 = lambda v: struct.pack("<I", v)
u64 = lambda v: struct.pack("<Q", v)


def write(corpus, name, data):
    d = os.path.join(HERE, "corpus", corpus)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


# ---- link reply: SpiceLinkHeader + SpiceLinkReply ---------------------------

def link_header(size, magic=b"REDQ", major=2, minor=2):
    return magic + u32(major) + u32(minor) + u32(size)


def link_reply(error=0, key=PUBKEY, common=(0x0b,), channel=(0x0f,), offset=178, pad=b""):
    body = u32(error) + key + u32(len(common)) + u32(len(channel)) + u32(offset) + pad
    body += b"".join(u32(c) for c in common) + b"".join(u32(c) for c in channel)
    return body


for name, reply, hdr in [
    ("main-ok", link_reply(), None),
    ("display-ok", link_reply(channel=(0x7fff,)), None),
    ("sasl", link_reply(key=bytes(162), common=(0x05,)), None),
    ("no-selection", link_reply(common=(0x0a,), channel=()), None),
    ("need-secured", u32(5) + bytes(174), None),
    ("caps-gap", link_reply(offset=182, pad=b"\xee" * 4), None),
    ("caps-far", link_reply(offset=0xfffffff0), None),
    ("bad-magic", link_reply(), link_header(186, magic=b"REDX")),
    ("major-1", link_reply(), link_header(186, major=1)),
]:
    write("spice-link-reply", name, (hdr or link_header(len(reply))) + reply)

# ---- main channel: u16 type + body -----------------------------------------

def dst_info(port, sport, host, subject=None, extra=b""):
    fixed = 20 + len(extra)
    h = host.encode() + b"\0"
    s = subject.encode() + b"\0" if subject else b""
    body = u16(port) + u16(sport) + u32(len(h)) + u32(fixed)
    body += (u32(len(s)) + u32(fixed + len(h))) if s else (u32(0) + u32(0))
    return body + extra + h + s


def sub_list(*subs):
    """A MSG_LIST body: the list at 0, then the sub-messages."""
    head = 2 + 4 * len(subs)
    offsets, blobs, at = [], b"", head
    for t, b in subs:
        offsets.append(at)
        blob = u16(t) + u32(len(b)) + b
        blobs += blob
        at += len(blob)
    return u16(len(subs)) + b"".join(u32(o) for o in offsets) + blobs


agent_chunk = u32(1) + u32(6) + u64(0) + u32(8) + u32(1) + u32(0x35077)
main_seeds = {
    "init": (103, u32(0x12345678) + u32(1) + u32(3) + u32(1) + u32(1) + u32(10) + u32(0x10000) + u32(64 << 20)),
    "channels-list": (104, u32(5) + bytes([1, 0, 2, 0, 3, 0, 4, 0, 9, 1])),
    "mouse-mode": (105, u16(3) + u16(2)),
    "mm-time": (106, u32(123456)),
    "agent-connected": (107, b""),
    "agent-disconnected": (108, u32(0)),
    "agent-data": (109, agent_chunk),
    "agent-token": (110, u32(10)),
    "switch-host": (111, dst_info(5930, 5931, "dst.example", "C=XX,O=Tether Test,CN=localhost")),
    "migrate-end": (112, b""),
    "name": (113, u32(8) + b"testvm1\0"),
    "uuid": (114, bytes(range(16))),
    "agent-connected-tokens": (115, u32(10)),
    "migrate-begin": (101, dst_info(5930, 0, "127.0.0.1")),
    "migrate-seamless": (116, dst_info(0, 5931, "[::1]", extra=u32(1))),
    "ping-data": (4, u32(1) + u64(1234567) + bytes(64)),
    "notify": (7, u64(16) + u32(2) + u32(2) + u32(7) + u32(5) + b"hello\0"),
    "list": (8, sub_list((106, u32(42)), (110, u32(3)), (4, u32(2) + u64(9)))),
}
for name, (t, body) in main_seeds.items():
    write("spice-main", name, u16(t) + body)

# ---- common: selector, channel type, body ----------------------------------

full_with_sub = (u32(1)                                   # MIGRATE flags (main data)
                 + u16(3) + u32(8) + u32(2) + u32(40)     # SET_ACK sub-message at 4
                 + u16(1) + u32(4))                       # list at 18
common_seeds = {
    "migrate": (0, 2, u32(3)),
    "migrate-data": (1, 1, bytes(range(40))),
    "set-ack": (2, 2, u32(1) + u32(20)),
    "ping": (3, 1, u32(7) + u64(0x1122334455667788)),
    "ping-data": (3, 2, u32(8) + u64(1) + bytes(100)),
    "wait": (4, 2, u8(2) + u8(2) + u8(0) + u64(16) + u8(4) + u8(1) + u64(3)),
    "disconnecting": (5, 1, u64(256) + u32(8)),
    "notify": (6, 1, u64(16) + u32(0) + u32(1) + u32(0) + u32(2) + b"ok\0"),
    "list": (7, 2, sub_list((3, u32(1) + u32(20)), (4, u32(7) + u64(1)))),
    "full-header-sub": (8, 2, u64(9) + u16(1) + u32(len(full_with_sub)) + u32(18) + full_with_sub),
    "mini-header": (9, 1, u16(103) + u32(32)),
    "mini-header-big": (9, 2, u16(304) + u32(1 << 20)),
    "empty": (10, 1, b""),
    "list-at-offset": (11, 2, u32(18) + full_with_sub[4:]),
}
for name, (sel, chan, body) in common_seeds.items():
    write("spice-common", name, u8(sel) + u8(chan) + body)

# ---- agent: u16 length + chunk, repeated -----------------------------------

def agent_msg(t, payload, protocol=1, opaque=0):
    return u32(protocol) + u32(t) + u64(opaque) + u32(len(payload)) + payload


def chunks(stream, size=2048):
    return [stream[i:i + size] for i in range(0, len(stream), size)] or [b""]


def seq(pieces):
    return b"".join(u16(len(p)) + p for p in pieces)


announce = agent_msg(6, u32(1) + u32(0x35077))
clipboard = agent_msg(4, u8(0) + bytes(3) + u32(1) + b"x" * 5000)
write("spice-agent", "announce", seq([announce]))
write("spice-agent", "clipboard-split", seq(chunks(clipboard)))
write("spice-agent", "two-in-one", seq([announce + agent_msg(13, b"")]))
write("spice-agent", "header-split", seq([announce[:7], announce[7:19], announce[19:]]))
write("spice-agent", "bad-protocol-then-good", seq([agent_msg(6, u32(0), protocol=2), announce]))
write("spice-agent", "reply-and-grab", seq(chunks(agent_msg(3, u32(2) + u32(1)) + agent_msg(7, u32(0) + u32(1) + u32(1)), 13)))
