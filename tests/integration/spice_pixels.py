# SPDX-License-Identifier: LGPL-2.1-or-later
"""Pictures for the SPICE pixel tests: read PNG (as Tether writes it) and PPM
(as spicy-screenshot writes it) with the standard library only, and compare
them pixel by pixel with a mask.

An image is (width, height, rgb) with rgb a bytes object of width*height*3.
"""
import struct
import zlib


class ImageError(Exception):
    pass


def read_ppm(path):
    """A binary PPM (P6, maxval 255)."""
    with open(path, 'rb') as f:
        data = f.read()
    fields = []
    pos = 0
    while len(fields) < 4:
        while pos < len(data) and data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b'#':
            while pos < len(data) and data[pos:pos + 1] != b'\n':
                pos += 1
            continue
        start = pos
        while pos < len(data) and not data[pos:pos + 1].isspace():
            pos += 1
        if start == pos:
            raise ImageError('%s: truncated PPM header' % path)
        fields.append(data[start:pos])
    pos += 1  # the single whitespace after maxval
    if fields[0] != b'P6' or fields[3] != b'255':
        raise ImageError('%s: not a P6 PPM with maxval 255' % path)
    width, height = int(fields[1]), int(fields[2])
    rgb = data[pos:pos + width * height * 3]
    if len(rgb) != width * height * 3:
        raise ImageError('%s: %d bytes of pixels, %d expected' % (path, len(rgb), width * height * 3))
    return width, height, rgb


def _paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def read_png(path):
    """An 8-bit RGB or RGBA, non-interlaced PNG; returns RGB (alpha dropped)."""
    with open(path, 'rb') as f:
        data = f.read()
    if data[:8] != b'\x89PNG\r\n\x1a\n':
        raise ImageError('%s: not a PNG file' % path)
    pos = 8
    idat = []
    ihdr = None
    while pos + 8 <= len(data):
        length, ctype = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        crc, = struct.unpack('>I', data[pos + 8 + length:pos + 12 + length])
        if zlib.crc32(ctype + body) & 0xffffffff != crc:
            raise ImageError('%s: bad CRC in chunk %r' % (path, ctype))
        if ctype == b'IHDR':
            ihdr = struct.unpack('>IIBBBBB', body)
        elif ctype == b'IDAT':
            idat.append(body)
        elif ctype == b'IEND':
            break
        pos += 12 + length
    if ihdr is None:
        raise ImageError('%s: no IHDR' % path)
    width, height, depth, color, _, _, interlace = ihdr
    if depth != 8 or color not in (2, 6) or interlace != 0:
        raise ImageError('%s: only 8-bit RGB/RGBA non-interlaced PNGs are read here' % path)
    bpp = 3 if color == 2 else 4
    raw = zlib.decompress(b''.join(idat))
    stride = width * bpp
    if len(raw) != (stride + 1) * height:
        raise ImageError('%s: %d bytes of image data, %d expected' % (path, len(raw), (stride + 1) * height))
    out = bytearray()
    prev = bytearray(stride)
    for y in range(height):
        ftype = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if ftype == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 255
        elif ftype == 2:
            for i in range(stride):
                line[i] = (line[i] + prev[i]) & 255
        elif ftype == 3:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 255
        elif ftype == 4:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                upleft = prev[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + _paeth(left, prev[i], upleft)) & 255
        elif ftype != 0:
            raise ImageError('%s: unknown PNG filter %d' % (path, ftype))
        prev = line
        if bpp == 3:
            out += line
        else:
            for x in range(width):
                out += line[x * 4:x * 4 + 3]
    return width, height, bytes(out)


def write_ppm(path, image):
    width, height, rgb = image
    with open(path, 'wb') as f:
        f.write(b'P6\n%d %d\n255\n' % (width, height))
        f.write(rgb)


def diff_boxes(a, b, cell=(9, 16)):
    """The text cells (cell = (w, h), VGA text mode) where two same-sized images differ."""
    width, height, pa = a
    _, _, pb = b
    cw, ch = cell
    cells = set()
    if pa == pb:
        return cells
    for y in range(height):
        row_a = pa[y * width * 3:(y + 1) * width * 3]
        row_b = pb[y * width * 3:(y + 1) * width * 3]
        if row_a == row_b:
            continue
        for x in range(width):
            if row_a[x * 3:x * 3 + 3] != row_b[x * 3:x * 3 + 3]:
                cells.add((x // cw, y // ch))
    return cells


def compare(a, b, mask_cells=(), cell=(9, 16), tolerance=0):
    """Compares two images outside the masked text cells.

    Returns (ok, report): ok when the sizes match and every channel of every
    unmasked pixel differs by at most `tolerance`; the report says how many
    pixels differ, the largest difference and the mean absolute error.
    """
    wa, ha, pa = a
    wb, hb, pb = b
    if (wa, ha) != (wb, hb):
        return False, 'sizes differ: %dx%d and %dx%d' % (wa, ha, wb, hb)
    cw, ch = cell
    mask = set(mask_cells)
    differing = 0
    worst = 0
    total = 0
    compared = 0
    first = None
    for y in range(ha):
        row_a = pa[y * wa * 3:(y + 1) * wa * 3]
        row_b = pb[y * wa * 3:(y + 1) * wa * 3]
        same_row = row_a == row_b
        for x in range(wa):
            if (x // cw, y // ch) in mask:
                continue
            compared += 1
            if same_row:
                continue
            d = max(abs(row_a[x * 3 + i] - row_b[x * 3 + i]) for i in range(3))
            if d:
                total += sum(abs(row_a[x * 3 + i] - row_b[x * 3 + i]) for i in range(3))
            if d > tolerance:
                differing += 1
                if first is None:
                    first = (x, y, tuple(row_a[x * 3:x * 3 + 3]), tuple(row_b[x * 3:x * 3 + 3]))
            worst = max(worst, d)
    mean = total / (3.0 * compared) if compared else 0.0
    report = '%dx%d, %d pixels compared (%d cells masked), %d over tolerance %d, max diff %d, mean abs error %.4f' % (
        wa, ha, compared, len(mask), differing, tolerance, worst, mean)
    if first is not None:
        report += '; first at %d,%d: %r vs %r' % first
    return differing == 0, report
