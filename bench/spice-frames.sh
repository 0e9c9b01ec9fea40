#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# bench/spice-frames.sh - CPU per decoded frame, per image codec: Tether against spice-gtk.
#
# Usage: bench/spice-frames.sh [BUILD_DIR]      (default: ./build, built already)
# Environment: CODECS (default "quic lz glz lz4 off jpeg zlib-glz"),
#              N1/N2 (default 4/16 updates), FPS (default 4), SIZE (default 640x480),
#              CG_DIR (keep every callgrind output there, as CLIENT-CODEC-N.cg, for
#              callgrind_annotate; CG_DIR=/tmp/cg bench/spice-frames.sh).
#
# The synthetic server (tests/spice-server, built with the tree) sends the
# same deterministic sequence to every client: it starts when the client's
# display channel links (--wait-for-client) and stops after N updates of a
# whole 640x480 picture (--frames N). Each client runs under callgrind
# (valgrind --tool=callgrind), which counts the instructions the process
# executes, the same from run to run:
#   Tether:    tether spice screenshot URI --wait-ms T -o F.png
#   spice-gtk: bench/spice-frames-gtk URI T  (links the display and lets it draw)
# Each client runs twice, with N1 and N2 updates; the difference of the
# instruction totals divided by the difference of the frames the client drew
# (Tether's debug line of decoded images, spice-gtk's display-invalidate
# signals) is the cost of one frame, without connecting, setting up, the
# PNG at the end and exiting. Prints instructions per frame and the ratio
# Tether / spice-gtk (below 1: Tether cheaper).
set -euo pipefail

SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:-$SRC/build}" && pwd)
CODECS=${CODECS:-quic lz glz lz4 off jpeg zlib-glz}
N1=${N1:-4}
N2=${N2:-16}
FPS=${FPS:-4}
SIZE=${SIZE:-640x480}
TSS=$BUILD/tests/spice-server/tether-test-spice-server
TOOL=$BUILD/tools/tether
WORK=$(mktemp -d "${TMPDIR:-/tmp}/tether-bench-frames.XXXXXX")
TSS_PID=

say() { printf 'spice-frames: %s\n' "$*" >&2; }
cleanup() {
    [ -n "$TSS_PID" ] && kill "$TSS_PID" 2>/dev/null && wait "$TSS_PID" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT

need=()
for p in valgrind libspice-client-glib-2.0-dev pkg-config gcc; do
    [[ $(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null) == ii* ]] || need+=("$p")
done
if ((${#need[@]})); then
    say "installing ${need[*]}"
    sudo=(); ((EUID == 0)) || sudo=(sudo)
    export DEBIAN_FRONTEND=noninteractive
    "${sudo[@]}" apt-get install -y -q --no-install-recommends "${need[@]}" >&2 ||
        { "${sudo[@]}" apt-get update -q >&2; "${sudo[@]}" apt-get install -y -q --no-install-recommends "${need[@]}" >&2; }
fi
[ -x "$TOOL" ] || { say "no $TOOL: build first (ninja -C $BUILD)"; exit 1; }
[ -x "$TSS" ] || { say "no $TSS: the synthetic server is built with the tree (libspice-server-dev)"; exit 1; }
unset G_DEBUG G_MESSAGES_DEBUG
[ -z "${CG_DIR:-}" ] || mkdir -p "$CG_DIR"
# shellcheck disable=SC2046
cc -O2 -o "$WORK/spice-frames-gtk" "$SRC/bench/spice-frames-gtk.c" $(pkg-config --cflags --libs spice-client-glib-2.0)

server_args() { # CODEC -> the synthetic server's options
    case $1 in
    quic) echo --image-compression quic --pattern gradient ;;
    jpeg) echo --image-compression quic --jpeg-wan-compression always --pattern gradient ;;
    zlib-glz) echo --image-compression glz --zlib-glz-wan-compression always --pattern moving-bars ;;
    off | lz | glz | lz4) echo --image-compression "$1" --pattern moving-bars ;;
    *) say "unknown codec $1"; exit 2 ;;
    esac
}

start_server() { # CODEC FRAMES -> sets PORT, TSS_PID
    local line
    # shellcheck disable=SC2046
    exec {fd}< <(exec "$TSS" --port 0 --width "${SIZE%x*}" --height "${SIZE#*x}" --fps "$FPS" --frames "$2" \
        --wait-for-client $(server_args "$1") 2>/dev/null)
    read -r -u "$fd" line
    TSS_PID=$(sed -n 's/.*pid=\([0-9]*\).*/\1/p' <<<"$line")
    PORT=$(sed -n 's/.*port=\([0-9]*\).*/\1/p' <<<"$line")
}

stop_server() {
    kill "$TSS_PID" 2>/dev/null && wait "$TSS_PID" 2>/dev/null || true
    TSS_PID=
}

ir() { sed -n 's/^summary: //p' "$1"; }

# run CLIENT CODEC FRAMES -> "instructions frames" (and the decoded types on stderr)
run() {
    local client=$1 codec=$2 n=$3 secs out frames
    secs=$((n / FPS + 6))
    start_server "$codec" "$n"
    if [ "$client" = tether ]; then
        out=$(G_MESSAGES_DEBUG=Tether-Spice valgrind --tool=callgrind --callgrind-out-file="$WORK/cg" \
            "$TOOL" spice screenshot "spice://127.0.0.1:$PORT" --wait-ms $((secs * 1000)) --timeout 60 \
            -o "$WORK/t.png" 2>&1 >/dev/null | grep ': images' || true)
        frames=$(python3 -c '
import sys
line = sys.argv[1].split(": images", 1)[1].split(";")[0]
print(sum(int(i.split("=")[1]) for i in line.split() if "=" in i))' "$out")
        say "tether $codec $n: ${out##*: images}"
    else
        out=$(valgrind --tool=callgrind --callgrind-out-file="$WORK/cg" "$WORK/spice-frames-gtk" \
            "spice://127.0.0.1:$PORT" "$secs" 2>/dev/null)
        frames=${out#invalidates }
        say "spice-gtk $codec $n: $out"
    fi
    stop_server
    [ -n "${CG_DIR:-}" ] && cp "$WORK/cg" "$CG_DIR/$client-$codec-$n.cg"
    echo "$(ir "$WORK/cg") $frames"
}

printf '%-9s %16s %16s %7s   %s\n' codec "Tether Ir/frame" "spice-gtk Ir/frame" ratio "frames (Tether; spice-gtk)"
for codec in $CODECS; do
    read -r t1 tf1 < <(run tether "$codec" "$N1")
    read -r t2 tf2 < <(run tether "$codec" "$N2")
    read -r g1 gf1 < <(run gtk "$codec" "$N1")
    read -r g2 gf2 < <(run gtk "$codec" "$N2")
    python3 - "$codec" "$t1" "$tf1" "$t2" "$tf2" "$g1" "$gf1" "$g2" "$gf2" <<'PY'
import sys
codec = sys.argv[1]
t1, tf1, t2, tf2, g1, gf1, g2, gf2 = map(int, sys.argv[2:])
tp = (t2 - t1) / (tf2 - tf1) if tf2 != tf1 else float('nan')
gp = (g2 - g1) / (gf2 - gf1) if gf2 != gf1 else float('nan')
print('%-9s %16.0f %16.0f %7.2f   %d->%d; %d->%d' % (codec, tp, gp, tp / gp, tf1, tf2, gf1, gf2))
PY
done
