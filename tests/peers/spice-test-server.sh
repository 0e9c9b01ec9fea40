#!/usr/bin/env bash
# spice-test-server.sh - run tether-test-spice-server (the project's own SPICE server
# with a synthetic picture, tests/spice-server/) on 127.0.0.1 for Tether's tests.
#
# Usage:
#   spice-test-server.sh start [NAME] [OPTIONS]   start instance NAME (default "synthetic"), print KEY=VALUE
#   spice-test-server.sh stop [NAME|--all]        stop one instance (default "synthetic") or all of them
#   spice-test-server.sh status NAME              "running PID" (exit 0) or "stopped" (exit 1)
#   spice-test-server.sh env NAME                 print the KEY=VALUE lines of a running instance
#   spice-test-server.sh list                     one line per known instance: NAME STATE PID URI
#
# start options:
#   --password PW            ticket authentication (else none)
#   --tls                    also open a TLS port (test CA / server cert of this script)
#   --tls-only               TLS port only, no plain port (implies --tls)
#   --unix                   listen on a unix socket instead of TCP (no TLS possible)
#   --image-compression X    quic|lz|glz|auto_glz|auto_lz|lz4|off (default auto_glz)
#   --jpeg-wan-compression X / --zlib-glz-wan-compression X   always|never|auto
#   --streaming-video X      off|all|filter (default off)
#   --pattern P              static|moving-bars|noise|text|gradient (default static)
#   --seed N --width N --height N --fps N --frames N
#   --wait-for-client        start the updates when the first display channel links
#   --name STRING --uuid UUID   VM name and uuid (defaults derived from the instance name)
#   --replace                if the instance runs with other options, restart it
#                            (without it that case is an error, exit 3)
#
# An instance that already runs with the same options is left alone and its details
# are printed again.  Details go to stdout (and $STATE/NAME/env) as eval-safe
# KEY=VALUE lines; everything else goes to stderr.  Keys:
#   SPICE_INSTANCE SPICE_HOST SPICE_PORT SPICE_TLS_PORT SPICE_UNIX_PATH SPICE_PASSWORD
#   SPICE_CA_FILE SPICE_WRONG_CA_FILE SPICE_CERT_SUBJECT SPICE_SERVER_CERT_FILE
#   SPICE_SERVER_PUBKEY_FILE SPICE_NAME SPICE_UUID SPICE_PID SPICE_URI
#   SPICE_EVENTS_FILE (the server's stdout: READY, KEY/MOUSE, CHANNEL lines)
#   SPICE_PATTERN SPICE_SEED SPICE_WIDTH SPICE_HEIGHT SPICE_IMAGE_COMPRESSION
# Exit status: 0 ok, 1 failure, 2 usage error, 3 instance runs with other options.
# State: ${TETHER_PEER_DIR:-/tmp/tether-peers}/spice-test-server/ (PKI in .pki/).
# The server binary: $TETHER_TEST_SPICE_SERVER, else tests/spice-server/ under
# $TETHER_BUILD_ROOT, else under build/ next to this script's tree.  Ports are
# chosen by the server (free ports of the kernel's ephemeral range).
# Processes are found only through their pid files, never by name.

set -euo pipefail

STATE=${TETHER_PEER_DIR:-/tmp/tether-peers}/spice-test-server
PKI=$STATE/.pki
EXE_NAME=tether-test-spice-server
CERT_SUBJECT='C=XX,O=Tether Test,CN=localhost'
PROG=${0##*/}
DEFAULT_INSTANCE=synthetic
# shellcheck source=tests/peers/spice-peer-common.sh
. "$(dirname "${BASH_SOURCE[0]}")/spice-peer-common.sh"
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)


find_server() {
    local c
    for c in "${TETHER_TEST_SPICE_SERVER:-}" \
        "${TETHER_BUILD_ROOT:+$TETHER_BUILD_ROOT/tests/spice-server/$EXE_NAME}" \
        "$HERE/../../build/tests/spice-server/$EXE_NAME"; do
        [[ -n $c && -x $c ]] && { readlink -f "$c"; return 0; }
    done
    die "$EXE_NAME not found: build it (ninja -C build; needs libspice-server-dev) or set TETHER_TEST_SPICE_SERVER"
}

# --- packages -----------------------------------------------------------------

