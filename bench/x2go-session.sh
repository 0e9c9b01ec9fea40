#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# x2go-session.sh — a whole X2Go session, side by side in one run against the same
# local peer, for three clients:
#   ssh+nxproxy   bench/x2go-ssh-nxproxy.sh: plain ssh (x2gostartagent, x2goruncommand,
#                 an ssh -L forward) and nxproxy, as docs real-peers.md describes: the floor
#   tether        tether x2go -N / -S NAME / -T NAME (key login)
#   pyhoca-cli    pyhoca-cli -N / -S NAME / -T NAME (password login: its paramiko cannot
#                 load the peer's ed25519 key)
# Three figures per client and run, taken one after the other on one session:
#   start → window  from launching the client until the session's window (an
#                   `xterm -name <marker>`) is mapped (IsViewable) on an Xvfb of this
#                   script's own, polled every 20 ms with xwininfo — the same for all
#   suspend         the whole suspend command (login, suspend, whatever the client checks)
#   terminate       the whole terminate command, on the suspended session
# plus peak RSS by /usr/bin/time -v. The clients take turns, in every order in turn
# (each follows each other equally often), so that drift of a shared machine hits
# all of them alike; after each terminate the script waits until the session's agent
# is gone on the server and SETTLE seconds more (default 2), so that no client starts
# while the previous session is still being torn down. Prints medians and the
# ratios; the raw figures stay in results.tsv when KEEP=1.
#
# Every session it starts is terminated at the end, by name (from the client's output
# and from the session's X2GO-<name> window on the private Xvfb), even on failure or
# Ctrl-C; only processes it started are stopped, by pid.
#
# Usage: bench/x2go-session.sh [BUILD_DIR] [RUNS]   (BUILD_DIR defaults to build/, RUNS to 6)
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
build=${1:-$root/build}
runs=${2:-6}
tool=$build/tools/tether
clients=(ssh+nxproxy tether pyhoca-cli)
WINDOW_TIMEOUT=90     # seconds for a session's window
COMMAND_TIMEOUT=60    # seconds for a suspend or terminate command
FG_EXIT_WAIT=10       # seconds the foreground client may take to exit after the suspend
SETTLE=${SETTLE:-2}   # seconds of quiet after a session's agent is gone
orders=("0 1 2" "1 2 0" "2 0 1" "0 2 1" "2 1 0" "1 0 2")   # every order of the clients

die() { echo "x2go-session: $*" >&2; exit 1; }

[[ $runs =~ ^[1-9][0-9]?$ ]] || die "RUNS must be 1..99"
for p in pyhoca-cli nxproxy xwininfo Xvfb ssh; do
    command -v "$p" >/dev/null || die "$p is missing (see bench/README.md)"
done
[[ -x /usr/bin/time ]] || die "/usr/bin/time is missing (apt-get install time)"
[[ -x $tool ]] || die "$tool is not built"

eval "$("$root/tests/peers/x2go-peer.sh" start)" || die "tests/peers/x2go-peer.sh start failed"
export X2GO_HOST X2GO_PORT X2GO_USER X2GO_KEY X2GO_KNOWN_HOSTS

tmp=$(mktemp -d /tmp/tether-bench-session.XXXXXX)
names_file=$tmp/names          # every session name seen, one per line
: >"$names_file"
xvfb_pid=
display=
fg_pid=                        # the foreground client of the current run
fg_log=                        # its output, while it starts
# What the clients print once the server made the session (x2gostartagent returned).
name_pattern='X2Go session [A-Za-z0-9._@-]+ started|Using session [A-Za-z0-9._@-]+ as master'
failures=0

ssh_peer=(ssh -n -F /dev/null -p "$X2GO_PORT" -o StrictHostKeyChecking=yes -o GlobalKnownHostsFile=/dev/null
    -o UserKnownHostsFile="$X2GO_KNOWN_HOSTS" -o IdentityAgent=none -o IdentitiesOnly=yes
    -o BatchMode=yes -o LogLevel=ERROR -i "$X2GO_KEY" "$X2GO_USER@$X2GO_HOST")
tether_x2go=("$tool" x2go --server "$X2GO_HOST" -p "$X2GO_PORT" -u "$X2GO_USER" -i "$X2GO_KEY"
    --known-hosts "$X2GO_KNOWN_HOSTS")
mkdir -p "$tmp/home/.ssh"
cp "$X2GO_KNOWN_HOSTS" "$tmp/home/.ssh/known_hosts"
pyhoca=(env HOME="$tmp/home" pyhoca-cli --server "$X2GO_HOST" -p "$X2GO_PORT" -u "$X2GO_USER"
    --password "$X2GO_PASSWORD" --force-password)

