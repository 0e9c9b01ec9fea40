#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# bench/spice-connect.sh - SPICE connect-to-channel-list: Tether against spice-gtk.
#
# Usage: bench/spice-connect.sh [BUILD_DIR]      (default: ./build, built already)
# Environment: RUNS (default 30) hyperfine runs and in-process repetitions;
#              TLS=0 to skip the TLS rows; SASL=0 to skip the SASL rows.
#
# Against one real QEMU SPICE server (tests/peers/spice-peer.sh, instance
# "bench-connect", stopped at the end), plain and TLS, and a second one with
# SASL on its plain port ("bench-connect-sasl": DIGEST-MD5 with its security
# layer, SSF 128, on every channel):
#  1. whole process, hyperfine: `tether spice info --main-only URI`, a small
#     program on Tether's public API (bench/spice-connect-tether.c) and the
#     same on spice-gtk's C library (bench/spice-connect-gtk.c);
#  2. in process: from connect() to the channel list (Tether: the main
#     channel's notify::channel-list; spice-gtk: the last channel-new the list
#     causes), for the first and the second connect of a process, medians of
#     RUNS processes, Tether and spice-gtk interleaved;
#  3. round trips on the wire (plain only): a tcpdump capture of one connect
#     per client, read by bench/spice-rtt.py (which finds MAIN_CHANNELS_LIST
#     in the server's stream and counts client flights answered by the
#     server up to it).
# Prints the figures and the ratios Tether / spice-gtk (below 1: Tether faster).
set -euo pipefail

SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:-$SRC/build}" && pwd)
RUNS=${RUNS:-30}
TLS=${TLS:-1}
SASL=${SASL:-1}
SASL_USER=benchuser SASL_PASS=bench-sasl-pw
PEER=$SRC/tests/peers/spice-peer.sh
INSTANCE=bench-connect
WORK=$(mktemp -d "${TMPDIR:-/tmp}/tether-bench-spice.XXXXXX")
TCPDUMP_PID=

say() { printf 'spice-connect: %s\n' "$*" >&2; }

