# SPDX-License-Identifier: LGPL-2.1-or-later
# x2go-testlib.sh — sourced by the X2Go shell tests (after `set -uo pipefail`):
# starts the peer (tests/peers/x2go-peer.sh, or finds it running) and takes its
# X2GO_* values; sets $root, $tool (TETHER_TOOL or build/tools/tether), $tmp (a
# temporary folder, removed at exit) and ssh_peer (plain ssh to the peer with
# its key). At exit, the processes in bg_pids are stopped (by pid) and the
# sessions named in started are terminated (by name) if still listed.

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=${TETHER_SOURCE_ROOT:-$(cd "$here/../.." && pwd)}
tool=${TETHER_TOOL:-$root/build/tools/tether}
peer="$root/tests/peers/x2go-peer.sh"

fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "ok - $*"; }

eval "$("$peer" start)" || fail "x2go-peer.sh start failed"
tmp=$(mktemp -d)
started=()
bg_pids=()

ssh_peer=(ssh -F /dev/null -p "$X2GO_PORT" -o StrictHostKeyChecking=yes -o GlobalKnownHostsFile=/dev/null
    -o UserKnownHostsFile="$X2GO_KNOWN_HOSTS" -o IdentityAgent=none -o IdentitiesOnly=yes
    -o BatchMode=yes -o LogLevel=ERROR -i "$X2GO_KEY" "$X2GO_USER@$X2GO_HOST")

cleanup() {
    local pid name
    for pid in "${bg_pids[@]}"; do kill "$pid" 2>/dev/null; done
    for pid in "${bg_pids[@]}"; do wait "$pid" 2>/dev/null; done
    for name in "${started[@]}"; do
        [[ $name =~ ^[A-Za-z0-9._@-]+$ ]] || continue
        if "${ssh_peer[@]}" x2golistsessions 2>/dev/null | cut -d'|' -f2 | grep -qx "$name"; then
            echo "# cleanup: terminating $name"
            "${ssh_peer[@]}" "x2goterminate-session $name" >/dev/null 2>&1
        fi
    done
    rm -rf "$tmp"
}
trap cleanup EXIT

# status_of NAME: the session's state letter on the server (R, S), empty if not listed.
status_of() { "${ssh_peer[@]}" x2golistsessions | awk -F'|' -v n="$1" '$2 == n { print $5 }'; }
# names: the server's session names, sorted.
names() { "${ssh_peer[@]}" x2golistsessions | cut -d'|' -f2 | sort; }
exited() { ! kill -0 "$1" 2>/dev/null; }
# wait_for SECONDS CMD...: until CMD succeeds (polled every 0.25 s).
wait_for() {
    local n=$(($1 * 4))
    shift
    while ((n-- > 0)); do
        "$@" && return 0
        sleep 0.25
    done
    return 1
}
# start_fg LOG ARGS...: "${x2go[@]}" ARGS in the background (x2go is the script's
# tether x2go command line), output to LOG; its pid in $fg_pid (stopped at exit).
start_fg() {
    local log=$1
    shift
    "${x2go[@]}" "$@" >"$log" 2>&1 &
    fg_pid=$!
    bg_pids+=("$fg_pid")
}
# session_in_log LOG: the name of the session a tether x2go started or resumed.
session_in_log() { grep -o "X2Go session [^ ]* \(started\|resumed\)" "$1" | head -1 | cut -d' ' -f3; }
