# SPDX-License-Identifier: LGPL-2.1-or-later
"""tss_expected.py - the pictures of tether-test-spice-server, computed independently
from the formulas in tests/spice-server/README.md (not from the C code).

Every function returns the frame as packed RGB bytes (the payload of a binary PPM).
Standard library only.
"""

M32 = 0xFFFFFFFF


def mix32(x):
    x &= M32
    x ^= x >> 16
    x = (x * 0x21F0AAAD) & M32
    x ^= x >> 15
    x = (x * 0x735A2D97) & M32
    x ^= x >> 15
    return x


def hash3(a, b, c):
    return mix32((a & M32) ^ mix32((b & M32) ^ mix32((c + 0x9E3779B9) & M32)))


def _rgb(value):
    return bytes(((value >> 16) & 0xFF, (value >> 8) & 0xFF, value & 0xFF))


def static(seed, width, height):
    out = bytearray()
    tiles_x = (width + 31) // 32
    for y in range(height):
        ty = y >> 5
        for tx in range(tiles_x):
            h = hash3(seed, tx, ty)
            r0, g, b = (h >> 16) & 0xFF, ((h >> 8) & 0xFF) ^ (y & 31), h & 0xFF
            for x in range(tx * 32, min(width, tx * 32 + 32)):
                out += bytes((r0 ^ (x & 31), g, b))
    return bytes(out)


def moving_bars(seed, width, height, frame):
    colours = [_rgb(hash3(seed, i, 0xBA25) & 0xFFFFFF) for i in range(8)]
    bar_width = max(width // 8, 1)
    shift = frame * 4
    # One period of the diagonal, then each row is a window into it.
    plen = bar_width * 8
    period = b"".join(colours[(k // bar_width) % 8] for k in range(plen))
    strip = period * (width // plen + 2)
    out = bytearray()
    for y in range(height):
        start = (y + shift) % plen
        out += strip[start * 3:(start + width) * 3]
    return bytes(out)


def noise(seed, width, height, frame):
    key = (seed + frame * 0x9E3779B9) & M32
    out = bytearray()
    for y in range(height):
        for x in range(width):
            out += _rgb(hash3(key, x, y))
    return bytes(out)


def gradient(seed, width, height, frame):
    out = bytearray()
    for y in range(height):
        g = (y + 2 * frame) & 0xFF
        for x in range(width):
            out += bytes(((x + frame) & 0xFF, g, ((x + y) // 2 + 3 * frame) & 0xFF))
    return bytes(out)


TEXT_BACKGROUND = 0x101820
TEXT_COLOURS = (0xD0D0D0, 0x80FF80, 0xFFD060, 0x60C0FF)


def text(seed, width, height, frame):
    px = [TEXT_BACKGROUND] * (width * height)
    cols, rows = width // 8, height // 16
    chunks = (cols + 15) // 16
    for f in range(1, frame + 1):
        index = (f - 1) % (rows * chunks)
        row, col0 = index // chunks, (index % chunks) * 16
        for c in range(col0, min(col0 + 16, cols)):
            ch = hash3(seed, f, c) % 96
            fg = TEXT_COLOURS[hash3(seed, f, c + 0x1000) & 3]
            for gy in range(16):
                bits = hash3(seed ^ 0x7E47, ch, gy)
                base = (row * 16 + gy) * width + c * 8
                for gx in range(8):
                    on = ch != 0 and 3 <= gy <= 12 and 1 <= gx <= 6 and (bits >> gx) & 1
                    px[base + gx] = fg if on else TEXT_BACKGROUND
    return b"".join(_rgb(v) for v in px)


def frame(pattern, seed, width, height, number):
    """The picture of PATTERN at frame NUMBER (frame 0 is the initial picture)."""
    if pattern == "static":
        return static(seed, width, height)
    if pattern == "moving-bars":
        return moving_bars(seed, width, height, number)
    if pattern == "noise":
        return noise(seed, width, height, number)
    if pattern == "gradient":
        return gradient(seed, width, height, number)
    if pattern == "text":
        return text(seed, width, height, number)
    raise ValueError(f"unknown pattern {pattern}")


def read_ppm(path):
    """(width, height, rgb bytes) of a binary PPM with maxval 255."""
    with open(path, "rb") as f:
        data = f.read()
    fields, pos = [], 0
    while len(fields) < 4:
        while pos < len(data) and data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            while pos < len(data) and data[pos:pos + 1] != b"\n":
                pos += 1
            continue
        start = pos
        while pos < len(data) and not data[pos:pos + 1].isspace():
            pos += 1
        if start == pos:
            raise ValueError(f"{path}: truncated PPM header")
        fields.append(data[start:pos])
    if fields[0] != b"P6" or fields[3] != b"255":
        raise ValueError(f"{path}: not a binary PPM with maxval 255")
    width, height = int(fields[1]), int(fields[2])
    pixels = data[pos + 1:]
    if len(pixels) != width * height * 3:
        raise ValueError(f"{path}: {len(pixels)} pixel bytes, expected {width * height * 3}")
    return width, height, pixels


def compare(actual, expected, width):
    """None if equal, else a description of the first difference and the count."""
    if actual == expected:
        return None
    if len(actual) != len(expected):
        return f"{len(actual)} bytes, expected {len(expected)}"
    diff = [i // 3 for i in range(0, len(actual), 3) if actual[i:i + 3] != expected[i:i + 3]]
    i = diff[0]
    return (f"{len(diff)} pixels differ; first at ({i % width},{i // width}): "
            f"got #{actual[i * 3:i * 3 + 3].hex()}, expected #{expected[i * 3:i * 3 + 3].hex()}")
