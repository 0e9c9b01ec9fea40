#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Both peers start twice in a row without error (the second start is a no-op
# with the same processes), and stopping them leaves no process behind.
# Runs on a private state dir and test user, so the shared peers are untouched.
set -u
here=$(cd "$(dirname "$0")" && pwd)
peers=$here/../peers
export TETHER_PEER_DIR=${TMPDIR:-/tmp}/tether-peer-lifecycle.$$
export X2GO_PEER_USER=x2golife
export X2GO_PEER_PORT=2299
fails=0
check() { local what=$1; shift; if "$@"; then echo "ok - $what"; else echo "not ok - $what"; fails=$((fails + 1)); fi; }
alive() { local st; st=$(cat "/proc/$1/stat" 2>/dev/null) || return 1; st=${st##*) }; [[ ${st%% *} != [ZX] ]]; }
none_alive() { local p; for p in "$@"; do [ -n "$p" ] && alive "$p" && { echo "  pid $p still alive: $(tr '\0' ' ' </proc/$p/cmdline)"; return 1; }; done; return 0; }
cleanup() {
  "$peers/x2go-peer.sh" stop >/dev/null 2>&1
  "$peers/spice-peer.sh" stop --all >/dev/null 2>&1
  rm -rf "$TETHER_PEER_DIR"
  userdel -r "$X2GO_PEER_USER" >/dev/null 2>&1 || true
}
trap cleanup EXIT

x1=$("$peers/x2go-peer.sh" start); rc1=$?
x2=$("$peers/x2go-peer.sh" start); rc2=$?
check "x2go peer: first start succeeds" test $rc1 -eq 0
check "x2go peer: second start succeeds" test $rc2 -eq 0
check "x2go peer: second start reports the same processes" test "$x1" = "$x2"
eval "$x1"
check "x2go peer: sshd alive" alive "${X2GO_SSHD_PID:-0}"
check "x2go peer: Xvfb alive" alive "${X2GO_XVFB_PID:-0}"

s1=$("$peers/spice-peer.sh" start life --tls); rc1=$?
s2=$("$peers/spice-peer.sh" start life --tls); rc2=$?
check "spice peer: first start succeeds" test $rc1 -eq 0
check "spice peer: second start succeeds" test $rc2 -eq 0
check "spice peer: second start reports the same process" test "$s1" = "$s2"
eval "$s1"
check "spice peer: qemu alive" alive "${SPICE_PID:-0}"

"$peers/x2go-peer.sh" stop >/dev/null 2>&1; rc=$?
check "x2go peer: stop succeeds" test $rc -eq 0
"$peers/spice-peer.sh" stop --all >/dev/null 2>&1; rc=$?
check "spice peer: stop succeeds" test $rc -eq 0
check "nothing the peers started is left" none_alive "${X2GO_SSHD_PID:-}" "${X2GO_XVFB_PID:-}" \
  "${X2GO_CLEANSESSIONS_PID:-}" "${X2GO_SSHD_PAM_PID:-}" "${SPICE_PID:-}"
check "no process of the test user is left" bash -c "! pgrep -u '$X2GO_PEER_USER' >/dev/null"
"$peers/x2go-peer.sh" status >/dev/null 2>&1; rc=$?
check "x2go peer: status says stopped" test $rc -eq 1
"$peers/x2go-peer.sh" stop >/dev/null 2>&1; rc=$?
check "x2go peer: stop when stopped is a no-op" test $rc -eq 0
exit $((fails > 0))
