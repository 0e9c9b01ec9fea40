#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# x2go-cli.sh — `tether x2go` against the real X2Go peer: listing (text and JSON),
# a foreground -N session that exits by itself when it is suspended or terminated
# from elsewhere, -R, Ctrl-C, -S/-T NAME|ALL, two servers at once, and the usage
# errors. Terminates only the sessions it started, by name.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/x2go-testlib.sh"

x2go=("$tool" x2go --server "$X2GO_HOST" -p "$X2GO_PORT" -u "$X2GO_USER" -i "$X2GO_KEY"
    --known-hosts "$X2GO_KNOWN_HOSTS" --display "$X2GO_CLIENT_DISPLAY" --sessions-root "$tmp/sessions")

# ---- usage errors and what is not built yet
"$tool" x2go -L >/dev/null 2>"$tmp/err"; rc=$?
[[ $rc == 2 ]] && grep -q "no X2Go server" "$tmp/err" || fail "no server: rc $rc: $(cat "$tmp/err")"
"${x2go[@]}" -L -N >/dev/null 2>"$tmp/err"; rc=$?
[[ $rc == 2 ]] && grep -q "only one of" "$tmp/err" || fail "two actions: rc $rc: $(cat "$tmp/err")"
"${x2go[@]}" -L --sound pulse >/dev/null 2>"$tmp/err"; rc=$?
[[ $rc == 3 ]] && grep -q "sound" "$tmp/err" || fail "--sound pulse: rc $rc: $(cat "$tmp/err")"
"${x2go[@]}" -N --printing >/dev/null 2>"$tmp/err"; rc=$?
[[ $rc == 3 ]] && grep -q "printing" "$tmp/err" || fail "--printing: rc $rc: $(cat "$tmp/err")"
"${x2go[@]}" -N -g huge >/dev/null 2>"$tmp/err"; rc=$?
[[ $rc == 2 ]] && grep -q "geometry" "$tmp/err" || fail "-g huge: rc $rc: $(cat "$tmp/err")"
"$tool" x2go --server 'h:99999' -L >/dev/null 2>"$tmp/err"; rc=$?
[[ $rc == 2 ]] || fail "bad port in host:port: rc $rc"
pass "usage errors (exit 2) and unsupported options (exit 3) name the cause"

# ---- listing
before=$(names)
"${x2go[@]}" -L >"$tmp/list" 2>"$tmp/err" || fail "-L failed: $(cat "$tmp/err")"
grep -q "^Username: $X2GO_USER" "$tmp/list" || fail "-L output: $(cat "$tmp/list")"
"${x2go[@]}" -L --json >"$tmp/list.json" 2>"$tmp/err" || fail "-L --json failed: $(cat "$tmp/err")"
/usr/bin/python3 - "$tmp/list.json" "$before" <<'EOF' || fail "-L --json: $(cat "$tmp/list.json")"
import json, sys
doc = json.load(open(sys.argv[1]))
assert isinstance(doc, list) and len(doc) == 1, doc
listed = sorted(s["name"] for s in doc[0]["sessions"])
expected = sorted(n for n in sys.argv[2].split() if n)
assert listed == expected, (listed, expected)
EOF
pass "-L and -L --json agree with x2golistsessions"

# ---- -N in the foreground, terminated elsewhere
start_fg "$tmp/n1.log" -N -c xterm
wait_for 60 grep -qs "started on" "$tmp/n1.log" || fail "-N did not start: $(cat "$tmp/n1.log")"
name=$(session_in_log "$tmp/n1.log")
started+=("$name")
[[ $(status_of "$name") == R ]] || fail "$name is not R after -N"
wait_for 30 bash -c "xwininfo -root -tree -display '$X2GO_CLIENT_DISPLAY' | grep -qF '\"X2GO-$name\"'" ||
    fail "no window of $name on $X2GO_CLIENT_DISPLAY"
exited "$fg_pid" && fail "-N did not stay in the foreground"
pass "-N: $name runs, window on $X2GO_CLIENT_DISPLAY, tether stays in the foreground"

"${x2go[@]}" -L --json | grep -qF "\"$name\"" || fail "-L --json does not list $name"
"${ssh_peer[@]}" "x2goterminate-session $name" >/dev/null
wait_for 30 exited "$fg_pid" || fail "-N did not exit after $name was terminated elsewhere"
wait "$fg_pid"; rc=$?
[[ $rc == 0 ]] || fail "-N exited $rc after the termination: $(cat "$tmp/n1.log")"
grep -q "has terminated" "$tmp/n1.log" || fail "-N output: $(cat "$tmp/n1.log")"
[[ -z $(status_of "$name") ]] || fail "$name still listed"
pass "-N exits by itself (status 0) when the session is terminated elsewhere"

# ---- -N, suspended by another tether process, then -R, Ctrl-C, -T
start_fg "$tmp/n2.log" -N -c xterm
wait_for 60 grep -qs "started on" "$tmp/n2.log" || fail "-N did not start: $(cat "$tmp/n2.log")"
name=$(session_in_log "$tmp/n2.log")
started+=("$name")
"${x2go[@]}" -S "$name" >"$tmp/s.log" 2>&1 || fail "-S $name failed: $(cat "$tmp/s.log")"
[[ $(status_of "$name") == S ]] || fail "$name is not S after -S"
wait_for 30 exited "$fg_pid" || fail "-N did not exit after $name was suspended elsewhere"
wait "$fg_pid"; rc=$?
[[ $rc == 0 ]] && grep -q "suspended elsewhere" "$tmp/n2.log" || fail "-N after -S: rc $rc: $(cat "$tmp/n2.log")"
pass "-S NAME suspends; the foreground -N exits by itself"

