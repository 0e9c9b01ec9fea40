#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# x2go-stop-commands.sh — how many remote commands `tether x2go -S NAME` and `-T NAME`
# (by server and by profile, and ALL) run on the real X2Go peer, counted on both sides:
#   client  the exec channels it opens (G_MESSAGES_DEBUG: Tether-Ssh "exec: …" lines)
#           and what each was (Tether-X2go "running WHAT" lines);
#   server  the peer sshd's own log (LogLevel VERBOSE): "Starting session: command"
#           lines of the connection the command made (matched by its source port).
# Expected: the connect's three queries (x2gofeaturelist, x2goversion and
# x2golistsessions, at once), then the command and one x2golistsessions that
# confirms it; NAME is looked up in the connect's listing, not listed again. A name
# the server does not have, and a suspend of a suspended session, cost the connect's
# queries alone. Terminates only the sessions it started, by name.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/x2go-testlib.sh"

dir="$tmp/x2goclient"
x2go=("$tool" x2go --server "$X2GO_HOST" -p "$X2GO_PORT" -u "$X2GO_USER" -i "$X2GO_KEY"
    --known-hosts "$X2GO_KNOWN_HOSTS" --display "$X2GO_CLIENT_DISPLAY" --sessions-root "$tmp/sessions")
by_profile=("$tool" x2go --client-rootdir "$dir" --known-hosts "$X2GO_KNOWN_HOSTS"
    --display "$X2GO_CLIENT_DISPLAY" --sessions-root "$tmp/sessions" -P "stop profile")

