#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# x2go-ssh-nxproxy.sh — an X2Go session with nothing but OpenSSH and nxproxy, the
# way docs real-peers.md describes it: the floor the X2Go clients are measured
# against by bench/x2go-session.sh.
#
#   start CMD     ssh x2gostartagent; then, at once, ssh x2goruncommand CMD and an
#                 ssh -L forward to the agent's graphics port with nxproxy on it.
#                 Prints "X2Go session NAME started" and stays in the foreground
#                 until nxproxy exits (the session was suspended or terminated).
#   suspend NAME  ssh x2gosuspend-session NAME
#   terminate NAME
#                 ssh x2goterminate-session NAME
#
# Every ssh is a plain login of its own (no connection sharing), with the
# peer's key. Environment: X2GO_HOST, X2GO_PORT, X2GO_USER, X2GO_KEY,
# X2GO_KNOWN_HOSTS (as tests/peers/x2go-peer.sh prints them), DISPLAY (where
# nxproxy draws), NX_SESSIONS_ROOT (where nxproxy's session directories go).
# CMD is one word or words separated by single spaces (each word: [A-Za-z0-9._/-]).
set -euo pipefail

die() { echo "x2go-ssh-nxproxy: $*" >&2; exit 1; }

: "${X2GO_HOST:?}" "${X2GO_PORT:?}" "${X2GO_USER:?}" "${X2GO_KEY:?}" "${X2GO_KNOWN_HOSTS:?}"

ssh_peer=(ssh -n -F /dev/null -p "$X2GO_PORT" -o StrictHostKeyChecking=yes -o GlobalKnownHostsFile=/dev/null
    -o UserKnownHostsFile="$X2GO_KNOWN_HOSTS" -o IdentityAgent=none -o IdentitiesOnly=yes
    -o BatchMode=yes -o LogLevel=ERROR -i "$X2GO_KEY" "$X2GO_USER@$X2GO_HOST")

valid_name() { [[ $1 =~ ^[A-Za-z0-9._@-]+$ ]]; }
is_uint() { [[ $1 =~ ^[0-9]{1,9}$ ]]; }

free_port() {
    /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

listening() { [[ -n $(ss -Hltn "src 127.0.0.1:$1") ]]; }

cmd_start() {
    local cmd=$1 out lines display cookie agent_pid name gr_port snd_port lport root i
    [[ $cmd =~ ^[A-Za-z0-9._/-]+( [A-Za-z0-9._/-]+)*$ ]] || die "bad command: $cmd"
    : "${DISPLAY:?}" "${NX_SESSIONS_ROOT:?}"

    out=$("${ssh_peer[@]}" "X2GO_XINERAMA=false x2gostartagent 800x600 adsl 16m-jpeg-9 unix-kde-depth_24 null auto 1 R ${cmd%% *} both") ||
        die "x2gostartagent failed"
    mapfile -t lines <<<"$out"
    ((${#lines[@]} >= 7)) || die "x2gostartagent printed ${#lines[@]} lines: $out"
    display=${lines[0]} cookie=${lines[1]} agent_pid=${lines[2]} name=${lines[3]}
    gr_port=${lines[4]} snd_port=${lines[5]}
    is_uint "$display" && [[ $cookie =~ ^[0-9a-f]{32}$ ]] && is_uint "$agent_pid" && valid_name "$name" &&
        is_uint "$gr_port" && is_uint "$snd_port" || die "unexpected x2gostartagent output: $out"
    echo "X2Go session $name started (display $display)"

    # The command, with its blanks as x2goruncommand wants them.
    "${ssh_peer[@]}" "setsid x2goruncommand $display $agent_pid $name $snd_port ${cmd// /X2GO_SPACE_CHAR} none R 1>/dev/null 2>/dev/null & exit" &
    local run_pid=$!

    lport=$(free_port)
    "${ssh_peer[@]}" -N -o ExitOnForwardFailure=yes -L "127.0.0.1:$lport:127.0.0.1:$gr_port" &
    local fwd_pid=$!
    # shellcheck disable=SC2064  # the pid is known now
    trap "kill $fwd_pid 2>/dev/null || true" EXIT
    trap "exit 143" TERM INT
    for ((i = 0; i < 1000; i++)); do
        listening "$lport" && break
        kill -0 "$fwd_pid" 2>/dev/null || die "the ssh forward to port $gr_port failed"
        sleep 0.01
    done
    listening "$lport" || die "the ssh forward did not come up"

    root=$NX_SESSIONS_ROOT
    mkdir -p "$root/S-$name"
    NX_CLIENT=/bin/true NX_ROOT="$root" nxproxy -S \
        "nx/nx,retry=5,composite=1,connect=127.0.0.1,clipboard=1,cookie=$cookie,port=$lport,errors=$root/S-$name/session.err:$display" \
        >"$root/S-$name/nxproxy.log" 2>&1 || true
    wait "$run_pid" || die "x2goruncommand failed"
}

case ${1:-} in
start) [[ $# == 2 ]] || die "usage: start CMD"; cmd_start "$2" ;;
suspend | terminate)
    [[ $# == 2 ]] && valid_name "$2" || die "usage: $1 NAME"
    "${ssh_peer[@]}" "x2go$1-session $2"
    ;;
*) die "usage: $0 start CMD | suspend NAME | terminate NAME" ;;
esac