cleanup() {
    [ -n "$TCPDUMP_PID" ] && kill "$TCPDUMP_PID" 2>/dev/null && wait "$TCPDUMP_PID" 2>/dev/null
    env -u G_DEBUG "$PEER" stop "$INSTANCE" >/dev/null 2>&1 || true
    env -u G_DEBUG "$PEER" stop "$INSTANCE-sasl" >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT

# --- tools --------------------------------------------------------------------------
need=()
for p in hyperfine tcpdump libspice-client-glib-2.0-dev pkg-config gcc; do
    [[ $(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null) == ii* ]] || need+=("$p")
done
if ((${#need[@]})); then
    say "installing ${need[*]}"
    sudo=(); ((EUID == 0)) || sudo=(sudo)
    export DEBIAN_FRONTEND=noninteractive
    "${sudo[@]}" apt-get install -y -q --no-install-recommends "${need[@]}" >&2 ||
        { "${sudo[@]}" apt-get update -q >&2; "${sudo[@]}" apt-get install -y -q --no-install-recommends "${need[@]}" >&2; }
fi
[ -x "$BUILD/tools/tether" ] || { say "no $BUILD/tools/tether: build first (ninja -C $BUILD)"; exit 1; }

tether_cflags=(-I"$SRC" -I"$BUILD")
for d in tether tether/core tether/spice tether/spice/channels tether/x2go tether/ssh tether/codecs; do
    tether_cflags+=(-I"$SRC/$d")
done
tether_cflags+=(-I"$BUILD/tether")
# shellcheck disable=SC2046
cc -O2 -o "$WORK/spice-connect-tether" "$SRC/bench/spice-connect-tether.c" "${tether_cflags[@]}" \
    $(pkg-config --cflags --libs gio-2.0) -L"$BUILD/tether" -ltether-1.0 -Wl,-rpath,"$BUILD/tether"
# shellcheck disable=SC2046
cc -O2 -o "$WORK/spice-connect-gtk" "$SRC/bench/spice-connect-gtk.c" \
    $(pkg-config --cflags --libs spice-client-glib-2.0)

# --- the server ---------------------------------------------------------------------------
eval "$(env -u G_DEBUG "$PEER" start "$INSTANCE" --tls --replace)"
PLAIN_URI=spice://127.0.0.1:$SPICE_PORT
TLS_URI=spice+tls://localhost:$SPICE_TLS_PORT
N=$("$BUILD/tools/tether" spice info --json --main-only "$PLAIN_URI" |
    python3 -c 'import json,sys; print(len(json.load(sys.stdin)["channels"]))')
say "server: $PLAIN_URI and $TLS_URI, $N channels (main included)"

median() { python3 -c 'import statistics,sys; v=[float(l.split()[1]) for l in sys.stdin if l.strip()]; print("%.2f" % statistics.median(v))'; }
ratio() { python3 -c "import sys; a,b=float(sys.argv[1]),float(sys.argv[2]); print('%.2f' % (a/b) if b else 'n/a')" "$1" "$2"; }

# --- 1. whole process -----------------------------------------------------------------------
whole() { # label uri [ca]   (label sasl: with the SASL user and password)
    local label=$1 uri=$2 ca=${3:-} json=$WORK/hyperfine-$1.json
    local ca_opt=() envs=()
    [ -n "$ca" ] && { ca_opt=(--ca-file "$ca"); envs=(env BENCH_CA_FILE="$ca"); }
    [ "$label" = sasl ] && { ca_opt=(--username "$SASL_USER" --password "$SASL_PASS");
                             envs=(env BENCH_USERNAME="$SASL_USER" BENCH_PASSWORD="$SASL_PASS"); }
    hyperfine -N --warmup 3 --runs "$RUNS" --export-json "$json" \
        -n tether-info "$BUILD/tools/tether spice info --main-only ${ca_opt[*]} $uri" \
        -n tether-api "${envs[*]} $WORK/spice-connect-tether $uri" \
        -n spice-gtk "${envs[*]} $WORK/spice-connect-gtk $uri $N" >/dev/null 2>&1
    python3 - "$json" "$label" <<'EOF'
import json, sys
r = {x['command']: x for x in json.load(open(sys.argv[1]))['results']}
gtk = r['spice-gtk']['median']
for name in ('tether-info', 'tether-api', 'spice-gtk'):
    x = r[name]
    print('  %-5s whole process  %-12s median %7.1f ms  mean %7.1f ± %5.1f ms  ratio to spice-gtk %.2f'
          % (sys.argv[2], name, x['median'] * 1e3, x['mean'] * 1e3, x['stddev'] * 1e3, x['median'] / gtk))
EOF
}

# --- 2. in process -----------------------------------------------------------------------------
# Interleaved, so that the machine's load hits both alike: RUNS rounds of one
# Tether process and one spice-gtk process, each connecting twice (the first
# connect of a process pays the libraries' one-time set-up, the second not).
inproc() { # label uri [ca]
    local label=$1 uri=$2 ca=${3:-}
    local envs=(env)
    [ -n "$ca" ] && envs=(env BENCH_CA_FILE="$ca")
    [ "$label" = sasl ] && envs=(env BENCH_USERNAME="$SASL_USER" BENCH_PASSWORD="$SASL_PASS")
    : >"$WORK/t1-$label"; : >"$WORK/t2-$label"; : >"$WORK/g1-$label"; : >"$WORK/g2-$label"
    for ((i = 0; i < RUNS; i++)); do
        "${envs[@]}" "$WORK/spice-connect-tether" "$uri" 2 >"$WORK/run"
        sed -n 1p "$WORK/run" >>"$WORK/t1-$label"; sed -n 2p "$WORK/run" >>"$WORK/t2-$label"
        "${envs[@]}" "$WORK/spice-connect-gtk" "$uri" "$N" 2 >"$WORK/run" 2>/dev/null
        sed -n 1p "$WORK/run" >>"$WORK/g1-$label"; sed -n 2p "$WORK/run" >>"$WORK/g2-$label"
    done
    local t1 g1 t2 g2
    t1=$(median <"$WORK/t1-$label"); g1=$(median <"$WORK/g1-$label")
    t2=$(median <"$WORK/t2-$label"); g2=$(median <"$WORK/g2-$label")
    printf '  %-5s in process     1st connect, median of %d: tether %6.2f ms  spice-gtk %6.2f ms  ratio %s\n' \
        "$label" "$RUNS" "$t1" "$g1" "$(ratio "$t1" "$g1")"
    printf '  %-5s in process     2nd connect, median of %d: tether %6.2f ms  spice-gtk %6.2f ms  ratio %s\n' \
        "$label" "$RUNS" "$t2" "$g2" "$(ratio "$t2" "$g2")"
}

# --- 3. round trips ------------------------------------------------------------------------------
rtt() { # name command...
    local name=$1; shift
    local pcap=$WORK/$name.pcap
    tcpdump -i lo -U -w "$pcap" "tcp port $SPICE_PORT" 2>/dev/null &
    TCPDUMP_PID=$!
    sleep 1
    "$@" >/dev/null
    sleep 2   # tcpdump lags behind on large segments: let it drain
    kill "$TCPDUMP_PID"; wait "$TCPDUMP_PID" 2>/dev/null || true
    TCPDUMP_PID=
    python3 "$SRC/bench/spice-rtt.py" "$pcap" "$SPICE_PORT" 2>"$WORK/$name.flights" | tr '\n' ' '
}

echo "SPICE connect to channel list: Tether $(git -C "$SRC" describe --always --dirty 2>/dev/null || echo '?') against spice-gtk $(pkg-config --modversion spice-client-glib-2.0); QEMU $(qemu-system-x86_64 --version | head -1 | awk '{print $4}'); RUNS=$RUNS"
whole plain "$PLAIN_URI"
inproc plain "$PLAIN_URI"
if [ "$TLS" = 1 ]; then
    whole tls "$TLS_URI" "$SPICE_CA_FILE"
    inproc tls "$TLS_URI" "$SPICE_CA_FILE"
fi
if [ "$SASL" = 1 ]; then
    SASL_URI=$(env -u G_DEBUG "$PEER" start "$INSTANCE-sasl" --sasl "$SASL_USER:$SASL_PASS" --replace |
               sed -n 's/^SPICE_URI=//p')
    whole sasl "$SASL_URI"
    inproc sasl "$SASL_URI"
fi
echo "  plain round trips to the channel list (TCP handshake included), tether: $(rtt tether "$WORK/spice-connect-tether" "$PLAIN_URI")"
sed 's/^/    tether   /' "$WORK/tether.flights"
echo "  plain round trips to the channel list (TCP handshake included), spice-gtk: $(rtt gtk "$WORK/spice-connect-gtk" "$PLAIN_URI" "$N")"
sed 's/^/    spice-gtk /' "$WORK/gtk.flights"
