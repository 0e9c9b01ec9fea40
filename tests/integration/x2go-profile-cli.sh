#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# x2go-profile-cli.sh — `tether x2go -P PROFILE` against the real X2Go peer, on
# profiles written with `tether x2go profile add` into a private client root
# dir (--client-rootdir; the real ~/.x2goclient is never read): --list-profiles,
# -L, a foreground -N session (R, window on the client Xvfb), -S, -R, -T by
# profile, command-line options replacing the profile's (command, host, port,
# sound), and the errors. Terminates only the sessions it started, by name.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/x2go-testlib.sh"

dir="$tmp/x2goclient"
profile() { "$tool" x2go profile --client-rootdir "$dir" "$@"; }
x2go=("$tool" x2go --client-rootdir "$dir" --known-hosts "$X2GO_KNOWN_HOSTS"
    --display "$X2GO_CLIENT_DISPLAY" --sessions-root "$tmp/sessions")

window_of() {
    xwininfo -root -tree -display "$X2GO_CLIENT_DISPLAY" 2>/dev/null | grep -qF "\"X2GO-$1\""
}

# ---- the profiles
id=$(profile add "cli profile" "host=$X2GO_HOST" "sshport=$X2GO_PORT" "user=$X2GO_USER" \
    "key=$X2GO_KEY" command=xterm rootless=true width=800 height=600 speed=2 autologin=false) ||
    fail "profile add failed"
profile add "elsewhere" host=unreachable.invalid sshport=1 "user=$X2GO_USER" "key=$X2GO_KEY" \
    command=xterm >/dev/null || fail "profile add elsewhere failed"
profile add "with sound" "host=$X2GO_HOST" "sshport=$X2GO_PORT" "user=$X2GO_USER" \
    "key=$X2GO_KEY" sound=true >/dev/null || fail "profile add with sound failed"
pass "three profiles written with tether x2go profile add (cli profile: $id)"

"${x2go[@]}" --list-profiles >"$tmp/profiles" 2>"$tmp/err" || fail "--list-profiles: $(cat "$tmp/err")"
grep -qx "Profile ID: $id" "$tmp/profiles" && grep -qx "Profile Name: cli profile" "$tmp/profiles" &&
    grep -qx "  cmd: xterm" "$tmp/profiles" && grep -qx "  server: \['$X2GO_HOST'\]" "$tmp/profiles" ||
    fail "--list-profiles output: $(cat "$tmp/profiles")"
pass "--list-profiles shows the profiles and the session settings they give"

# ---- errors
"${x2go[@]}" -P "no such profile" -L >/dev/null 2>"$tmp/err"; rc=$?
[[ $rc == 1 ]] && grep -q "no such profile" "$tmp/err" || fail "unknown profile: rc $rc: $(cat "$tmp/err")"
"${x2go[@]}" -P "with sound" -L >/dev/null 2>"$tmp/err"; rc=$?
[[ $rc == 3 ]] && grep -q "with sound" "$tmp/err" && grep -q "snd_system" "$tmp/err" ||
    fail "a profile asking for sound: rc $rc: $(cat "$tmp/err")"
"${x2go[@]}" -P "cli profile" a.example b.example -L >/dev/null 2>"$tmp/err"; rc=$?
[[ $rc == 2 ]] || fail "-P with two servers: rc $rc: $(cat "$tmp/err")"
"$tool" x2go --client-rootdir "$tmp/nothing-here" -P "cli profile" -L >/dev/null 2>"$tmp/err"; rc=$?
[[ $rc == 1 ]] || fail "-P with an empty client root dir: rc $rc"
pass "an unknown profile (1), a profile asking for sound (3), two servers with -P (2)"

# ---- options given replace the profile's
"${x2go[@]}" -P "with sound" --sound none -L >/dev/null 2>"$tmp/err" ||
    fail "--sound none on a profile with sound: $(cat "$tmp/err")"
"${x2go[@]}" -P "elsewhere" "$X2GO_HOST" -p "$X2GO_PORT" -L --json >"$tmp/else.json" 2>"$tmp/err" ||
    fail "host and port replacing the profile's: $(cat "$tmp/err")"
