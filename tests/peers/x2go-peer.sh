#!/bin/bash
# x2go-peer.sh — a real X2Go server (x2goserver behind its own sshd) on 127.0.0.1,
# with a second sshd (PAM, keyboard-interactive; X2GO_KBDINT_PORT) on the same host keys,
# plus a client-side Xvfb for nxproxy, for Tether's integration tests.
#
# Usage: x2go-peer.sh start|stop|status|env
#
#   start   install what is missing, set everything up and start it (idempotent);
#           prints KEY=VALUE lines (safe to eval) on stdout, chatter on stderr
#   stop    stop only what this script started (by pid file), terminate the test
#           user's X2Go sessions and kill the test user's leftover processes
#   status  exit 0 and print the KEY=VALUE lines if running, exit 1 otherwise
#   env     print the KEY=VALUE lines if running (exit 1 otherwise)
#
# Environment: TETHER_PEER_DIR (default /tmp/tether-peers; state goes to $TETHER_PEER_DIR/x2go),
#              X2GO_PEER_USER (default x2gotest), X2GO_PEER_PORT (preferred port, default 2222).
set -euo pipefail

STATE="${TETHER_PEER_DIR:-/tmp/tether-peers}/x2go"
TEST_USER="${X2GO_PEER_USER:-x2gotest}"
PREFERRED_PORT="${X2GO_PEER_PORT:-2222}"
HOST=127.0.0.1

REQUIRED_PKGS=(openssh-server openssh-sftp-server openssh-client x2goserver x2goserver-x2goagent
    x2goserver-xsession x2goserver-extensions nxagent nxproxy xauth xfonts-base x11-xkb-utils
    xvfb x11-apps x11-utils xterm)
# Nice to have (folder sharing, password-login tests); their absence is only a warning.
OPTIONAL_PKGS=(sshfs fuse3 sshpass)

SSHD=/usr/sbin/sshd
XVFB=/usr/bin/Xvfb
CLEANSESSIONS=/usr/sbin/x2gocleansessions

