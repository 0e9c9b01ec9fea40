#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Captures qemu-seabios-720x400.quic: the first screen a real QEMU (qxl,
# SeaBIOS "No bootable device" text screen) sends with image-compression=quic,
# and its expected pixels taken from a second, identical QEMU that sends the
# same screen uncompressed (image-compression=off). No QUIC decoder is
# involved in making the expected pixels.
#
# The two screens differ only in the blinking text cursor. Its phase in the
# QUIC screen is read from the blink updates that follow it (9x2 bitmaps,
# too small for QUIC, so uncompressed): the second update shows the phase
# of the first screen, and that cell is pasted into the uncompressed screen.
#
# Usage: tests/data/quic/make-qemu-vector.sh   (needs QEMU; see tests/peers/)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
peer=$root/tests/peers/spice-peer.sh
uuid=5e1f0000-0000-3000-8000-00000000c0de   # printed on screen: same in both
work=$(mktemp -d)
cleanup() {
  "$peer" stop quicvec-quic >/dev/null 2>&1 || true
  "$peer" stop quicvec-off >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

port_of() { sed -n 's/^SPICE_PORT=//p'; }
qport=$("$peer" start quicvec-quic --image-compression quic --uuid "$uuid" --replace 2>/dev/null | port_of)
oport=$("$peer" start quicvec-off --image-compression off --uuid "$uuid" --replace 2>/dev/null | port_of)
sleep 30   # SeaBIOS tries the disk and the floppy, then prints "No bootable device."

mkdir "$work/q" "$work/o"
/usr/bin/python3 "$here/capture-quic.py" --port "$qport" --all --outdir "$work/q" --timeout 3 >"$work/q.log"
/usr/bin/python3 "$here/capture-quic.py" --port "$oport" --all --outdir "$work/o" --timeout 1 >"$work/o.log"

/usr/bin/python3 - "$work" "$here" <<'EOF'
import glob, gzip, os, re, shutil, sys
work, here = sys.argv[1], sys.argv[2]
W, H = 720, 400
quic = glob.glob(f"{work}/q/draw-001-0x0-{W}x{H}.quic")
plain = glob.glob(f"{work}/o/draw-001-0x0-{W}x{H}.bgrx")
if not quic or not plain:
    sys.exit("the first screens were not a QUIC and an uncompressed 720x400 image")
blinks = sorted(glob.glob(f"{work}/q/draw-*.bgrx"))
if len(blinks) < 2:
    sys.exit("fewer than two cursor blink updates after the QUIC screen")
m = re.search(r"-(\d+)x(\d+)-(\d+)x(\d+)\.bgrx$", blinks[0])
x, y, w, h = map(int, m.groups())
first, second = (open(b, "rb").read() for b in blinks[:2])
if re.search(r"-(\d+x\d+-\d+x\d+)\.bgrx$", blinks[1]).group(1) != m.group(0)[1:-5] or first == second:
    sys.exit("the first two blink updates are not the same cell in two states")
screen = bytearray(open(plain[0], "rb").read())
for r in range(h):
    row = (y + r) * W + x
    screen[row * 4:(row + w) * 4] = second[r * w * 4:(r + 1) * w * 4]
shutil.copy(quic[0], f"{here}/qemu-seabios-{W}x{H}.quic")
with open(f"{here}/qemu-seabios-{W}x{H}.bgrx.gz", "wb") as f:
    f.write(gzip.compress(bytes(screen), 9, mtime=0))
with open(f"{here}/manifest") as f:
    lines = [l for l in f if not l.startswith("qemu-seabios-")]
lines.append(f"qemu-seabios-{W}x{H} 0 0 {W} {H} RGB32\n")
with open(f"{here}/manifest", "w") as f:
    f.writelines(lines)
print(f"qemu-seabios-{W}x{H}: cursor cell {w}x{h} at {x},{y} taken from the second blink update")
EOF
