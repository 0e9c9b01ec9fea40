#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# `make check`: install what is missing, build, run the unit, fuzz-corpus and
# integration suites (the integration suite against real peers on 127.0.0.1),
# stop the peers, and end with one line 'N passed, N failed'.
#   build-aux/check.sh [BUILD_DIR] [extra meson test args…]
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
build=${1:-build}; shift || true

build-aux/install-deps.sh build test || exit 1
if [ ! -f "$build/build.ninja" ]; then
  meson setup "$build" || exit 1
fi
ninja -C "$build" || exit 1

stop_peers() {
  tests/peers/x2go-peer.sh stop >/dev/null 2>&1 || true
  tests/peers/spice-peer.sh stop --all >/dev/null 2>&1 || true
}
trap stop_peers EXIT

# Start the peers up front, so package installs and first start-up are not
# charged to one test's timeout. The tests start again (a no-op) by themselves.
tests/peers/x2go-peer.sh start >/dev/null || echo "check: the X2Go peer did not start" >&2
tests/peers/spice-peer.sh start plain >/dev/null || echo "check: the SPICE peer did not start" >&2

meson test -C "$build" --print-errorlogs --no-rebuild \
  --suite unit --suite fuzz-corpus --suite integration "$@"
rc=$?
stop_peers
trap - EXIT
python3 build-aux/test-summary.py "$build/meson-logs/testlog.json" || rc=1
exit $rc