ensure_packages() {
    local pkgs=(openssl libspice-server1) missing=() p
    for p in "${pkgs[@]}"; do
        [[ $(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null) == ii* ]] || missing+=("$p")
    done
    ((${#missing[@]})) || return 0
    local sudo=() apt=(env DEBIAN_FRONTEND=noninteractive apt-get -y -q
        --no-install-recommends -o DPkg::Lock::Timeout=300)
    ((EUID == 0)) || sudo=(sudo)
    say "installing ${missing[*]}"
    if ! "${sudo[@]}" "${apt[@]}" install "${missing[@]}" >&2; then
        "${sudo[@]}" "${apt[@]}" update >&2
        "${sudo[@]}" "${apt[@]}" install "${missing[@]}" >&2
    fi
}

# --- test PKI (one CA + server cert shared by all instances, plus a wrong CA) --


make_ca() { # DIR NAME CN
    ossl req -x509 -new -newkey rsa:2048 -nodes -sha256 -days 3650 \
        -keyout "$1/$2-key.pem" -out "$1/$2-cert.pem" -subj "/C=XX/O=Tether Test/CN=$3" \
        -addext 'basicConstraints=critical,CA:TRUE' -addext 'keyUsage=critical,keyCertSign,cRLSign'
}

ensure_pki() {
    [[ -e $PKI/complete ]] && return 0
    say "creating test PKI in $PKI"
    local tmp
    tmp=$(mktemp -d "$STATE/.pki.XXXXXX")
    chmod 755 "$tmp"
    mkdir "$tmp/x509"
    OSSL_LOG=$tmp/openssl.log
    make_ca "$tmp" ca 'Tether Test CA'
    make_ca "$tmp" wrong-ca 'Tether Wrong CA'
    ossl req -new -newkey rsa:2048 -nodes -sha256 -keyout "$tmp/x509/server-key.pem" \
        -out "$tmp/server.csr" -subj "/${CERT_SUBJECT//,//}"
    printf '%s\n' 'basicConstraints=critical,CA:FALSE' \
        'keyUsage=critical,digitalSignature,keyEncipherment' \
        'extendedKeyUsage=serverAuth' 'subjectAltName=IP:127.0.0.1,DNS:localhost' >"$tmp/server.ext"
    ossl x509 -req -sha256 -days 3650 -in "$tmp/server.csr" -CA "$tmp/ca-cert.pem" \
        -CAkey "$tmp/ca-key.pem" -CAcreateserial -extfile "$tmp/server.ext" \
        -out "$tmp/x509/server-cert.pem"
    cp "$tmp/ca-cert.pem" "$tmp/x509/ca-cert.pem"
    ossl pkey -in "$tmp/x509/server-key.pem" -pubout -outform DER -out "$tmp/server-pubkey.der"
    rm -f "$tmp/server.csr" "$tmp/server.ext" "$tmp/ca-cert.srl" "$OSSL_LOG"
    touch "$tmp/complete"
    rm -rf "$PKI"
    mv "$tmp" "$PKI"
}

# --- helpers --------------------------------------------------------------------



uuid_for() {
    local h v
    h=$(printf 'tether-spice-test-server:%s' "$1" | md5sum)
    v=$(printf '%x' $((0x${h:16:1} & 3 | 8)))
    printf '%s-%s-3%s-%s%s-%s' "${h:0:8}" "${h:8:4}" "${h:13:3}" "$v" "${h:17:3}" "${h:20:12}"
}


# Is PID a live, non-zombie tether-test-spice-server started with pid file FILE?
server_alive() {
    local pid=$1 pidfile=$2 state exe arg args=()
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    state=$(proc_state "$pid") || return 1
    [[ $state != [ZX] ]] || return 1
    exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || return 1
    exe=${exe% (deleted)}
    [[ ${exe##*/} == "$EXE_NAME" ]] || return 1
    mapfile -d '' args 2>/dev/null <"/proc/$pid/cmdline" || return 1
    for arg in "${args[@]}"; do [[ $arg == "--pidfile=$pidfile" ]] && return 0; done
    return 1
}


instance_pid() {
    local dir=$STATE/$1 pid
    [[ -f $dir/server.pid ]] || return 1
    pid=$(<"$dir/server.pid") || return 1
    pid=${pid//[[:space:]]/}
    server_alive "$pid" "$dir/server.pid" || return 1
    printf '%s' "$pid"
}

# Exec a command in its own session without our descriptors beyond 0-2 (the
# state lock, a caller's pipes). Run it in the background: $! is its pid.
run_detached() {
    local path fd
    ((BASHPID != $$)) || die "run_detached must run in the background"
    for path in /proc/"$BASHPID"/fd/*; do
        fd=${path##*/}
        ((fd > 2 && fd != 255)) || continue
        exec {fd}>&-
    done
    exec setsid "$@"
}


# --- stop -----------------------------------------------------------------------

stop_instance() {
    local name=$1 dir=$STATE/$1 pid i
    if pid=$(instance_pid "$name"); then
        say "stopping $name (pid $pid)"
        kill -TERM "$pid" 2>/dev/null || true
        for ((i = 0; i < 100; i++)); do
            proc_done "$pid" && break
            sleep 0.05
        done
        if ! proc_done "$pid"; then
            say "$name did not stop on SIGTERM, sending SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
            for ((i = 0; i < 100; i++)); do
                proc_done "$pid" && break
                sleep 0.05
            done
            proc_done "$pid" || die "$name (pid $pid) survived SIGKILL"
        fi
    fi
    rm -f "$dir/server.pid" "$dir/env" "$dir/spec" "$dir/spice.sock" "$dir/password"
}

cmd_stop() {
    local target=${1:-synthetic} d
    lock_state
    if [[ $target == --all ]]; then
        for d in "$STATE"/*/; do
            [[ -d $d ]] || continue
            d=${d%/}
            stop_instance "${d##*/}"
        done
    else
        valid_name "$target" || die "bad instance name: $target" 2
        stop_instance "$target"
    fi
}

# --- start ----------------------------------------------------------------------

cmd_start() {
    local name=synthetic
    if (($#)) && [[ $1 != -* ]]; then name=$1; shift; fi
    valid_name "$name" || die "bad instance name: $name" 2

    local password='' have_pw=0 tls=0 tls_only=0 unix=0 replace=0 wait_client=0
    local image=auto_glz jpeg=auto zlib=auto video=off pattern=static seed=1
    local width=1024 height=768 fps=30 frames=0 vmname="tether-spice-test-$name" uuid
    uuid=$(uuid_for "$name")
    need() { (($# >= 2)) || die "$1 needs a value" 2; }
    oneof() {
        local o=$1 v=$2 a; shift 2
        for a; do [[ $v == "$a" ]] && return 0; done
        die "$o: '$v' is not one of: $*" 2
    }
    number() { [[ $2 =~ ^[0-9]{1,10}$ ]] || die "$1: '$2' is not a number" 2; }
    while (($#)); do
        case $1 in
        --password) need "$@"; password=$2; have_pw=1; shift ;;
        --tls) tls=1 ;;
        --tls-only) tls=1; tls_only=1 ;;
        --unix) unix=1 ;;
        --image-compression)
            need "$@"; oneof "$1" "$2" quic lz glz auto_glz auto_lz lz4 off; image=$2; shift ;;
        --jpeg-wan-compression) need "$@"; oneof "$1" "$2" always never auto; jpeg=$2; shift ;;
        --zlib-glz-wan-compression) need "$@"; oneof "$1" "$2" always never auto; zlib=$2; shift ;;
        --streaming-video) need "$@"; oneof "$1" "$2" off all filter; video=$2; shift ;;
        --pattern)
            need "$@"; oneof "$1" "$2" static moving-bars noise text gradient; pattern=$2; shift ;;
        --seed) need "$@"; number "$1" "$2"; seed=$2; shift ;;
        --width) need "$@"; number "$1" "$2"; width=$2; shift ;;
        --height) need "$@"; number "$1" "$2"; height=$2; shift ;;
        --fps) need "$@"; number "$1" "$2"; fps=$2; shift ;;
        --frames) need "$@"; number "$1" "$2"; frames=$2; shift ;;
        --wait-for-client) wait_client=1 ;;
        --name) need "$@"; vmname=$2; shift ;;
        --uuid)
            need "$@"
            [[ $2 =~ ^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$ ]] || die "bad uuid: $2" 2
            uuid=${2,,}; shift ;;
        --replace) replace=1 ;;
        -h | --help) usage ;;
        *) die "unknown start option: $1" 2 ;;
        esac
        shift
    done
    ((unix && tls)) && die "--unix cannot be combined with TLS options" 2
    ((have_pw && ${#password} > 60)) && die "SPICE passwords are limited to 60 characters" 2

    local exe
    exe=$(find_server)
    local spec
    spec=$(printf '%s\n' "exe=$exe" "password=$have_pw:$password" "tls=$tls" "tls-only=$tls_only" \
        "unix=$unix" "image=$image" "jpeg=$jpeg" "zlib=$zlib" "video=$video" "pattern=$pattern" \
        "seed=$seed" "size=${width}x$height" "fps=$fps" "frames=$frames" "wait=$wait_client" \
        "name=$vmname" "uuid=$uuid")

    lock_state
    ensure_packages
    ensure_pki

    local dir=$STATE/$name
    mkdir -p "$dir"
    chmod 700 "$dir"
    if instance_pid "$name" >/dev/null; then
        if [[ -f $dir/spec && $(<"$dir/spec") == "$spec" && -f $dir/env ]]; then
            say "$name already running"
            cat "$dir/env"
            return 0
        fi
        if [[ ! -f $dir/spec ]]; then
            say "$name runs but its start never completed: restarting it"
        else
            ((replace)) || die "$name runs with other options; stop it first or pass --replace" 3
            say "$name runs with other options: restarting it"
        fi
    fi
    stop_instance "$name"

    local sock=$dir/spice.sock
    ((${#sock} < 100)) || die "socket path too long: $sock (set TETHER_PEER_DIR shorter)"
    local args=(--pidfile="$dir/server.pid" --name "$vmname" --uuid "$uuid"
        --image-compression "$image" --jpeg-wan-compression "$jpeg"
        --zlib-glz-wan-compression "$zlib" --streaming-video "$video" --pattern "$pattern"
        --seed "$seed" --width "$width" --height "$height" --fps "$fps" --frames "$frames"
        --print-input --print-channels)
    ((wait_client)) && args+=(--wait-for-client)
    if ((have_pw)); then
        printf '%s' "$password" >"$dir/password"
        chmod 600 "$dir/password"
        args+=(--password-file "$dir/password")
    fi
    if ((unix)); then
        args+=(--unix "$sock")
    else
        ((tls_only)) || args+=(--port 0)
        ((tls)) && args+=(--tls-port 0 --x509-dir "$PKI/x509")
    fi

    # Start; the TLS port is probed by the server and may be lost to a race: retry.
    local attempt pid='' ready='' spawned i
    for ((attempt = 1; attempt <= 5; attempt++)); do
        rm -f "$dir/server.pid" "$sock"
        # The test environment's GLib debug settings must not reach the server:
        # with G_DEBUG=fatal-warnings it aborts on spice-server's first warning.
        run_detached env -u G_DEBUG -u G_SLICE -u MALLOC_PERTURB_ -u G_MESSAGES_DEBUG \
            "$exe" "${args[@]}" </dev/null >"$dir/server.out" 2>"$dir/server.log" &
        spawned=$!
        ready=''
        for ((i = 0; i < 200; i++)); do        # 10 s
            ready=$(grep -m1 '^READY ' "$dir/server.out" 2>/dev/null || true)
            [[ -n $ready ]] && break
            proc_done "$spawned" && break
            sleep 0.05
        done
        [[ -n $ready ]] && break
        say "start of $name failed (attempt $attempt): $(tr '\n' ' ' <"$dir/server.log")"
        proc_done "$spawned" || kill -KILL "$spawned" 2>/dev/null || true
        wait "$spawned" 2>/dev/null || true
    done
    [[ -n $ready ]] || die "$name did not start: $(cat "$dir/server.log")"
    pid=$(instance_pid "$name") || die "$name exited right after start: $(cat "$dir/server.log")"

    local port='' tls_port='' unix_path='' field
    for field in $ready; do
        case $field in
        port=*) port=${field#port=} ;;
        tls-port=*) tls_port=${field#tls-port=} ;;
        unix=*) unix_path=${field#unix=} ;;
        esac
    done
    local uri
    if ((unix)); then uri="spice+unix://$unix_path"
    elif ((tls_only)); then uri="spice+tls://127.0.0.1:$tls_port"
    elif ((tls)); then uri="spice://127.0.0.1?port=$port&tls-port=$tls_port"
    else uri="spice://127.0.0.1:$port"
    fi
    local kv=(
        SPICE_INSTANCE "$name"
        SPICE_HOST 127.0.0.1
        SPICE_PORT "$port"
        SPICE_TLS_PORT "$tls_port"
        SPICE_UNIX_PATH "$unix_path"
        SPICE_PASSWORD "$password"
        SPICE_CA_FILE "$PKI/ca-cert.pem"
        SPICE_WRONG_CA_FILE "$PKI/wrong-ca-cert.pem"
        SPICE_CERT_SUBJECT "$CERT_SUBJECT"
        SPICE_SERVER_CERT_FILE "$PKI/x509/server-cert.pem"
        SPICE_SERVER_PUBKEY_FILE "$PKI/server-pubkey.der"
        SPICE_NAME "$vmname"
        SPICE_UUID "$uuid"
        SPICE_PID "$pid"
        SPICE_URI "$uri"
        SPICE_EVENTS_FILE "$dir/server.out"
        SPICE_PATTERN "$pattern"
        SPICE_SEED "$seed"
        SPICE_WIDTH "$width"
        SPICE_HEIGHT "$height"
        SPICE_IMAGE_COMPRESSION "$image"
    )
    write_env "$dir" "$name" "$pid" "$uri" "$spec" "${kv[@]}"
}

# --- status / env / list ---------------------------------------------------------




cmd=${1:-}
(($#)) && shift
case $cmd in
start) cmd_start "$@" ;;
stop) cmd_stop "$@" ;;
status) cmd_status "$@" ;;
env) cmd_env "$@" ;;
list) cmd_list ;;
-h | --help | help) usage ;;
*) usage ;;
esac
