#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# x2go-pyhoca-interop.sh — Tether and the reference client on one server:
# a session started by pyhoca-cli is listed, suspended and terminated by
# `tether x2go`; one started by `tether x2go` is listed and terminated by
# pyhoca-cli (and the foreground tether exits by itself).
# pyhoca-cli runs with a HOME of its own (known_hosts copied from the peer) and
# logs in with the password (its paramiko cannot load the peer's ed25519 key).
set -uo pipefail

if ! command -v pyhoca-cli >/dev/null; then
    echo "skip - pyhoca-cli is not installed (apt-get install pyhoca-cli python3-x2go)"
    exit 77
fi

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/x2go-testlib.sh"

mkdir -p "$tmp/home/.ssh"
cp "$X2GO_KNOWN_HOSTS" "$tmp/home/.ssh/known_hosts"
pyhoca=(env HOME="$tmp/home" DISPLAY="$X2GO_CLIENT_DISPLAY" pyhoca-cli --server "$X2GO_HOST"
    -p "$X2GO_PORT" -u "$X2GO_USER" --password "$X2GO_PASSWORD" --force-password)
x2go=("$tool" x2go --server "$X2GO_HOST" -p "$X2GO_PORT" -u "$X2GO_USER" -i "$X2GO_KEY"
    --known-hosts "$X2GO_KNOWN_HOSTS" --display "$X2GO_CLIENT_DISPLAY" --sessions-root "$tmp/sessions")

# ---- started by pyhoca-cli, handled by Tether
before=$(names)
"${pyhoca[@]}" -N -c xterm --sound none >"$tmp/pyhoca.log" 2>&1 &
pyhoca_pid=$!
bg_pids+=("$pyhoca_pid")
new_name() { comm -13 <(echo "$before") <(names) | head -1; }
wait_for 90 bash -c "[[ -n \$(comm -13 <(echo '$before') <(${ssh_peer[*]@Q} x2golistsessions | cut -d'|' -f2 | sort)) ]]" ||
    fail "pyhoca-cli started no session: $(tail -5 "$tmp/pyhoca.log")"
name=$(new_name)
started+=("$name")
wait_for 60 bash -c "[[ \$(${ssh_peer[*]@Q} x2golistsessions | awk -F'|' -v n='$name' '\$2 == n && \$1 != \"\" { print \$5 }') == R ]]" ||
    fail "pyhoca-cli's $name never ran"
"${x2go[@]}" -L --json >"$tmp/list.json" 2>"$tmp/err" || fail "tether -L: $(cat "$tmp/err")"
/usr/bin/python3 - "$tmp/list.json" "$name" <<'EOF' || fail "tether -L --json lacks pyhoca-cli's session: $(cat "$tmp/list.json")"
import json, sys
sessions = {s["name"]: s for s in json.load(open(sys.argv[1]))[0]["sessions"]}
s = sessions[sys.argv[2]]
assert s["status"] == "R" and s["command"] == "xterm", s
EOF
pass "tether lists pyhoca-cli's session $name as running"

"${x2go[@]}" -S "$name" >"$tmp/s.log" 2>&1 || fail "tether -S $name: $(cat "$tmp/s.log")"
[[ $(status_of "$name") == S ]] || fail "$name is not S after tether -S"
pass "tether suspends pyhoca-cli's session"
wait_for 30 exited "$pyhoca_pid" || { kill "$pyhoca_pid"; echo "# pyhoca-cli stayed after the suspend"; }

"${x2go[@]}" -T "$name" >"$tmp/t.log" 2>&1 || fail "tether -T $name: $(cat "$tmp/t.log")"
[[ -z $(status_of "$name") ]] || fail "$name still listed after tether -T"
pass "tether terminates pyhoca-cli's session"

# ---- started by Tether, handled by pyhoca-cli
"${x2go[@]}" -N -c xterm >"$tmp/n.log" 2>&1 &
fg_pid=$!
bg_pids+=("$fg_pid")
wait_for 60 grep -qs "started on" "$tmp/n.log" || fail "tether -N did not start: $(cat "$tmp/n.log")"
name=$(grep -o "X2Go session [^ ]* started" "$tmp/n.log" | cut -d' ' -f3)
started+=("$name")
"${pyhoca[@]}" -L >"$tmp/pl.log" 2>&1 || fail "pyhoca-cli -L failed: $(tail -5 "$tmp/pl.log")"
grep -q "^Session Name: $name\$" "$tmp/pl.log" || fail "pyhoca-cli -L lacks $name: $(cat "$tmp/pl.log")"
grep -A6 "^Session Name: $name\$" "$tmp/pl.log" | grep -q "^status: R" || fail "pyhoca-cli does not see $name running: $(cat "$tmp/pl.log")"
pass "pyhoca-cli lists Tether's session $name as running"

"${pyhoca[@]}" -T "$name" >"$tmp/pt.log" 2>&1 || fail "pyhoca-cli -T failed: $(tail -5 "$tmp/pt.log")"
wait_for 30 bash -c "! ${ssh_peer[*]@Q} x2golistsessions | cut -d'|' -f2 | grep -qx '$name'" ||
    fail "$name still listed after pyhoca-cli -T"
wait_for 30 exited "$fg_pid" || fail "tether -N did not exit after pyhoca-cli terminated $name"
wait "$fg_pid"; rc=$?
[[ $rc == 0 ]] && grep -q "has terminated" "$tmp/n.log" || fail "tether -N: rc $rc: $(cat "$tmp/n.log")"
pass "pyhoca-cli terminates Tether's session; the foreground tether exits by itself"

echo "PASS: Tether and pyhoca-cli interoperate"