start_fg "$tmp/r.log" -R "$name"
wait_for 60 grep -qs "resumed on" "$tmp/r.log" || fail "-R did not resume: $(cat "$tmp/r.log")"
r_pid=$fg_pid

# A second client takes the session over: the first notices and exits.
start_fg "$tmp/r2.log" -R "$name"
wait_for 60 grep -qs "resumed on" "$tmp/r2.log" || fail "the second -R did not resume: $(cat "$tmp/r2.log")"
wait_for 30 exited "$r_pid" || fail "the first -R did not exit after the take-over"
wait "$r_pid"; rc=$?
[[ $rc == 0 ]] && grep -qE "different screen|suspended elsewhere" "$tmp/r.log" ||
    fail "the first -R after the take-over: rc $rc: $(cat "$tmp/r.log")"
pass "take-over: a second -R resumes $name, the first exits by itself ($(tail -1 "$tmp/r.log"))"
[[ $(status_of "$name") == R ]] || fail "$name is not R after -R"
wait_for 30 bash -c "xwininfo -root -tree -display '$X2GO_CLIENT_DISPLAY' | grep -qF '\"X2GO-$name\"'" ||
    fail "no window of $name after -R"
kill -INT "$fg_pid"
wait_for 30 exited "$fg_pid" || fail "-R did not exit on SIGINT"
wait "$fg_pid"; rc=$?
[[ $rc == 0 ]] || fail "-R exited $rc on SIGINT: $(cat "$tmp/r.log")"
[[ $(status_of "$name") == S ]] || fail "$name is not S after Ctrl-C"
pass "-R NAME resumes in the foreground; Ctrl-C suspends and exits 0"

"${x2go[@]}" -T "$name" >"$tmp/t.log" 2>&1 || fail "-T $name failed: $(cat "$tmp/t.log")"
[[ -z $(status_of "$name") ]] || fail "$name still listed after -T"
"${x2go[@]}" -T "$name" >/dev/null 2>"$tmp/err"; rc=$?
[[ $rc == 1 ]] && grep -q "no session named" "$tmp/err" || fail "-T of a gone session: rc $rc: $(cat "$tmp/err")"
"${x2go[@]}" -R "$name" >/dev/null 2>"$tmp/err"; rc=$?
[[ $rc == 1 ]] && grep -q "$name" "$tmp/err" || fail "-R of a gone session: rc $rc: $(cat "$tmp/err")"
pass "-T NAME terminates; a gone name fails with status 1 and says so"

# ---- -S ALL / -T ALL over two servers at once (both sshds of the peer)
start_fg "$tmp/n3.log" -N -c xterm
wait_for 60 grep -qs "started on" "$tmp/n3.log" || fail "-N did not start: $(cat "$tmp/n3.log")"
name=$(session_in_log "$tmp/n3.log")
started+=("$name")
two=("$tool" x2go --server "$X2GO_HOST:$X2GO_PORT" --server "$X2GO_HOST:$X2GO_KBDINT_PORT" -u "$X2GO_USER"
    -i "$X2GO_KEY" --known-hosts "$X2GO_KNOWN_HOSTS")
"${two[@]}" -L --json >"$tmp/two.json" 2>"$tmp/err" || fail "two servers -L: $(cat "$tmp/err")"
/usr/bin/python3 - "$tmp/two.json" "$name" <<'EOF' || fail "two servers -L --json: $(cat "$tmp/two.json")"
import json, sys
doc = json.load(open(sys.argv[1]))
assert len(doc) == 2 and len({d["port"] for d in doc}) == 2, doc
for d in doc:
    assert "error" not in d, d
    assert sys.argv[2] in [s["name"] for s in d["sessions"]], d
EOF
pass "two servers in parallel: both list $name"

# ALL means every session of the test user, and the peer is shared: only when
# the listing holds nothing but ours.
if [[ $(names) == "$name" ]]; then
    "${x2go[@]}" -S ALL >"$tmp/sall.log" 2>&1 || fail "-S ALL: $(cat "$tmp/sall.log")"
    [[ $(status_of "$name") == S ]] || fail "$name not suspended by -S ALL"
    wait_for 30 exited "$fg_pid" || fail "-N did not exit after -S ALL"
    "${x2go[@]}" -T ALL >"$tmp/tall.log" 2>&1 || fail "-T ALL: $(cat "$tmp/tall.log")"
    [[ -z $(status_of "$name") ]] || fail "$name still listed after -T ALL"
    pass "-S ALL and -T ALL"
else
    echo "skip - -S ALL / -T ALL: other sessions of $X2GO_USER are on the shared peer"
    "${x2go[@]}" -T "$name" >/dev/null 2>&1 || fail "-T $name"
    wait_for 30 exited "$fg_pid" || fail "-N did not exit after -T"
fi

echo "PASS: tether x2go CLI"
