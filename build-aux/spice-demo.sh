#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# `make demo`: Tether's SPICE client against a local QEMU SPICE server.
#   build-aux/spice-demo.sh BUILD_DIR
# Starts the QEMU instance "demo" (tests/peers/spice-peer.sh; SeaBIOS's text
# screen, no disk), runs `tether spice info` and `tether spice screenshot`,
# prints where the PNG is, and stops the server again unless it was already
# running before.
set -euo pipefail

build=${1:-build}
src=$(cd "$(dirname "$0")/.." && pwd)
tool=$build/tools/tether
peer=$src/tests/peers/spice-peer.sh
out=$(mkdir -p "$build/demo" && cd "$build/demo" && pwd)
png=$out/spice-demo.png

[ -x "$tool" ] || { echo "make demo: $tool is not built" >&2; exit 1; }
mkdir -p "$out"

started=0
if ! "$peer" status demo >/dev/null 2>&1; then
  started=1
fi
stop() { if [ $started -eq 1 ]; then "$peer" stop demo >/dev/null 2>&1 || true; fi; }
trap stop EXIT

echo "== Starting a local QEMU SPICE server (tests/peers/spice-peer.sh start demo)"
eval "$("$peer" start demo)"
# SeaBIOS prints its last line within a second of the start.
sleep 1

echo
echo "== tether spice info $SPICE_URI"
"$tool" spice info "$SPICE_URI"

echo
echo "== tether spice screenshot $SPICE_URI -o $png"
rm -f "$png"
"$tool" spice screenshot "$SPICE_URI" -o "$png"

echo
echo "The screenshot is $png ($(stat -c %s "$png") bytes)."
if [ $started -eq 1 ]; then
  echo "Stopping the demo server."
else
  echo "The demo server was running before; it keeps running."
fi
