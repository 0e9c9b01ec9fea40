#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The tether command line: version, help, usage errors, not-yet-built commands.
set -u
tool=${TETHER_TOOL:?TETHER_TOOL is set by meson}
fails=0
check() { # description, then the command; the command must succeed
  local what=$1; shift
  if "$@"; then echo "ok - $what"; else echo "not ok - $what"; fails=$((fails + 1)); fi
}

out=$("$tool" --version); rc=$?
check "--version exits 0" test $rc -eq 0
check "--version prints 'tether X.Y.Z'" bash -c '[[ "$1" =~ ^tether\ [0-9]+\.[0-9]+\.[0-9]+$ ]]' _ "$out"
check "'version' equals --version" test "$("$tool" version)" = "$out"

out=$("$tool" help); rc=$?
check "help exits 0" test $rc -eq 0
for c in help version x2go spice; do
  check "help lists '$c'" grep -q "^  $c " <<<"$out"
done
check "help COMMAND shows its usage" bash -c '"$1" help spice | grep -q "^Usage: tether spice"' _ "$tool"

"$tool" no-such-command >/dev/null 2>"${TMPDIR:-/tmp}/tether-cli-err.$$"; rc=$?
check "unknown command exits 2" test $rc -eq 2
check "unknown command is named" grep -q "unknown command 'no-such-command'" "${TMPDIR:-/tmp}/tether-cli-err.$$"
"$tool" --bogus >/dev/null 2>&1; rc=$?
check "unknown option exits 2" test $rc -eq 2
"$tool" >/dev/null 2>&1; rc=$?
check "no command exits 2" test $rc -eq 2
# 'x2go' without a server is a usage error that says what is missing.
"$tool" x2go >/dev/null 2>"${TMPDIR:-/tmp}/tether-cli-err.$$"; rc=$?
check "'x2go' without a server: exit 2" test $rc -eq 2
check "'x2go' without a server: says so" grep -q "no X2Go server given" "${TMPDIR:-/tmp}/tether-cli-err.$$"
# 'spice' without a verb is a usage error that lists the verbs; so is each
# action verb without what it needs, before anything connects.
"$tool" spice >/dev/null 2>"${TMPDIR:-/tmp}/tether-cli-err.$$"; rc=$?
check "'spice' without a verb: exit 2" test $rc -eq 2
check "'spice' without a verb: lists the verbs" grep -q "^  info " "${TMPDIR:-/tmp}/tether-cli-err.$$"
check "'spice --help' lists every session property option" bash -c '"$1" spice --help | grep -q -- "--secure-channels A,B"' _ "$tool"
for v in "screenshot|-o FILE.png" "keys|name the keys" "type|give the text" "click|give the position"; do
  "$tool" spice "${v%%|*}" >/dev/null 2>"${TMPDIR:-/tmp}/tether-cli-err.$$"; rc=$?
  check "'spice ${v%%|*}' without arguments: exit 2" test $rc -eq 2
  check "'spice ${v%%|*}' without arguments: says what is missing" grep -q -- "${v#*|}" "${TMPDIR:-/tmp}/tether-cli-err.$$"
done
"$tool" spice keys spice://127.0.0.1:1 nosuchkey >/dev/null 2>"${TMPDIR:-/tmp}/tether-cli-err.$$"; rc=$?
check "'spice keys' with an unknown key: exit 2" test $rc -eq 2
check "'spice keys' with an unknown key: names it" grep -q "unknown key 'nosuchkey'" "${TMPDIR:-/tmp}/tether-cli-err.$$"
"$tool" spice screenshot spice://127.0.0.1:1 -o /dev/null --timeout 5 >/dev/null 2>"${TMPDIR:-/tmp}/tether-cli-err.$$"; rc=$?
check "'spice screenshot' with nothing listening: exit 1" test $rc -eq 1
check "'spice screenshot' with nothing listening: says it cannot connect" grep -q "cannot connect" "${TMPDIR:-/tmp}/tether-cli-err.$$"
rm -f "${TMPDIR:-/tmp}/tether-cli-err.$$"

exit $((fails > 0))