valid_name() { [[ $1 =~ ^[A-Za-z0-9._@-]+$ ]]; }
note_name() { valid_name "$1" && ! grep -qxF "$1" "$names_file" && echo "$1" >>"$names_file"; return 0; }
listed() { "${ssh_peer[@]}" x2golistsessions 2>/dev/null | cut -d'|' -f2 | grep -qxF "$1"; }
status_of() { "${ssh_peer[@]}" x2golistsessions 2>/dev/null | awk -F'|' -v n="$1" '$2 == n { print $5 }'; }
agent_of() { "${ssh_peer[@]}" x2golistsessions 2>/dev/null | awk -F'|' -v n="$1" '$2 == n { print $1 }'; }
# wait_agent_gone PID: until the agent process has ended on the server (at most 30 s).
wait_agent_gone() {
    [[ $1 =~ ^[0-9]+$ ]] || return 0
    "${ssh_peer[@]}" "i=0; while kill -0 $1 2>/dev/null && [ \$i -lt 150 ]; do sleep 0.2; i=\$((i + 1)); done"
}
alive() { kill -0 "$1" 2>/dev/null; }
now() { echo "$EPOCHREALTIME"; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
hide_password() { sed "s/$X2GO_PASSWORD/***/g"; }

# descendants PID: every (transitive) child of PID.
descendants() {
    ps -e -o pid= -o ppid= | awk -v root="$1" '
        { parent[$1] = $2 }
        END { for (p in parent) { q = parent[p]
                while (q != "" && q > 1) { if (q == root) { print p; break } q = parent[q] } } }'
}

# stop_tree PID: SIGTERM to PID and all its descendants (listed first: they are
# orphaned once PID is gone), SIGKILL after 5 s.
stop_tree() {
    local pids p i
    alive "$1" || return 0
    mapfile -t pids < <(descendants "$1")
    pids+=("$1")
    kill -TERM "${pids[@]}" 2>/dev/null
    for ((i = 0; i < 50; i++)); do
        local left=()
        for p in "${pids[@]}"; do alive "$p" && left+=("$p"); done
        ((${#left[@]})) || break
        sleep 0.1
    done
    for p in "${pids[@]}"; do alive "$p" && kill -KILL "$p" 2>/dev/null; done
    wait "$1" 2>/dev/null
    return 0
}

# stop_client: stops the foreground client. One still starting may have the
# server make its session right now: it may say the session's name first
# (bounded), so that the session can be terminated by name.
stop_client() {
    local i
    [[ -n $fg_pid ]] || return 0
    if [[ -n $fg_log ]]; then
        for ((i = 0; i < 450; i++)); do
            alive "$fg_pid" || break
            grep -qE "$name_pattern" "$fg_log" 2>/dev/null && break
            ((i % 50)) || echo "# waiting for the starting client to name its session"
            sleep 0.1
        done
    fi
    stop_tree "$fg_pid"
    fg_pid=
    fg_log=
}

cleanup() {
    local name
    trap '' INT TERM
    stop_client
    # Names from the clients' output, too (a client may die before its window).
    grep -hoE "$name_pattern" "$tmp"/*.log 2>/dev/null | awk '{ print $3 }' |
        while read -r name; do note_name "$name"; done
    while read -r name; do
        valid_name "$name" || continue
        if listed "$name"; then
            echo "# cleanup: terminating $name"
            "${ssh_peer[@]}" "x2goterminate-session $name" >/dev/null 2>&1
        fi
    done <"$names_file"
    [[ -z $xvfb_pid ]] || stop_tree "$xvfb_pid"
    if [[ ${KEEP:-0} == 1 ]]; then echo "# kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- a private Xvfb: only this script's windows are on it
start_xvfb() {
    local d i
    for ((d = 150; d < 250; d++)); do
        [[ -e /tmp/.X$d-lock || -e /tmp/.X11-unix/X$d ]] && continue
        Xvfb ":$d" -screen 0 1280x1024x24 -nolisten tcp -noreset >"$tmp/xvfb.log" 2>&1 &
        xvfb_pid=$!
        for ((i = 0; i < 100; i++)); do
            alive "$xvfb_pid" || break
            xwininfo -root -display ":$d" >/dev/null 2>&1 && { display=:$d; return 0; }
            sleep 0.05
        done
        stop_tree "$xvfb_pid"
        xvfb_pid=
    done
    die "could not start an Xvfb"
}
start_xvfb

# window_state MARKER: prints "mapped" once the xterm named MARKER is viewable;
# notes the X2GO-<session> windows it sees.
window_state() {
    local tree id name
    tree=$(xwininfo -root -tree -display "$display" 2>/dev/null) || return 1
    for name in $(grep -oE '"X2GO-[A-Za-z0-9._@-]+"' <<<"$tree" | tr -d '"'); do
        note_name "${name#X2GO-}"
    done
    id=$(awk -v m="(\"$1\" \"XTerm\")" 'index($0, m) { print $1; exit }' <<<"$tree")
    [[ -n $id ]] && xwininfo -id "$id" -display "$display" 2>/dev/null | grep -q 'Map State: IsViewable' &&
        echo mapped
    return 0
}

# The session on the private Xvfb (there is one at a time).
current_session() {
    xwininfo -root -tree -display "$display" 2>/dev/null | grep -oE '"X2GO-[A-Za-z0-9._@-]+"' |
        tr -d '"' | sed 's/^X2GO-//' | head -1
}

launch() {
    local client=$1 marker=$2 log=$3 timefile=$4
    local cmd="xterm -name $marker"
    case $client in
    ssh+nxproxy)
        /usr/bin/time -v -o "$timefile" env DISPLAY="$display" NX_SESSIONS_ROOT="$tmp/nx-ssh" \
            "$here/x2go-ssh-nxproxy.sh" start "$cmd" >"$log" 2>&1 &
        ;;
    tether)
        /usr/bin/time -v -o "$timefile" "${tether_x2go[@]}" --display "$display" \
            --sessions-root "$tmp/nx-tether" -N -c "$cmd" >"$log" 2>&1 &
        ;;
    pyhoca-cli)
        /usr/bin/time -v -o "$timefile" env DISPLAY="$display" "${pyhoca[@]}" -N -c "$cmd" \
            --sound none >"$log" 2>&1 &
        ;;
    esac
    fg_pid=$!
    fg_log=$log
}

# control CLIENT suspend|terminate NAME LOG TIMEFILE
control() {
    local client=$1 action=$2 name=$3 log=$4 timefile=$5 flag
    flag=$([[ $action == suspend ]] && echo -S || echo -T)
    case $client in
    ssh+nxproxy) /usr/bin/time -v -o "$timefile" timeout "$COMMAND_TIMEOUT" "$here/x2go-ssh-nxproxy.sh" "$action" "$name" ;;
    tether) /usr/bin/time -v -o "$timefile" timeout "$COMMAND_TIMEOUT" "${tether_x2go[@]}" "$flag" "$name" ;;
    pyhoca-cli) /usr/bin/time -v -o "$timefile" timeout "$COMMAND_TIMEOUT" env DISPLAY="$display" "${pyhoca[@]}" "$flag" "$name" ;;
    esac >"$log" 2>&1
}

max_rss() { awk -F': ' '/Maximum resident set size/ { print $2 }' "$1" 2>/dev/null; }
hwm() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status" 2>/dev/null; }

# The foreground client's own process (the child of /usr/bin/time) and its nxproxy.
client_pid() { descendants "$fg_pid" | while read -r p; do
        [[ $(ps -o ppid= -p "$p" | tr -d ' ') == "$fg_pid" ]] && { echo "$p"; break; }; done; }
nxproxy_pid() { descendants "$fg_pid" | while read -r p; do
        [[ $(ps -o comm= -p "$p") == nxproxy ]] && { echo "$p"; break; }; done; }

results=$tmp/results.tsv
printf 'client\tphase\trun\tseconds\tpeak_rss_kib\n' >"$results"
record() { printf '%s\t%s\t%s\t%s\t%s\n' "$@" >>"$results"; }
fail_run() { echo "  FAILED: $*" >&2; failures=$((failures + 1)); }

one_run() {
    local client=$1 run=$2 tag=${1%%[+-]*}
    local marker="tbw${run}${tag}$$" base="$tmp/$tag-$run" t0 t1 state='' name i pid fg_rss rc agent
    local deadline=$((EPOCHSECONDS + WINDOW_TIMEOUT))
    echo "# run $run: $client"

    t0=$(now)
    launch "$client" "$marker" "$base-start.log" "$base-start.time"
    while :; do
        state=$(window_state "$marker")
        [[ $state == mapped ]] && break
        alive "$fg_pid" || break
        ((EPOCHSECONDS < deadline)) || break
        sleep 0.02
    done
    t1=$(now)
    if [[ $state != mapped ]]; then
        fail_run "$client: no window after $(elapsed "$t0" "$t1") s: $(tail -3 "$base-start.log" | hide_password)"
        stop_client
        return
    fi
    name=$(current_session)
    valid_name "$name" || { fail_run "$client: no X2GO-<session> window"; stop_client; return; }
    note_name "$name"
    fg_log=
    record "$client" start "$run" "$(elapsed "$t0" "$t1")" ""
    pid=$(client_pid)
    [[ -z $pid ]] || record "$client" client-hwm "$run" "" "$(hwm "$pid")"
    pid=$(nxproxy_pid)
    [[ -z $pid ]] || record "$client" nxproxy-hwm "$run" "" "$(hwm "$pid")"
    echo "  window after $(elapsed "$t0" "$t1") s ($name)"
    agent=$(agent_of "$name")

    t0=$(now)
    control "$client" suspend "$name" "$base-suspend.log" "$base-suspend.time"; rc=$?
    t1=$(now)
    if ((rc != 0)) || [[ $(status_of "$name") != S ]]; then
        fail_run "$client: suspend (rc $rc): $(tail -3 "$base-suspend.log" | hide_password)"
    else
        record "$client" suspend "$run" "$(elapsed "$t0" "$t1")" "$(max_rss "$base-suspend.time")"
        echo "  suspend $(elapsed "$t0" "$t1") s"
    fi
    # The foreground client should leave by itself now; pyhoca-cli tends to linger.
    for ((i = 0; i < FG_EXIT_WAIT * 10; i++)); do alive "$fg_pid" || break; sleep 0.1; done
    if alive "$fg_pid"; then
        echo "  ($client still in the foreground $FG_EXIT_WAIT s after the suspend: stopped)"
        stop_tree "$fg_pid"
    fi
    wait "$fg_pid" 2>/dev/null
    fg_rss=$(max_rss "$base-start.time")
    [[ -z $fg_rss ]] || record "$client" foreground-rss "$run" "" "$fg_rss"
    fg_pid=

    t0=$(now)
    control "$client" terminate "$name" "$base-terminate.log" "$base-terminate.time"; rc=$?
    t1=$(now)
    if ((rc != 0)) || listed "$name"; then
        fail_run "$client: terminate (rc $rc): $(tail -3 "$base-terminate.log" | hide_password)"
    else
        record "$client" terminate "$run" "$(elapsed "$t0" "$t1")" "$(max_rss "$base-terminate.time")"
        echo "  terminate $(elapsed "$t0" "$t1") s"
    fi
    # The next client starts on an empty screen and a quiet server.
    for ((i = 0; i < 100; i++)); do [[ -z $(current_session) ]] && break; sleep 0.1; done
    wait_agent_gone "$agent"
    sleep "$SETTLE"
}

echo "# X2Go peer $X2GO_HOST:$X2GO_PORT, client display $display, $runs runs, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for ((run = 1; run <= runs; run++)); do
    for k in ${orders[$(((run - 1) % ${#orders[@]}))]}; do
        one_run "${clients[$k]}" "$run"
    done
done
echo "# load at the end $(cut -d' ' -f1-3 /proc/loadavg)"

/usr/bin/python3 - "$results" <<'EOF'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
clients = ["ssh+nxproxy", "tether", "pyhoca-cli"]
def values(client, phase, key):
    return [float(r[key]) for r in rows if r["client"] == client and r["phase"] == phase and r[key]]
med = {}
print()
print("%-12s %-15s %8s %8s %8s %8s %3s" % ("client", "phase", "median", "mean", "min", "max", "n"))
for phase in ["start", "suspend", "terminate"]:
    for c in clients:
        v = values(c, phase, "seconds")
        if not v:
            print("%-12s %-15s %8s" % (c, phase, "-"))
            continue
        med[c, phase] = statistics.median(v)
        print("%-12s %-15s %7.2fs %7.2fs %7.2fs %7.2fs %3d" % (
            c, "start → window" if phase == "start" else phase, med[c, phase],
            statistics.mean(v), min(v), max(v), len(v)))
print()
print("Ratios of medians (>1: slower):")
for phase in ["start", "suspend", "terminate"]:
    parts = []
    if ("tether", phase) in med and ("ssh+nxproxy", phase) in med:
        parts.append("tether / ssh+nxproxy %.2fx" % (med["tether", phase] / med["ssh+nxproxy", phase]))
    if ("tether", phase) in med and ("pyhoca-cli", phase) in med:
        parts.append("pyhoca-cli / tether %.2fx" % (med["pyhoca-cli", phase] / med["tether", phase]))
    print("  %-10s %s" % (phase, ";  ".join(parts)))
print()
print("Peak RSS, medians in MiB (/usr/bin/time -v: the largest single process of the command's tree;")
print("VmHWM: the client's own process and its nxproxy, read when the window was up):")
for c in clients:
    def m(phase):
        v = values(c, phase, "peak_rss_kib")
        return "%.1f" % (statistics.median(v) / 1024) if v else "-"
    print("  %-12s foreground %6s, client itself %6s, its nxproxy %6s, suspend cmd %6s, terminate cmd %6s" % (
        c, m("foreground-rss"), m("client-hwm"), m("nxproxy-hwm"), m("suspend"), m("terminate")))
EOF
if ((failures)); then
    echo "x2go-session: $failures step(s) failed" >&2
    exit 1
fi
