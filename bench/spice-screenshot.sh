#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# bench/spice-screenshot.sh - whole-process screenshot: Tether against spice-gtk.
#
# Usage: bench/spice-screenshot.sh [BUILD_DIR]      (default: ./build, built already)
# Environment: RUNS (default 30) hyperfine runs; RSS_RUNS (default 10)
#              /usr/bin/time runs per client for the peak RSS.
#
# One process = connect, link the display, wait for the first complete frame,
# write the picture, exit:
#   tether spice screenshot URI -o F.png      (PNG)
#   spicy-screenshot -h H -p P -o F.ppm       (spice-gtk's own tool, PPM)
# against
#  1. QEMU (tests/peers/spice-peer.sh, instance "bench-shot"): SeaBIOS's
#     720x400 text screen, sent as one LZ image;
#  2. the synthetic server (tests/spice-server, when built): a 1920x1080
#     static picture (32x32 tiles, high detail), sent as one bitmap.
# hyperfine -N --warmup 3 gives the times, /usr/bin/time -v the peak RSS
# (median of RSS_RUNS). Prints the ratios Tether / spice-gtk.
set -euo pipefail

SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:-$SRC/build}" && pwd)
RUNS=${RUNS:-30}
RSS_RUNS=${RSS_RUNS:-10}
PEER=$SRC/tests/peers/spice-peer.sh
TSS=$BUILD/tests/spice-server/tether-test-spice-server
INSTANCE=bench-shot
WORK=$(mktemp -d "${TMPDIR:-/tmp}/tether-bench-shot.XXXXXX")
TSS_PID=

say() { printf 'spice-screenshot: %s\n' "$*" >&2; }

cleanup() {
    [ -n "$TSS_PID" ] && kill "$TSS_PID" 2>/dev/null && wait "$TSS_PID" 2>/dev/null
    env -u G_DEBUG "$PEER" stop "$INSTANCE" >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT

need=()
for p in hyperfine time spice-client-gtk; do
    [[ $(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null) == ii* ]] || need+=("$p")
done
if ((${#need[@]})); then
    say "installing ${need[*]}"
    sudo=(); ((EUID == 0)) || sudo=(sudo)
    export DEBIAN_FRONTEND=noninteractive
    "${sudo[@]}" apt-get install -y -q --no-install-recommends "${need[@]}" >&2 ||
        { "${sudo[@]}" apt-get update -q >&2; "${sudo[@]}" apt-get install -y -q --no-install-recommends "${need[@]}" >&2; }
fi
TOOL=$BUILD/tools/tether
[ -x "$TOOL" ] || { say "no $TOOL: build first (ninja -C $BUILD)"; exit 1; }
unset G_DEBUG G_MESSAGES_DEBUG

# Median peak RSS in KiB of RSS_RUNS runs of a command.
peak_rss() {
    local i out
    for ((i = 0; i < RSS_RUNS; i++)); do
        out=$(/usr/bin/time -v "$@" 2>&1 >/dev/null) || { say "failed: $*"; return 1; }
        sed -n 's/^\tMaximum resident set size (kbytes): //p' <<<"$out"
    done | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

ratio() { python3 -c "import sys; a,b=float(sys.argv[1]),float(sys.argv[2]); print('%.2f' % (a/b) if b else 'n/a')" "$1" "$2"; }

bench() { # NAME HOST PORT
    local name=$1 host=$2 port=$3 json=$WORK/$1.json t_mean g_mean t_med g_med t_rss g_rss
    hyperfine -N --warmup 3 --runs "$RUNS" --export-json "$json" \
        -n tether "$TOOL spice screenshot spice://$host:$port -o $WORK/t.png" \
        -n spicy-screenshot "spicy-screenshot -h $host -p $port -o $WORK/s.ppm" >&2
    read -r t_mean t_med g_mean g_med < <(python3 -c '
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
print(" ".join("%.1f" % (r[n][k] * 1000) for n in ("tether", "spicy-screenshot") for k in ("mean", "median")))' "$json")
    t_rss=$(peak_rss "$TOOL" spice screenshot "spice://$host:$port" -o "$WORK/t.png")
    g_rss=$(peak_rss spicy-screenshot -h "$host" -p "$port" -o "$WORK/s.ppm")
    printf '%-10s time mean %7s ms (median %7s) vs %7s ms (median %7s): ratio %s; peak RSS %6s KiB vs %6s KiB: ratio %s\n' \
        "$name" "$t_mean" "$t_med" "$g_mean" "$g_med" "$(ratio "$t_mean" "$g_mean")" \
        "$t_rss" "$g_rss" "$(ratio "$t_rss" "$g_rss")"
}

eval "$(env -u G_DEBUG "$PEER" start "$INSTANCE" --replace)"
sleep 1   # SeaBIOS's last line
say "QEMU: $SPICE_URI"
bench qemu "$SPICE_HOST" "$SPICE_PORT"

if [ -x "$TSS" ]; then
    exec {fd}< <(env -u G_DEBUG "$TSS" --port 0 --width 1920 --height 1080 --pattern static --image-compression off)
    read -r -u "$fd" line
    TSS_PID=$(sed -n 's/.*pid=\([0-9]*\).*/\1/p' <<<"$line")
    port=$(sed -n 's/.*port=\([0-9]*\).*/\1/p' <<<"$line")
    say "synthetic server: 1920x1080 on port $port"
    bench synthetic 127.0.0.1 "$port"
else
    say "the synthetic server is not built ($TSS): skipping its row"
fi
