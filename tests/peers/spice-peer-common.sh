#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# What spice-peer.sh (QEMU) and spice-test-server.sh (tether-test-spice-server)
# share: messages, quoting, process state, the state lock, status/env/list.
# Sourced after the script sets PROG, STATE and DEFAULT_INSTANCE, and defines
# instance_pid NAME (prints the pid of a live instance, fails otherwise).

say() { printf '%s: %s\n' "$PROG" "$*" >&2; }

die() { say "error: $1"; exit "${2:-1}"; }  # MESSAGE [STATUS]

usage() {
    sed -n '2,/^$/s/^# \{0,1\}//p' "$0" >&2   # the comment block above
    exit 2
}

# openssl with its progress noise kept in a log that is shown on failure.
ossl() {
    openssl "$@" 2>>"$OSSL_LOG" || die "openssl $1 failed: $(tail -n 5 "$OSSL_LOG")"
}

# Quote a value for KEY=VALUE output: bare when harmless, else single-quoted.
shq() {
    if [[ $1 =~ ^[A-Za-z0-9_./:=,@%+-]*$ ]]; then
        printf '%s' "$1"
    else
        printf "'%s'" "${1//\'/\'\\\'\'}"
    fi
}

valid_name() { [[ $1 =~ ^[A-Za-z0-9_][A-Za-z0-9._-]*$ ]]; }

# State letter of PID from /proc/PID/stat (the command name may contain ") ").
proc_state() {
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    stat=${stat##*) }
    printf '%s' "${stat%% *}"
}

# Has PID finished: gone, or a zombie none of whose threads still run (so its
# sockets are closed)?  kill -0 would succeed on a zombie.
proc_done() {
    local state tasks
    state=$(proc_state "$1") || return 0
    [[ $state == [ZX] ]] || return 1
    tasks=(/proc/"$1"/task/*)
    ((${#tasks[@]} <= 1))
}

lock_state() {
    mkdir -p "$STATE"
    exec {LOCK_FD}>"$STATE/.lock"
    flock -w 600 "$LOCK_FD" || die "timed out waiting for $STATE/.lock"
}

cmd_list() {
    local d name pid uri
    for d in "$STATE"/*/; do
        [[ -d $d ]] || continue
        d=${d%/}; name=${d##*/}
        if pid=$(instance_pid "$name"); then
            # shellcheck source=/dev/null
            uri=$(. "$d/env" 2>/dev/null && printf '%s' "$SPICE_URI")
            echo "$name running $pid $uri"
        else
            echo "$name stopped"
        fi
    done
}

cmd_status() {
    local name=${1:-$DEFAULT_INSTANCE} pid
    valid_name "$name" || die "bad instance name: $name" 2
    if pid=$(instance_pid "$name"); then echo "running $pid"; else echo stopped; return 1; fi
}

cmd_env() {
    local name=${1:-$DEFAULT_INSTANCE}
    valid_name "$name" || die "bad instance name: $name" 2
    if ! instance_pid "$name" >/dev/null || [[ ! -f $STATE/$name/env ]]; then
        die "$name is not running"
    fi
    cat "$STATE/$name/env"
}

# write_env DIR NAME PID URI SPEC KEY VALUE…: the instance's KEY=VALUE lines
# (quoted for eval) into DIR/env, its option spec into DIR/spec, then print them.
write_env() {
    local dir=$1 name=$2 pid=$3 uri=$4 spec=$5 i
    shift 5
    local kv=("$@")
    : >"$dir/env.tmp"
    for ((i = 0; i < ${#kv[@]}; i += 2)); do
        printf '%s=%s\n' "${kv[i]}" "$(shq "${kv[i + 1]}")" >>"$dir/env.tmp"
    done
    printf '%s\n' "$spec" >"$dir/spec"
    mv "$dir/env.tmp" "$dir/env"
    say "$name running (pid $pid) at $uri"
    cat "$dir/env"
}