# start_session: a session shown by a foreground tether x2go -N (x2goserver ends
# sessions that were never shown when they are suspended); its name in $name.
start_session() {
    local log=$tmp/n$((${#started[@]} + 1)).log
    start_fg "$log" -N -c xterm
    wait_for 60 grep -qs "started on" "$log" || fail "-N did not start: $(cat "$log")"
    name=$(session_in_log "$log")
    started+=("$name")
    [[ $(status_of "$name") == R ]] || fail "$name is not R after -N"
}

# counted LABEL EXPECTED_RC CMD...: runs CMD with the debug log; sets $log and
# $client_execs, $client_cmds ("what" of every command, sorted, comma-separated),
# $server_execs (exec requests of its connection in the peer sshd's log).
counted() {
    local label=$1 want_rc=$2 rc mark ports port
    shift 2
    log=$tmp/$label.log
    mark=$(wc -l <"$X2GO_SSHD_LOG")
    G_MESSAGES_DEBUG=Tether-X2go,Tether-Ssh "$@" >"$log" 2>&1; rc=$?
    [[ $rc == "$want_rc" ]] || fail "$label: exit status $rc, not $want_rc: $(grep -v DEBUG "$log")"
    client_execs=$(grep -c 'Tether-Ssh-DEBUG.* exec: ' "$log")
    client_cmds=$(sed -n 's/.*Tether-X2go-DEBUG.*: running \([a-z0-9-]*\)$/\1/p' "$log" | sort | paste -sd, -)
    # The connections accepted since the mark: the command's own alone (the
    # foreground client's connection is older).
    ports=$(tail -n +"$((mark + 1))" "$X2GO_SSHD_LOG" |
        sed -n "s/.*Accepted publickey for $X2GO_USER from [0-9.]* port \([0-9]*\) .*/\1/p")
    [[ $(wc -w <<<"$ports") == 1 ]] || fail "$label: expected one new connection in the sshd log, saw: $ports"
    port=$ports
    server_execs=$(tail -n +"$((mark + 1))" "$X2GO_SSHD_LOG" |
        grep -c "Starting session: command .* port $port ")
}

# expect LABEL EXECS COMMANDS: the counts of the last `counted` run.
expect() {
    local label=$1 want=$2 want_cmds=$3
    [[ $client_execs == "$want" ]] ||
        fail "$label: $client_execs exec channels, not $want ($client_cmds)"
    [[ $client_cmds == "$want_cmds" ]] || fail "$label: commands $client_cmds, not $want_cmds"
    [[ $server_execs == "$want" ]] ||
        fail "$label: the server started $server_execs commands, not $want ($client_cmds)"
}

connect_cmds=x2gofeaturelist,x2golistsessions,x2goversion

# ---- by server: -S NAME, -S NAME again, -T NAME, -T NAME again
start_session
counted suspend 0 "${x2go[@]}" -S "$name"
[[ $(status_of "$name") == S ]] || fail "$name is not S after -S"
grep -q "X2Go session $name on .* has been suspended" "$log" || fail "-S output: $(grep -v DEBUG "$log")"
expect "-S $name" 5 x2gofeaturelist,x2golistsessions,x2golistsessions,x2gosuspend-session,x2goversion
pass "-S NAME: 5 remote commands (connect 3, x2gosuspend-session, 1 listing to confirm), client and server agree"
wait_for 30 exited "$fg_pid" || fail "-N did not exit after -S"

counted suspend-again 0 "${x2go[@]}" -S "$name"
grep -q "suspended already" "$log" || fail "-S of a suspended session: $(grep -v DEBUG "$log")"
expect "-S $name (suspended)" 3 "$connect_cmds"
pass "-S NAME of a suspended session: the connect's 3 commands only"

counted terminate 0 "${x2go[@]}" -T "$name"
[[ -z $(status_of "$name") ]] || fail "$name still listed after -T"
grep -q "X2Go session $name on .* has been terminated" "$log" || fail "-T output: $(grep -v DEBUG "$log")"
expect "-T $name" 5 x2gofeaturelist,x2golistsessions,x2golistsessions,x2goterminate-session,x2goversion
pass "-T NAME: 5 remote commands (connect 3, x2goterminate-session, 1 listing to confirm)"

counted terminate-gone 1 "${x2go[@]}" -T "$name"
grep -q "no session named $name" "$log" || fail "-T of a gone session: $(grep -v DEBUG "$log")"
expect "-T $name (gone)" 3 "$connect_cmds"
pass "-T of a name the server does not have: refused (status 1), the connect's 3 commands only"

# ---- by profile
"$tool" x2go profile --client-rootdir "$dir" add "stop profile" "host=$X2GO_HOST" "sshport=$X2GO_PORT" \
    "user=$X2GO_USER" "key=$X2GO_KEY" command=xterm >/dev/null || fail "profile add failed"
start_session
counted profile-suspend 0 "${by_profile[@]}" -S "$name"
[[ $(status_of "$name") == S ]] || fail "$name is not S after -P -S"
expect "-P -S $name" 5 x2gofeaturelist,x2golistsessions,x2golistsessions,x2gosuspend-session,x2goversion
wait_for 30 exited "$fg_pid" || fail "-N did not exit after -P -S"
counted profile-terminate 0 "${by_profile[@]}" -T "$name"
[[ -z $(status_of "$name") ]] || fail "$name still listed after -P -T"
expect "-P -T $name" 5 x2gofeaturelist,x2golistsessions,x2golistsessions,x2goterminate-session,x2goversion
pass "-P PROFILE -S/-T NAME: 5 remote commands each"

# ---- ALL: every session of the peer's test user, so only when it holds nothing but ours.
start_session
if [[ $(names) == "$name" ]]; then
    counted suspend-all 0 "${x2go[@]}" -S ALL
    [[ $(status_of "$name") == S ]] || fail "$name not suspended by -S ALL"
    expect "-S ALL" 5 x2gofeaturelist,x2golistsessions,x2golistsessions,x2gosuspend-session,x2goversion
    wait_for 30 exited "$fg_pid" || fail "-N did not exit after -S ALL"
    counted terminate-all 0 "${x2go[@]}" -T ALL
    [[ -z $(status_of "$name") ]] || fail "$name still listed after -T ALL"
    expect "-T ALL" 5 x2gofeaturelist,x2golistsessions,x2golistsessions,x2goterminate-session,x2goversion
    pass "-S ALL / -T ALL of one session: 5 remote commands each"
else
    echo "skip - -S ALL / -T ALL: other sessions of $X2GO_USER are on the peer"
    "${x2go[@]}" -T "$name" >/dev/null 2>&1 || fail "-T $name"
fi

echo "PASS: tether x2go -S/-T remote commands"
