#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The unit and fuzz-corpus suites in an AddressSanitizer + UBSan build.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
build=${1:-build-asan}
build-aux/install-deps.sh build test || exit 1
if [ ! -f "$build/build.ninja" ]; then
  meson setup "$build" -Db_sanitize=address,undefined -Db_lundef=false \
    -Dc_args=-fno-sanitize-recover=undefined -Dintrospection=disabled || exit 1
fi
ninja -C "$build" || exit 1
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export LSAN_OPTIONS=suppressions=$(cd "$(dirname "$0")" && pwd)/lsan.supp
# GLib 2.74 serves small blocks from its slice allocator, where LeakSanitizer
# cannot see them: use malloc for everything.
export G_SLICE=always-malloc
meson test -C "$build" --print-errorlogs --no-rebuild --suite unit --suite fuzz-corpus
rc=$?
python3 build-aux/test-summary.py --prefix=asan: "$build/meson-logs/testlog.json" || rc=1
exit $rc
