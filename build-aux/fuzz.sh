#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Builds every fuzz target with libFuzzer (clang, ASan + UBSan) and runs each
# for FUZZ_SECONDS (default 30) from a copy of its seed corpus. A crash leaves
# its input in build-fuzz/artifacts/ and fails the run. With FUZZ_TOTAL_SECONDS
# set, that budget is shared out evenly (at least 10 s a target) instead.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
build=${1:-build-fuzz}
seconds=${FUZZ_SECONDS:-30}
build-aux/install-deps.sh build fuzz || exit 1
if [ ! -f "$build/build.ninja" ]; then
  CC=clang-14 meson setup "$build" -Dfuzzing=true -Db_sanitize=address,undefined \
    -Db_lundef=false -Dc_args=-fno-sanitize-recover=undefined -Dintrospection=disabled || exit 1
fi
ninja -C "$build" || exit 1
mkdir -p "$build/artifacts"
targets=()
for exe in "$build"/tests/fuzz-*; do
  [ -f "$exe" ] && [ -x "$exe" ] && targets+=("$exe")
done
if [ -n "${FUZZ_TOTAL_SECONDS:-}" ] && [ ${#targets[@]} -gt 0 ]; then
  seconds=$(( FUZZ_TOTAL_SECONDS / ${#targets[@]} ))
  [ "$seconds" -ge 10 ] || seconds=10
fi
passed=0 failed=0
for exe in "${targets[@]}"; do
  name=$(basename "$exe"); corpus_name=${name#fuzz-}
  seeds=tests/fuzz/corpus/$corpus_name
  work=$(mktemp -d)
  [ -d "$seeds" ] && cp -r "$seeds"/. "$work"/
  dict=(); [ -f "tests/fuzz/$corpus_name.dict" ] && dict=(-dict="tests/fuzz/$corpus_name.dict")
  echo "fuzz: $name for ${seconds}s"
  if "$exe" "${dict[@]}" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
       -artifact_prefix="$build/artifacts/$name-" -print_final_stats=1 "$work" > "$build/artifacts/$name.log" 2>&1; then
    passed=$((passed + 1)); grep -E '^stat::number_of_executed_units' "$build/artifacts/$name.log" | sed "s/^/  /"
  else
    failed=$((failed + 1)); echo "fuzz: $name FAILED"; tail -n 40 "$build/artifacts/$name.log"
  fi
  rm -rf "$work"
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