log() { printf 'x2go-peer: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

as_root() { if ((EUID == 0)); then "$@"; else sudo "$@"; fi; }

# ---------------------------------------------------------------- process helpers

# proc_gone PID: true if the process no longer exists or is a zombie.
proc_gone() {
    local st
    st=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
    st=${st##*) }
    [[ ${st%% *} == [ZX] ]]
}

# pid_matches PID EXE MARKER: PID is alive (not a zombie), runs EXE (when /proc/PID/exe is
# readable) and its command line contains MARKER.
pid_matches() {
    local pid=$1 exe=$2 marker=$3 real cmd
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    ! proc_gone "$pid" || return 1
    if real=$(readlink "/proc/$pid/exe" 2>/dev/null); then
        [[ ${real% (deleted)} == "$exe" ]] || return 1
    fi
    cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
    [[ $cmd == *"$marker"* ]]
}

# pidfile_alive FILE EXE MARKER: prints the pid if FILE names a matching live process.
pidfile_alive() {
    local pid
    [[ -r $1 ]] || return 1
    pid=$(head -n1 "$1" 2>/dev/null | tr -dc 0-9)
    pid_matches "$pid" "$2" "$3" || return 1
    printf '%s\n' "$pid"
}

# descendants PID: all (transitive) children of PID, found via the ppid column.
descendants() {
    ps -e -o pid= -o ppid= | awk -v root="$1" '
        { parent[$1] = $2 }
        END {
            for (p in parent) {
                q = parent[p]
                while (q != "" && q > 1) { if (q == root) { print p; break } q = parent[q] }
            }
        }'
}

# terminate PID...: SIGTERM, wait up to 5 s, then SIGKILL and wait up to 2 s more.
terminate() {
    local pids=() p i
    for p in "$@"; do proc_gone "$p" || pids+=("$p"); done
    ((${#pids[@]})) || return 0
    as_root kill -TERM "${pids[@]}" 2>/dev/null || true
    for ((i = 0; i < 70; i++)); do
        local left=()
        for p in "${pids[@]}"; do proc_gone "$p" || left+=("$p"); done
        ((${#left[@]})) || return 0
        if ((i == 50)); then
            log "sending SIGKILL to ${left[*]}"
            as_root kill -KILL "${left[@]}" 2>/dev/null || true
        fi
        sleep 0.1
    done
    log "WARNING: processes still alive: ${left[*]}"
}

# stop_pidfile FILE EXE MARKER NAME: stops the process (and its descendants) named by FILE.
stop_pidfile() {
    local pid kids
    if pid=$(pidfile_alive "$1" "$2" "$3"); then
        kids=$(descendants "$pid")
        log "stopping $4 (pid $pid)"
        # shellcheck disable=SC2086  # kids is a list of numbers
        terminate "$pid" $kids
    fi
    as_root rm -f "$1"
}

# spawn [--root] PIDFILE LOGFILE CMD...: start CMD detached in its own session (as root with
# --root); its pid goes to PIDFILE. A simple command put in the background, so no shell lingers.
spawn() {
    local prefix=()
    if [[ $1 == --root ]]; then
        ((EUID == 0)) || prefix=(sudo)
        shift
    fi
    local pidfile=$1 logfile=$2
    shift 2
    # shellcheck disable=SC2016  # $$ and $@ are for the inner shell
    "${prefix[@]}" setsid sh -c 'echo $$ >"$0"; exec "$@"' "$pidfile" "$@" </dev/null >>"$logfile" 2>&1 9>&- &
}

# wait_for SECONDS CMD...: poll CMD every 0.1 s until it succeeds.
wait_for() {
    local n=$(($1 * 10))
    shift
    while ((n-- > 0)); do
        "$@" && return 0
        sleep 0.1
    done
    return 1
}

# ---------------------------------------------------------------- setup steps

install_packages() {
    local missing=() p
    for p in "${REQUIRED_PKGS[@]}" "${OPTIONAL_PKGS[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q ' installed$' || missing+=("$p")
    done
    ((${#missing[@]})) || return 0
    log "installing: ${missing[*]}"
    local apt=(env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends)
    as_root "${apt[@]}" "${missing[@]}" >&2 && return 0
    log "install failed; running apt-get update once and retrying"
    as_root apt-get update -q >&2 || true
    as_root "${apt[@]}" "${missing[@]}" >&2 && return 0
    # Retry with the required packages only, so a missing optional one is not fatal.
    local required=()
    for p in "${missing[@]}"; do
        [[ " ${OPTIONAL_PKGS[*]} " == *" $p "* ]] || required+=("$p")
    done
    if ((${#required[@]})); then
        as_root "${apt[@]}" "${required[@]}" >&2 || die "could not install: ${required[*]}"
    fi
    log "WARNING: optional packages not installed: ${missing[*]}"
}

# random_word N: N random alphanumerics (eval-safe by construction).
random_word() { LC_ALL=C tr -dc 'A-Za-z0-9' </dev/urandom | head -c "$1" || true; }

setup_user() {
    if ! id "$TEST_USER" >/dev/null 2>&1; then
        log "creating user $TEST_USER"
        as_root useradd -m -s /bin/bash "$TEST_USER"
    fi
    [[ -s $STATE/password ]] || random_word 16 >"$STATE/password"
    # With UsePAM no, sshd refuses even key logins to a locked account: always set the password.
    printf '%s:%s\n' "$TEST_USER" "$(cat "$STATE/password")" | as_root chpasswd
}

setup_keys() {
    local t
    mkdir -p "$STATE/hostkeys" "$STATE/client"
    for t in ed25519 ecdsa rsa; do
        [[ -s $STATE/hostkeys/ssh_host_${t}_key ]] ||
            ssh-keygen -q -t "$t" -N '' -C "tether-x2go-peer-host" -f "$STATE/hostkeys/ssh_host_${t}_key" </dev/null
    done
    [[ -s $STATE/client/id_ed25519 ]] ||
        ssh-keygen -q -t ed25519 -N '' -C tether-x2go-test -f "$STATE/client/id_ed25519" </dev/null
    [[ -s $STATE/client/passphrase ]] || random_word 20 >"$STATE/client/passphrase"
    [[ -s $STATE/client/id_ed25519_pp ]] ||
        ssh-keygen -q -t ed25519 -N "$(cat "$STATE/client/passphrase")" -C tether-x2go-test-pp \
            -f "$STATE/client/id_ed25519_pp" </dev/null

    # Authorize both client keys (added if missing; other lines are kept).
    local home ak group
    home=$(getent passwd "$TEST_USER" | cut -d: -f6)
    group=$(id -gn "$TEST_USER")
    ak="$home/.ssh/authorized_keys"
    as_root install -d -m 0700 -o "$TEST_USER" -g "$group" "$home/.ssh"
    {
        as_root cat "$ak" 2>/dev/null || true
        cat "$STATE/client/id_ed25519.pub" "$STATE/client/id_ed25519_pp.pub"
    } | awk 'NF && !seen[$0]++' >"$STATE/authorized_keys.tmp"
    as_root install -m 0600 -o "$TEST_USER" -g "$group" "$STATE/authorized_keys.tmp" "$ak"
    rm -f "$STATE/authorized_keys.tmp"
}

port_free() { [[ -z $(ss -Hltn "sport = :$1") ]]; }

write_known_hosts() {
    local port t
    : >"$STATE/known_hosts.tmp"
    for port in "$@"; do
        for t in ed25519 ecdsa rsa; do
            printf '[%s]:%s %s\n' "$HOST" "$port" \
                "$(cut -d' ' -f1-2 "$STATE/hostkeys/ssh_host_${t}_key.pub")" >>"$STATE/known_hosts.tmp"
        done
    done
    mv -f "$STATE/known_hosts.tmp" "$STATE/known_hosts"
}

# Two sshds share the host keys: "sshd" (UsePAM no: publickey and password) and
# "sshd-pam" (UsePAM yes, no PasswordAuthentication: publickey and
# keyboard-interactive, which needs PAM behind it).
# sshd writes NAME.daemon.pid itself (and unlinks it when it gets SIGTERM, even if another sshd
# rewrote it meanwhile); the harness tracks its own copy, NAME.pid.
sshd_pid() { local n=${1:-sshd}; pidfile_alive "$STATE/$n.pid" "$SSHD" "$STATE/${n}_config"; }
sshd_listening() {
    local n=$1 port=$2
    [[ -n $(ss -Hltn "src $HOST:$port") ]] &&
        pidfile_alive "$STATE/$n.daemon.pid" "$SSHD" "$STATE/${n}_config" >"$STATE/$n.pid"
}

start_sshd() {
    local n=$1 preferred=$2 pid port pam password
    if pid=$(sshd_pid "$n"); then
        # A state dir from before the second sshd kept the port in "port".
        [[ -f $STATE/$n.port || ! -f $STATE/port ]] || cp "$STATE/port" "$STATE/$n.port"
        log "$n already running (pid $pid, port $(cat "$STATE/$n.port"))"
        return 0
    fi
    case $n in
    sshd) pam=no password=yes ;;
    *) pam=yes password=no ;;
    esac
    as_root mkdir -p -m 0755 /run/sshd
    port=$preferred
    while ! port_free "$port" || [[ $n != sshd && $port == "$(cat "$STATE/sshd.port" 2>/dev/null)" ]]; do
        ((++port < 65000)) || die "no free port found"
    done
    cat >"$STATE/${n}_config" <<EOF
# Generated by x2go-peer.sh: an sshd for Tether's X2Go tests.
ListenAddress $HOST
Port $port
PidFile $STATE/$n.daemon.pid
HostKey $STATE/hostkeys/ssh_host_ed25519_key
HostKey $STATE/hostkeys/ssh_host_ecdsa_key
HostKey $STATE/hostkeys/ssh_host_rsa_key
UsePAM $pam
AllowUsers $TEST_USER
PermitRootLogin no
PubkeyAuthentication yes
PasswordAuthentication $password
KbdInteractiveAuthentication yes
AuthorizedKeysFile .ssh/authorized_keys
AllowTcpForwarding yes
AllowAgentForwarding yes
X11Forwarding no
PrintMotd no
PrintLastLog no
MaxStartups 50
MaxSessions 64
LogLevel VERBOSE
Subsystem sftp /usr/lib/openssh/sftp-server
EOF
    as_root "$SSHD" -t -f "$STATE/${n}_config" || die "sshd rejects $STATE/${n}_config"
    as_root rm -f "$STATE/$n.pid" "$STATE/$n.daemon.pid"
    log "starting $n on $HOST:$port"
    as_root "$SSHD" -f "$STATE/${n}_config" -E "$STATE/$n.log" 9>&-
    wait_for 10 sshd_listening "$n" "$port" || {
        tail -n 20 "$STATE/$n.log" >&2 || true
        die "$n did not come up on port $port"
    }
    echo "$port" >"$STATE/$n.port"
}

xvfb_pid() {
    local d
    d=$(cat "$STATE/display" 2>/dev/null) || return 1
    pidfile_alive "$STATE/xvfb.pid" "$XVFB" ":$d"
}

display_free() {
    [[ ! -e /tmp/.X$1-lock && ! -e /tmp/.X11-unix/X$1 ]] &&
        ! ss -Hxl | grep -q "@/tmp/.X11-unix/X$1[[:space:]]"
}

# clear_stale_display D: Xvfb removes its lock and socket on SIGTERM, not after a SIGKILL;
# remove them when the lock names a process that is gone.
clear_stale_display() {
    local lockpid
    [[ -e /tmp/.X$1-lock ]] || return 0
    lockpid=$(tr -dc 0-9 <"/tmp/.X$1-lock")
    if [[ -n $lockpid ]] && proc_gone "$lockpid"; then
        log "removing the stale lock of display :$1"
        rm -f "/tmp/.X$1-lock" "/tmp/.X11-unix/X$1"
    fi
}

xvfb_ready() {
    xvfb_pid >/dev/null && [[ -S /tmp/.X11-unix/X$1 ]] && xdpyinfo -display ":$1" >/dev/null 2>&1
}

start_xvfb() {
    local pid d
    if pid=$(xvfb_pid); then
        log "Xvfb already running (pid $pid, display :$(cat "$STATE/display"))"
        return 0
    fi
    # Our previous Xvfb may have been killed hard: free its display again.
    [[ ! -s $STATE/display ]] || clear_stale_display "$(cat "$STATE/display")"
    for ((d = 90; d < 200; d++)); do
        display_free "$d" || continue
        echo "$d" >"$STATE/display"
        log "starting Xvfb :$d"
        spawn "$STATE/xvfb.pid" "$STATE/xvfb.log" "$XVFB" ":$d" -screen 0 1280x1024x24 -nolisten tcp -noreset
        wait_for 10 xvfb_ready "$d" && return 0
        # Lost a race for the display (or Xvfb failed): clean up and try the next one.
        stop_pidfile "$STATE/xvfb.pid" "$XVFB" ":$d" Xvfb
    done
    die "could not start Xvfb (see $STATE/xvfb.log)"
}

cleansessions_pid() { pidfile_alive "$STATE/cleansessions.pid" /usr/bin/perl "$CLEANSESSIONS"; }

start_cleansessions() {
    local pid
    if pid=$(cleansessions_pid); then
        log "x2gocleansessions already running (pid $pid)"
        return 0
    fi
    log "starting x2gocleansessions --debug"
    # Runs as root like the real service; --debug keeps it in the foreground.
    spawn --root "$STATE/cleansessions.pid" "$STATE/cleansessions.log" "$CLEANSESSIONS" --debug
    wait_for 5 cleansessions_pid >/dev/null || log "WARNING: x2gocleansessions did not start (optional)"
}

setup_x2go() {
    if [[ ! -e /var/lib/x2go/x2go_sessions ]]; then
        log "creating the X2Go session database"
        as_root x2godbadmin --createdb >&2
    fi
    case "$(hostname)" in
    localhost | '(none)') log "WARNING: hostname '$(hostname)' makes x2golistsessions refuse to work" ;;
    esac
}

# ---------------------------------------------------------------- output

is_running() { sshd_pid sshd >/dev/null && sshd_pid sshd-pam >/dev/null && xvfb_pid >/dev/null; }

# fp_of TYPE: SHA256 fingerprint of the server's host key of that type.
fp_of() { ssh-keygen -l -E sha256 -f "$STATE/hostkeys/ssh_host_$1_key.pub" | cut -d' ' -f2; }

emit_env() {
    {
        printf 'X2GO_HOST=%q\n' "$HOST"
        printf 'X2GO_PORT=%q\n' "$(cat "$STATE/sshd.port")"
        printf 'X2GO_KBDINT_PORT=%q\n' "$(cat "$STATE/sshd-pam.port")"
        printf 'X2GO_USER=%q\n' "$TEST_USER"
        printf 'X2GO_PASSWORD=%q\n' "$(cat "$STATE/password")"
        printf 'X2GO_KEY=%q\n' "$STATE/client/id_ed25519"
        printf 'X2GO_KEY_PASSPHRASED=%q\n' "$STATE/client/id_ed25519_pp"
        printf 'X2GO_KEY_PASSPHRASE=%q\n' "$(cat "$STATE/client/passphrase")"
        printf 'X2GO_KNOWN_HOSTS=%q\n' "$STATE/known_hosts"
        printf 'X2GO_HOST_KEY_FP=%q\n' "$(fp_of ed25519)"
        printf 'X2GO_HOST_KEY_FP_ECDSA=%q\n' "$(fp_of ecdsa)"
        printf 'X2GO_HOST_KEY_FP_RSA=%q\n' "$(fp_of rsa)"
        printf 'X2GO_SERVER_HOSTNAME=%q\n' "$(hostname)"
        printf 'X2GO_CLIENT_DISPLAY=%q\n' ":$(cat "$STATE/display")"
        printf 'X2GO_STATE_DIR=%q\n' "$STATE"
        printf 'X2GO_SSHD_PID=%q\n' "$(sshd_pid sshd)"
        printf 'X2GO_SSHD_PAM_PID=%q\n' "$(sshd_pid sshd-pam)"
        printf 'X2GO_SSHD_LOG=%q\n' "$STATE/sshd.log"
        printf 'X2GO_XVFB_PID=%q\n' "$(xvfb_pid)"
        printf 'X2GO_CLEANSESSIONS_PID=%q\n' "$(cleansessions_pid || true)"
    } >"$STATE/env.tmp"
    mv -f "$STATE/env.tmp" "$STATE/env"
    cat "$STATE/env"
}

# ---------------------------------------------------------------- stop helpers

# Terminate every X2Go session of the test user that the server still lists.
terminate_sessions() {
    id "$TEST_USER" >/dev/null 2>&1 && command -v x2golistsessions >/dev/null || return 0
    # shellcheck disable=SC2016  # expanded by the test user's shell
    as_root su -s /bin/sh - "$TEST_USER" -c '
        { x2golistsessions; x2golistshadowsessions; } 2>/dev/null | cut -d"|" -f2 | while read -r s; do
            [ -n "$s" ] || continue
            echo "x2go-peer: terminating session $s" >&2
            x2goterminate-session "$s"
        done' </dev/null >&2 || log "WARNING: could not list/terminate sessions"
}

# Kill everything still running as the test user (x2gosetkeyboard lingers ~30 s, agents, ...).
kill_user_processes() {
    local uid round pids
    uid=$(id -u "$TEST_USER" 2>/dev/null) || return 0
    for round in 1 2 3; do
        mapfile -t pids < <(pgrep -u "$uid" || true)
        local live=() p
        for p in "${pids[@]}"; do proc_gone "$p" || live+=("$p"); done
        ((${#live[@]})) || break
        log "killing $TEST_USER's processes (round $round): ${live[*]}"
        terminate "${live[@]}"
    done
    # Lock files and sockets of X servers (nxagents) the test user left behind.
    local f d
    for f in /tmp/.X*-lock; do
        [[ -e $f && $(stat -c %u "$f") == "$uid" ]] || continue
        d=${f#/tmp/.X}
        d=${d%-lock}
        as_root rm -f "$f" "/tmp/.X11-unix/X$d"
    done
}

# ---------------------------------------------------------------- commands

cmd_start() {
    # Fast path: everything is up, so touch nothing and print the details again.
    if is_running && cleansessions_pid >/dev/null && [[ -s $STATE/env ]]; then
        log "already running"
        emit_env
        return 0
    fi
    install_packages
    setup_user
    setup_keys
    setup_x2go
    start_sshd sshd "$PREFERRED_PORT"
    start_sshd sshd-pam "$((PREFERRED_PORT + 1))"
    write_known_hosts "$(cat "$STATE/sshd.port")" "$(cat "$STATE/sshd-pam.port")"
    start_xvfb
    start_cleansessions
    emit_env
}

cmd_stop() {
    terminate_sessions
    stop_pidfile "$STATE/cleansessions.pid" /usr/bin/perl "$CLEANSESSIONS" x2gocleansessions
    stop_pidfile "$STATE/sshd.pid" "$SSHD" "$STATE/sshd_config" sshd
    stop_pidfile "$STATE/sshd-pam.pid" "$SSHD" "$STATE/sshd-pam_config" sshd-pam
    local d
    d=$(cat "$STATE/display" 2>/dev/null || true)
    stop_pidfile "$STATE/xvfb.pid" "$XVFB" ":$d" Xvfb
    kill_user_processes
    [[ -z $d ]] || clear_stale_display "$d"
    as_root rm -f "$STATE/env" "$STATE/sshd.daemon.pid" "$STATE/sshd-pam.daemon.pid"
}

main() {
    local cmd=${1:-}
    case "$cmd" in
    start | stop | status | env) ;;
    *)
        echo "usage: $0 start|stop|status|env" >&2
        exit 2
        ;;
    esac
    if [[ $cmd == stop && ! -d $STATE ]]; then
        # Nothing was ever started from this state dir; still sweep the test user's sessions.
        terminate_sessions
        kill_user_processes
        return 0
    fi
    mkdir -p "$STATE"
    chmod 0700 "$STATE"
    # One invocation at a time (suites may call start concurrently).
    exec 9>"$STATE/.lock"
    flock 9
    case "$cmd" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status | env)
        if is_running && [[ -s $STATE/env ]]; then
            cat "$STATE/env"
        else
            [[ $cmd == env ]] && log "not running"
            exit 1
        fi
        ;;
    esac
}

main "$@"
