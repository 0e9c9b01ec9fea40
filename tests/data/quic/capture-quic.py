#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""capture-quic.py - a minimal SPICE client that saves the QUIC images a server sends.

Standard library only. Links the main channel (no password: an empty ticket),
attaches the channels, links display channel 0, sends DISPLAY_INIT, keeps the
ACK window moving, and for every DRAW_COPY whose source image is QUIC writes
the QUIC payload to OUTDIR/NAME.quic, where NAME comes from the manifest line
whose x, y, width and height match the draw's destination box. A QUIC image
that covers the whole primary surface is saved as surface-WIDTHxHEIGHT.quic.

Usage: capture-quic.py --port PORT --manifest FILE --outdir DIR [--timeout S]
Exit 0 once every manifest image has arrived as QUIC, 1 otherwise.

With --all instead of --manifest (for a server such as QEMU that draws what
it likes), every DRAW_COPY image is saved until the timeout:
draw-N-XxY-WxH.quic for QUIC images and draw-N-XxY-WxH.bgrx (top row first)
for uncompressed 32-bit BITMAP images.
"""

import argparse
import hashlib
import os
import socket
import struct
import sys
import threading
import time

MAGIC = b"REDQ"
COMMON_CAPS = (1 << 0) | (1 << 1) | (1 << 3)  # AUTH_SELECTION, AUTH_SPICE, MINI_HEADER
MAIN, DISPLAY = 1, 2
MSG_SET_ACK, MSG_PING, MSG_LIST = 3, 4, 8
MSGC_ACK_SYNC, MSGC_ACK, MSGC_PONG = 1, 2, 3
MSG_MAIN_INIT, MSGC_MAIN_ATTACH_CHANNELS = 103, 104
MSGC_DISPLAY_INIT = 101
MSG_DISPLAY_SURFACE_CREATE, MSG_DISPLAY_DRAW_COPY = 314, 304
IMAGE_BITMAP, IMAGE_QUIC = 0, 1
BITMAP_FMT_32BIT, BITMAP_FMT_RGBA, BITMAP_TOP_DOWN = 8, 9, 4


class CaptureError(Exception):
    pass


def recv_exact(sock, n):
    buf = bytearray()
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise CaptureError(f"connection closed after {len(buf)} of {n} bytes")
        buf += chunk
    return bytes(buf)


def der_len(data, pos):
    first = data[pos]
    if first < 0x80:
        return first, pos + 1
    n = first & 0x7F
    return int.from_bytes(data[pos + 1:pos + 1 + n], "big"), pos + 1 + n


def tlv(data, pos):
    """(content_start, content_end) of the DER item at pos."""
    length, start = der_len(data, pos + 1)
    return start, start + length


def rsa_key(spki):
    """(n, e) of a DER RSA SubjectPublicKeyInfo."""
    body, _ = tlv(spki, 0)                   # SEQUENCE
    _, alg_end = tlv(spki, body)             # AlgorithmIdentifier
    bits, _ = tlv(spki, alg_end)             # BIT STRING (first byte: unused bits)
    seq, _ = tlv(spki, bits + 1)             # SEQUENCE { n, e }
    n_start, n_end = tlv(spki, seq)
    e_start, e_end = tlv(spki, n_end)
    return (int.from_bytes(spki[n_start:n_end], "big"),
            int.from_bytes(spki[e_start:e_end], "big"))


def oaep_sha1(n, e, message):
    k = (n.bit_length() + 7) // 8

    def mgf(seed, length):
        out, i = b"", 0
        while len(out) < length:
            out += hashlib.sha1(seed + i.to_bytes(4, "big")).digest()
            i += 1
        return out[:length]

    db = hashlib.sha1().digest() + b"\0" * (k - len(message) - 42) + b"\1" + message
    seed = os.urandom(20)
    mdb = bytes(a ^ b for a, b in zip(db, mgf(seed, k - 21)))
    mseed = bytes(a ^ b for a, b in zip(seed, mgf(mdb, 20)))
    return pow(int.from_bytes(b"\0" + mseed + mdb, "big"), e, n).to_bytes(k, "big")


def link(port, channel_type, connection_id, channel_caps):
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    words = [COMMON_CAPS] + channel_caps
    mess = struct.pack("<IBBIII", connection_id, channel_type, 0, 1, len(channel_caps), 18)
    mess += struct.pack(f"<{len(words)}I", *words)
    sock.sendall(struct.pack("<4sIII", MAGIC, 2, 2, len(mess)) + mess)
    magic, major, _, size = struct.unpack("<4sIII", recv_exact(sock, 16))
    if magic != MAGIC or major != 2:
        raise CaptureError(f"bad link reply header {magic!r} {major}")
    body = recv_exact(sock, size)
    (error,) = struct.unpack_from("<I", body)
    if error:
        raise CaptureError(f"link of channel {channel_type} refused: error {error}")
    n, e = rsa_key(body[4:4 + 162])
    sock.sendall(struct.pack("<I", 1))                # AUTH_SPICE
    sock.sendall(oaep_sha1(n, e, b"\0"))              # empty ticket
    (result,) = struct.unpack("<I", recv_exact(sock, 4))
    if result:
        raise CaptureError(f"channel {channel_type} link result {result}")
    return sock


def read_msg(sock):
    mtype, size = struct.unpack("<HI", recv_exact(sock, 6))
    return mtype, recv_exact(sock, size)


def send_msg(sock, mtype, body=b""):
    sock.sendall(struct.pack("<HI", mtype, len(body)) + body)


def drain_main(sock, stop):
    sock.settimeout(0.5)
    while not stop.is_set():
        try:
            mtype, body = read_msg(sock)
        except socket.timeout:
            continue
        except (OSError, CaptureError):
            return
        if mtype == MSG_PING:
            send_msg(sock, MSGC_PONG, body[:12])


def clip_size(body, pos):
    (ctype,) = struct.unpack_from("<B", body, pos)
    if ctype == 0:
        return 1
    (count,) = struct.unpack_from("<I", body, pos + 1)
    return 5 + 16 * count


def save_any(outdir, n, box, body, src, itype, width, height):
    stem = os.path.join(outdir, f"draw-{n:03d}-{box[0]}x{box[1]}-{width}x{height}")
    if itype == IMAGE_QUIC:
        (size,) = struct.unpack_from("<I", body, src + 18)
        with open(stem + ".quic", "wb") as f:
            f.write(body[src + 22:src + 22 + size])
        print(f"draw {n} at {box}: QUIC {width}x{height}, {size} bytes")
    elif itype == IMAGE_BITMAP:
        fmt, flags, bx, by, stride = struct.unpack_from("<BBIII", body, src + 18)
        pos = src + 32 + (8 if flags & 2 else 4)      # palette id or pointer
        if fmt not in (BITMAP_FMT_32BIT, BITMAP_FMT_RGBA):
            print(f"draw {n} at {box}: BITMAP format {fmt}, not saved")
            return
        rows = [body[pos + r * stride:pos + r * stride + 4 * bx] for r in range(by)]
        if not flags & BITMAP_TOP_DOWN:
            rows.reverse()
        with open(stem + ".bgrx", "wb") as f:
            f.write(b"".join(rows))
        print(f"draw {n} at {box}: BITMAP {bx}x{by} format {fmt} flags {flags:#x}")
    else:
        print(f"draw {n} at {box}: image type {itype}")


def capture(args):
    manifest = {}
    if args.manifest:
        with open(args.manifest) as f:
            for line in f:
                name, x, y, w, h, qtype = line.split()
                manifest[(int(x), int(y), int(w), int(h))] = (name, qtype)
    draws = 0

    main = link(args.port, MAIN, 0, [0xF])
    main.settimeout(10)
    session_id = None
    while session_id is None:
        mtype, body = read_msg(main)
        if mtype == MSG_MAIN_INIT:
            (session_id,) = struct.unpack_from("<I", body)
        elif mtype == MSG_PING:
            send_msg(main, MSGC_PONG, body[:12])
    send_msg(main, MSGC_MAIN_ATTACH_CHANNELS)
    stop = threading.Event()
    drainer = threading.Thread(target=drain_main, args=(main, stop), daemon=True)
    drainer.start()

    disp = link(args.port, DISPLAY, session_id, [])
    send_msg(disp, MSGC_DISPLAY_INIT, struct.pack("<BqBi", 1, 20 * 1024 * 1024, 1, 4 * 1024 * 1024))
    disp.settimeout(1.0)
    window = remaining = 0
    surface = None
    got = {}
    deadline = time.monotonic() + args.timeout
    wanted = {name for name, _ in manifest.values()}
    while (args.all or not wanted <= got.keys()) and time.monotonic() < deadline:
        try:
            mtype, body = read_msg(disp)
        except socket.timeout:
            continue
        if mtype == MSG_SET_ACK:
            generation, window = struct.unpack("<II", body)
            remaining = window
            send_msg(disp, MSGC_ACK_SYNC, struct.pack("<I", generation))
            continue
        if window:
            remaining -= 1
            if remaining == 0:
                send_msg(disp, MSGC_ACK)
                remaining = window
        if mtype == MSG_PING:
            send_msg(disp, MSGC_PONG, body[:12])
        elif mtype == MSG_DISPLAY_SURFACE_CREATE:
            surface = struct.unpack_from("<IIIII", body)
            print(f"surface {surface[0]}: {surface[1]}x{surface[2]} format {surface[3]}")
        elif mtype == MSG_DISPLAY_DRAW_COPY:
            _, top, left, bottom, right = struct.unpack_from("<Iiiii", body)
            pos = 20 + clip_size(body, 20)
            (src,) = struct.unpack_from("<I", body, pos)
            _, itype, iflags, width, height = struct.unpack_from("<QBBII", body, src)
            box = (left, top, right - left, bottom - top)
            draws += 1
            if args.all:
                save_any(args.outdir, draws, box, body, src, itype, width, height)
                continue
            if itype != IMAGE_QUIC:
                print(f"draw at {box}: image type {itype}, not QUIC")
                continue
            (size,) = struct.unpack_from("<I", body, src + 18)
            data = body[src + 22:src + 22 + size]
            if len(data) != size:
                raise CaptureError(f"QUIC image at {box} is cut short")
            if (width, height) != (box[2], box[3]):
                raise CaptureError(f"image {width}x{height} drawn into box {box}")
            if box in manifest:
                name, qtype = manifest[box]
            elif surface and box == (0, 0, surface[1], surface[2]):
                name, qtype = f"surface-{width}x{height}", "RGB32"
            else:
                print(f"QUIC image at {box} matches no manifest entry")
                continue
            with open(os.path.join(args.outdir, name + ".quic"), "wb") as f:
                f.write(data)
            got[name] = True
            print(f"{name}: QUIC {width}x{height}, {size} bytes, flags {iflags:#x}")
        else:
            print(f"message {mtype} ({len(body)} bytes)")
    stop.set()
    disp.close()
    main.close()
    missing = [n for n, _ in manifest.values() if n not in got]
    if missing:
        raise CaptureError(f"no QUIC image for: {' '.join(missing)}")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--port", type=int, required=True)
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--manifest")
    which.add_argument("--all", action="store_true", help="save every image until the timeout")
    p.add_argument("--outdir", required=True)
    p.add_argument("--timeout", type=float, default=30.0)
    args = p.parse_args()
    try:
        capture(args)
    except (CaptureError, OSError, struct.error) as exc:
        print(f"capture-quic: FAIL: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