/usr/bin/python3 - "$tmp/else.json" "$X2GO_HOST" "$X2GO_PORT" "$X2GO_USER" <<'EOF' || fail "-P elsewhere -L --json: $(cat "$tmp/else.json")"
import json, sys
doc = json.load(open(sys.argv[1]))
assert len(doc) == 1 and "error" not in doc[0], doc
assert doc[0]["server"] == sys.argv[2] and doc[0]["port"] == int(sys.argv[3]), doc
assert doc[0]["username"] == sys.argv[4], doc
EOF
pass "--sound none, and a host and port given replace the profile's"

# ---- -P -N: a session from the profile, in the foreground
start_fg "$tmp/n.log" -P "cli profile" -N
wait_for 60 grep -qs "started on" "$tmp/n.log" || fail "-P -N did not start: $(cat "$tmp/n.log")"
name=$(session_in_log "$tmp/n.log")
started+=("$name")
[[ $name == "$X2GO_USER"-*_stRxterm_* ]] || fail "session name $name: not the profile's xterm"
grep -q "started on $X2GO_HOST:$X2GO_PORT" "$tmp/n.log" || fail "-N output: $(cat "$tmp/n.log")"
[[ $(status_of "$name") == R ]] || fail "$name is not R after -P -N"
wait_for 30 window_of "$name" || fail "no window of $name on $X2GO_CLIENT_DISPLAY"
exited "$fg_pid" && fail "-P -N did not stay in the foreground"
pass "-P -N: $name runs (R), window on $X2GO_CLIENT_DISPLAY"

"${x2go[@]}" -P "cli profile" -L >"$tmp/list" 2>"$tmp/err" || fail "-P -L: $(cat "$tmp/err")"
grep -qx "Session Name: $name" "$tmp/list" && grep -qx "status: R" "$tmp/list" &&
    grep -q "^Host: $X2GO_HOST" "$tmp/list" || fail "-P -L output: $(cat "$tmp/list")"
pass "-P -L lists $name as R"

# ---- -S, -R and -T by profile
"${x2go[@]}" -P "cli profile" -S "$name" >"$tmp/s.out" 2>&1 || fail "-P -S: $(cat "$tmp/s.out")"
[[ $(status_of "$name") == S ]] || fail "$name is not S after -P -S"
wait_for 30 exited "$fg_pid" || fail "-N did not exit when $name was suspended"
wait "$fg_pid"; rc=$?
[[ $rc == 0 ]] && grep -q "suspended" "$tmp/n.log" || fail "-N after -S: rc $rc: $(cat "$tmp/n.log")"
pass "-P -S suspends $name; the foreground -N ends (0)"

start_fg "$tmp/r.log" -P "cli profile" -R "$name"
wait_for 60 grep -qs "resumed on" "$tmp/r.log" || fail "-P -R did not resume: $(cat "$tmp/r.log")"
[[ $(status_of "$name") == R ]] || fail "$name is not R after -P -R"
wait_for 30 window_of "$name" || fail "no window of $name after -P -R"
pass "-P -R resumes $name (R, window back)"

"${x2go[@]}" -P "cli profile" -T "$name" >"$tmp/t.out" 2>&1 || fail "-P -T: $(cat "$tmp/t.out")"
[[ -z $(status_of "$name") ]] || fail "$name still listed after -P -T"
wait_for 30 exited "$fg_pid" || fail "-R did not exit when $name was terminated"
wait "$fg_pid"; rc=$?
[[ $rc == 0 ]] || fail "-R after -T: rc $rc: $(cat "$tmp/r.log")"
pass "-P -T terminates $name; the foreground -R ends (0)"

# ---- a command given replaces the profile's
start_fg "$tmp/c.log" -P "cli profile" -c xeyes -N
wait_for 60 grep -qs "started on" "$tmp/c.log" || fail "-P -c xeyes did not start: $(cat "$tmp/c.log")"
name=$(session_in_log "$tmp/c.log")
started+=("$name")
[[ $name == *_stRxeyes_* ]] || fail "-c xeyes: session $name"
"${x2go[@]}" -P "cli profile" -T "$name" >/dev/null 2>&1 || fail "-P -T $name"
wait_for 30 exited "$fg_pid" || fail "-N (xeyes) did not exit"
[[ -z $(status_of "$name") ]] || fail "$name still listed"
pass "-P -c xeyes runs xeyes instead of the profile's xterm ($name)"

echo "PASS: tether x2go -P against the real X2Go peer"
