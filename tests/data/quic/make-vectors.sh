#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Regenerates the QUIC test vectors in this directory from the real
# spice-server encoder (see README.md). Needs gcc, pkg-config,
# libspice-server-dev, libglib2.0-dev and /usr/bin/python3.
#
# Usage: tests/data/quic/make-vectors.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

pkg-config --exists spice-server || { echo "libspice-server-dev is not installed" >&2; exit 1; }
gcc -std=gnu11 -Wall -Wextra -O1 -o "$work/spice-server-quic" "$here/spice-server-quic.c" \
  $(pkg-config --cflags --libs spice-server glib-2.0)

# A free loopback port (a short race with other users is acceptable here).
port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir "$work/out"
"$work/spice-server-quic" "$work/out" "$port" 2>"$work/server.log" &
server_pid=$!
for _ in $(seq 50); do
  grep -q listening "$work/server.log" && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
  sleep 0.1
done
/usr/bin/python3 "$here/capture-quic.py" --port "$port" --manifest "$work/out/manifest" --outdir "$work/out"
kill "$server_pid"
wait "$server_pid" 2>/dev/null || true
server_pid=

version=$(dpkg-query -W -f='${Version}' libspice-server1 2>/dev/null || echo unknown)
{
  echo "# QUIC vectors made by spice-server $version (libspice-server1) on $(date -u +%Y-%m-%d)"
  echo "# name x y width height quic-type [zero]: NAME.quic decodes to NAME.bgrx.gz,"
  echo "# or to all-zero pixels when the line ends in \"zero\""
  cat "$work/out/manifest"
  # The surface's first image (sent when the display channel connects,
  # before anything was drawn) is all black.
  for q in "$work"/out/surface-*.quic; do
    [ -f "$q" ] || continue
    size=$(basename "$q" .quic); size=${size#surface-}
    echo "surface-$size 0 0 ${size%x*} ${size#*x} RGB32 zero"
  done
  # Keep the QEMU vector (make-qemu-vector.sh) if there is one.
  grep '^qemu-' "$here/manifest" 2>/dev/null || true
} > "$work/manifest"
mv "$work/manifest" "$here/manifest"
for q in "$work"/out/*.quic; do
  name=$(basename "$q" .quic)
  cp "$q" "$here/$name.quic"
  if [ -f "$work/out/$name.bgrx" ]; then
    gzip -9 -n -c "$work/out/$name.bgrx" > "$here/$name.bgrx.gz"
  fi
done
echo "vectors written to $here"
