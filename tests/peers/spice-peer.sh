#!/usr/bin/env bash
# spice-peer.sh - run real QEMU SPICE servers on 127.0.0.1 for Tether's tests.
#
# Usage:
#   spice-peer.sh start [NAME] [OPTIONS]   start instance NAME (default "plain"), print KEY=VALUE
#   spice-peer.sh stop [NAME|--all]        stop one instance (default "plain") or all of them
#   spice-peer.sh status NAME              "running PID" (exit 0) or "stopped" (exit 1)
#   spice-peer.sh env NAME                 print the KEY=VALUE lines of a running instance
#   spice-peer.sh list                     one line per known instance: NAME STATE PID URI
#
# start options:
#   --password PW            ticket authentication (else disable-ticketing=on)
#   --sasl USER:PASS         SASL authentication (sasl=on): DIGEST-MD5 against a
#                            sasldb holding USER with PASS (QEMU reads its SASL
#                            config as app "qemu" from SASL_CONF_PATH=<instance>/sasl)
#   --tls                    also open a TLS port (shared test CA / server cert)
#   --tls-only               TLS port only, no plain port (implies --tls)
#   --tls-channel CH         force channel CH onto TLS (repeatable; implies --tls)
#   --tls12-only             the server speaks TLS 1.2 at most (QEMU runs with
#                            OPENSSL_CONF pointing at <instance>/openssl.cnf whose
#                            system_default sets MaxProtocol = TLSv1.2), so the
#                            client's TLS <= 1.2 cipher list decides (implies --tls)
#   --unix                   listen on a unix socket instead of TCP (no TLS possible)
#   --image-compression X    quic|lz|glz|auto_glz|auto_lz|off (QEMU 7.2 has no lz4)
#   --jpeg-wan-compression X / --zlib-glz-wan-compression X   always|never|auto
#   --streaming-video X      off|all|filter (default off)
#   --boot-menu MS           SeaBIOS offers its boot menu ("Press ESC for boot menu.") for MS ms
#                            after each reset (-boot menu=on,splash-time=MS)
#   --audio                  HDA codec with a spice audiodev (playback + record channels)
#   --agent                  virtio-serial port for the vdagent (no agent runs in the guest)
#   --port-channel NAME      spiceport chardev NAME (repeatable)
#   --name STRING --uuid UUID   VM name and uuid (defaults derived from the instance name)
#   --replace                if the instance runs with other options, restart it
#                            (without it that case is an error, exit 3)
#
# An instance that already runs with the same options is left alone and its
# details are printed again.  Details go to stdout (and $STATE/NAME/env) as
# eval-safe KEY=VALUE lines; everything else goes to stderr.  Keys:
#   SPICE_INSTANCE SPICE_HOST SPICE_PORT SPICE_TLS_PORT SPICE_UNIX_PATH SPICE_PASSWORD
#   SPICE_CA_FILE SPICE_WRONG_CA_FILE SPICE_CERT_SUBJECT SPICE_SERVER_CERT_FILE
#   SPICE_SERVER_PUBKEY_FILE SPICE_NAME SPICE_UUID SPICE_PID SPICE_URI SPICE_QMP_SOCKET
# Exit status: 0 ok, 1 failure, 2 usage error, 3 instance runs with other options.
# State: ${TETHER_PEER_DIR:-/tmp/tether-peers}/spice/ (shared PKI in .pki/).
# Ports: TETHER_SPICE_PORT_MIN..TETHER_SPICE_PORT_MAX (default 5930..5999).
# Processes are found only through their pid files, never by name.

set -euo pipefail

STATE=${TETHER_PEER_DIR:-/tmp/tether-peers}/spice
PKI=$STATE/.pki
QEMU=/usr/bin/qemu-system-x86_64
PORT_MIN=${TETHER_SPICE_PORT_MIN:-5930}
PORT_MAX=${TETHER_SPICE_PORT_MAX:-5999}
CERT_SUBJECT='C=XX,O=Tether Test,CN=localhost'
PROG=${0##*/}
DEFAULT_INSTANCE=plain
# shellcheck source=tests/peers/spice-peer-common.sh
. "$(dirname "${BASH_SOURCE[0]}")/spice-peer-common.sh"


# --- packages -----------------------------------------------------------------

ensure_packages() {
    local pkgs=(qemu-system-x86 qemu-system-common openssl "$@") missing=() p
    for p in "${pkgs[@]}"; do
        [[ $(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null) == ii* ]] || missing+=("$p")
    done
    ((${#missing[@]})) || return 0
    local sudo=() apt=(env DEBIAN_FRONTEND=noninteractive apt-get -y -q
        --no-install-recommends -o DPkg::Lock::Timeout=300)
    ((EUID == 0)) || sudo=(sudo)
    say "installing ${missing[*]}"
    # Update the lists only when there are none or the first install fails.
    if ! compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null; then
        "${sudo[@]}" "${apt[@]}" update >&2
        "${sudo[@]}" "${apt[@]}" install "${missing[@]}" >&2
    elif ! "${sudo[@]}" "${apt[@]}" install "${missing[@]}" >&2; then
        "${sudo[@]}" "${apt[@]}" update >&2
        "${sudo[@]}" "${apt[@]}" install "${missing[@]}" >&2
    fi
    [[ -x $QEMU ]] || die "$QEMU missing after install"
}

# --- test PKI (one CA + server cert shared by all instances, plus a wrong CA) --


make_ca() { # DIR NAME CN -> DIR/NAME-cert.pem, DIR/NAME-key.pem
    local dir=$1 name=$2 cn=$3
    ossl req -x509 -new -newkey rsa:2048 -nodes -sha256 -days 3650 \
        -keyout "$dir/$name-key.pem" -out "$dir/$name-cert.pem" \
        -subj "/C=XX/O=Tether Test/CN=$cn" \
        -addext 'basicConstraints=critical,CA:TRUE' \
        -addext 'keyUsage=critical,keyCertSign,cRLSign'
}

ensure_pki() {
    [[ -e $PKI/complete ]] && return 0
    say "creating test PKI in $PKI"
    local tmp
    tmp=$(mktemp -d "$STATE/.pki.XXXXXX")
    chmod 755 "$tmp"     # certificates readable; the keys stay 0600
    mkdir "$tmp/x509"
    OSSL_LOG=$tmp/openssl.log
    make_ca "$tmp" ca 'Tether Test CA'
    make_ca "$tmp" wrong-ca 'Tether Wrong CA'
    ossl req -new -newkey rsa:2048 -nodes -sha256 \
        -keyout "$tmp/x509/server-key.pem" -out "$tmp/server.csr" \
        -subj "/${CERT_SUBJECT//,//}"
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


# QEMU option values escape a comma by doubling it.
qv() { printf '%s' "${1//,/,,}"; }

qemu_version() { "$QEMU" --version 2>/dev/null | sed -n '1s/.*version \([^ ]*\).*/\1/p'; }


# Deterministic RFC 4122 version-3-style UUID from a string.
uuid_for() {
    local h
    h=$(printf 'tether-spice:%s' "$1" | md5sum)
    local v=${h:16:1}
    v=$(printf '%x' $((0x$v & 3 | 8)))
    printf '%s-%s-3%s-%s%s-%s' "${h:0:8}" "${h:8:4}" "${h:13:3}" "$v" "${h:17:3}" "${h:20:12}"
}


# Is PID a live, non-zombie process running our QEMU with pid file FILE?
qemu_alive() {
    local pid=$1 pidfile=$2 state exe arg args=()
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    state=$(proc_state "$pid") || return 1
    [[ $state != [ZX] ]] || return 1
    exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || return 1
    exe=${exe% (deleted)}
    [[ ${exe##*/} == qemu-system-x86_64 ]] || return 1
    # Guard against pid reuse by another QEMU: it must name our pid file.
    mapfile -d '' args 2>/dev/null <"/proc/$pid/cmdline" || return 1
    for arg in "${args[@]}"; do [[ $arg == "$pidfile" ]] && return 0; done
    return 1
}


# PID of instance NAME if it runs, else fail.
instance_pid() {
    local dir=$STATE/$1 pid
    [[ -f $dir/qemu.pid ]] || return 1
    pid=$(<"$dir/qemu.pid") || return 1
    pid=${pid//[[:space:]]/}
    qemu_alive "$pid" "$dir/qemu.pid" || return 1
    printf '%s' "$pid"
}

# TCP ports in LISTEN state (IPv4 and IPv6), one per line, from /proc.
listening_ports() {
    local f
    for f in /proc/net/tcp /proc/net/tcp6; do
        [[ -r $f ]] || continue
        awk 'NR > 1 && $4 == "0A" { split($2, a, ":"); print a[2] }' "$f"
    done | while read -r hex; do echo $((16#$hex)); done
}

port_listening() { # (no grep -q: an early exit would fail the pipeline under pipefail)
    local ports
    ports=$'\n'$(listening_ports)$'\n'
    [[ $ports == *$'\n'"$1"$'\n'* ]]
}

# Pick N free ports from the range, skipping those in SKIP (space separated).
pick_ports() {
    local n=$1 skip=" $2 " busy p got=()
    busy=" $(listening_ports | sort -un | tr '\n' ' ') "
    for ((p = PORT_MIN; p <= PORT_MAX && ${#got[@]} < n; p++)); do
        [[ $busy == *" $p "* || $skip == *" $p "* ]] && continue
        got+=("$p")
    done
    ((${#got[@]} == n)) || return 1
    printf '%s\n' "${got[*]}"
}

# Run a command that daemonizes without handing it our descriptors beyond
# 0-2 (the state lock, a caller's pipes, make's jobserver): QEMU keeps them.
run_closed() {
    (
        local path fd
        for path in /proc/"$BASHPID"/fd/*; do
            fd=${path##*/}
            ((fd > 2 && fd != 255)) || continue   # 255: bash's script fd, close-on-exec
            exec {fd}>&-
        done
        exec "$@"
    )
}


# --- stop -----------------------------------------------------------------------

stop_instance() {
    local name=$1 dir=$STATE/$1 pid i
    if pid=$(instance_pid "$name"); then
        say "stopping $name (pid $pid)"
        kill -TERM "$pid" 2>/dev/null || true
        for ((i = 0; i < 100; i++)); do         # 5 s
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
    rm -rf "$dir/sasl"
    rm -f "$dir/qemu.pid" "$dir/env" "$dir/spec" "$dir/spice.sock" "$dir/qmp.sock"
}

cmd_stop() {
    local target=${1:-plain} d
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
    local name=plain
    if (($#)) && [[ $1 != -* ]]; then name=$1; shift; fi
    valid_name "$name" || die "bad instance name: $name" 2

    local password='' sasl='' tls=0 tls_only=0 tls12_only=0 unix=0 audio=0 agent=0 replace=0 have_pw=0
    local image='' jpeg='' zlib='' video=off boot_menu='' vmname="tether-spice-$name" uuid
    local tls_channels=() ports=()
    uuid=$(uuid_for "$name")
    need() { (($# >= 2)) || die "$1 needs a value" 2; }
    oneof() { # OPTION VALUE ALLOWED...
        local o=$1 v=$2 a; shift 2
        for a; do [[ $v == "$a" ]] && return 0; done
        die "$o: '$v' is not one of: $*" 2
    }
    while (($#)); do
        case $1 in
        --password) need "$@"; password=$2; have_pw=1; shift ;;
        --sasl)
            need "$@"
            [[ $2 =~ ^[A-Za-z0-9._-]+:[^[:space:]]+$ ]] || die "--sasl wants USER:PASS (no spaces)" 2
            sasl=$2; shift ;;
        --tls) tls=1 ;;
        --tls-only) tls=1; tls_only=1 ;;
        --tls12-only) tls=1; tls12_only=1 ;;
        --tls-channel)
            need "$@"
            oneof "$1" "$2" main display inputs cursor playback record smartcard usbredir port webdav default
            tls=1; tls_channels+=("$2"); shift ;;
        --unix) unix=1 ;;
        --image-compression)
            need "$@"
            # QEMU 7.2 maps only these names; spice-server's lz4 cannot be chosen through it.
            [[ $2 == lz4 ]] && die "--image-compression lz4: QEMU $(qemu_version) has no such option" 2
            oneof "$1" "$2" quic lz glz auto_glz auto_lz off; image=$2; shift ;;
        --jpeg-wan-compression) need "$@"; oneof "$1" "$2" always never auto; jpeg=$2; shift ;;
        --zlib-glz-wan-compression) need "$@"; oneof "$1" "$2" always never auto; zlib=$2; shift ;;
        --streaming-video) need "$@"; oneof "$1" "$2" off all filter; video=$2; shift ;;
        --boot-menu)
            need "$@"
            [[ $2 =~ ^[0-9]{1,5}$ ]] && (($2 <= 65535)) || die "--boot-menu: '$2' is not 0 to 65535 ms" 2
            boot_menu=$2; shift ;;
        --audio) audio=1 ;;
        --agent) agent=1 ;;
        --port-channel)
            need "$@"
            [[ $2 =~ ^[A-Za-z0-9._-]+$ ]] || die "bad port channel name: $2" 2
            ports+=("$2"); shift ;;
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

    # Canonical description of the requested instance, to compare with a running one.
    local spec
    spec=$(printf '%s\n' "password=$have_pw:$password" "sasl=$sasl" "tls=$tls" "tls-only=$tls_only" "tls12-only=$tls12_only" \
        "tls-channels=${tls_channels[*]-}" "unix=$unix" "image=$image" "jpeg=$jpeg" "zlib=$zlib" \
        "video=$video" "boot-menu=$boot_menu" "audio=$audio" "agent=$agent" "ports=${ports[*]-}" "name=$vmname" "uuid=$uuid")

    lock_state          # serializes starts and stops (and so concurrent installs)
    if [[ -n $sasl ]]; then ensure_packages sasl2-bin libsasl2-modules; else ensure_packages; fi
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
    stop_instance "$name"   # also clears stale files of a dead instance

    local sock=$dir/spice.sock qmp=$dir/qmp.sock
    ((${#sock} < 100)) || die "socket path too long: $sock (set TETHER_PEER_DIR shorter)"

    # Everything but the listening address.
    local spice_tail='' args=()
    if ((have_pw)); then
        printf '%s' "$password" >"$dir/password"
        chmod 600 "$dir/password"
        args+=(-object "secret,id=sec0,file=$(qv "$dir/password")")
        spice_tail+=",password-secret=sec0"
    else
        spice_tail+=",disable-ticketing=on"
    fi
    local sasl_env=()
    if [[ -n $sasl ]]; then
        # QEMU's SPICE server reads the SASL configuration of app "qemu".
        rm -rf "$dir/sasl"
        mkdir -m 700 "$dir/sasl"
        printf 'mech_list: digest-md5\nsasldb_path: %s\n' "$dir/sasl/passwd.db" >"$dir/sasl/qemu.conf"
        printf '%s' "${sasl#*:}" | saslpasswd2 -f "$dir/sasl/passwd.db" -a qemu -p -c "${sasl%%:*}" ||
            die "saslpasswd2 failed"
        spice_tail+=",sasl=on"
        sasl_env=(SASL_CONF_PATH="$dir/sasl")
    fi
    local ssl_env=()
    if ((tls12_only)); then
        # OpenSSL reads it when spice-server makes its TLS context.
        cat >"$dir/openssl.cnf" <<'CNF'
openssl_conf = openssl_init

[openssl_init]
ssl_conf = ssl_sect

[ssl_sect]
system_default = system_default_sect

[system_default_sect]
MinProtocol = TLSv1.2
MaxProtocol = TLSv1.2
CipherString = DEFAULT:@SECLEVEL=2
CNF
        ssl_env=(OPENSSL_CONF="$dir/openssl.cnf")
    fi
    local ch
    for ch in "${tls_channels[@]}"; do spice_tail+=",tls-channel=$ch"; done
    [[ -n $image ]] && spice_tail+=",image-compression=$image"
    [[ -n $jpeg ]] && spice_tail+=",jpeg-wan-compression=$jpeg"
    [[ -n $zlib ]] && spice_tail+=",zlib-glz-wan-compression=$zlib"
    spice_tail+=",streaming-video=$video"
    ((tls)) && spice_tail+=",x509-dir=$(qv "$PKI/x509")"
    if ((audio)); then
        args+=(-device ich9-intel-hda -device 'hda-duplex,audiodev=snd0' -audiodev 'spice,id=snd0')
    fi
    if ((agent || ${#ports[@]})); then args+=(-device virtio-serial); fi
    if ((agent)); then
        args+=(-chardev 'spicevmc,id=vdagent,name=vdagent'
            -device 'virtserialport,chardev=vdagent,name=com.redhat.spice.0')
    fi
    local i
    for i in "${!ports[@]}"; do
        args+=(-chardev "spiceport,id=port$i,name=${ports[i]}"
            -device "virtserialport,chardev=port$i,name=${ports[i]}")
    done
    [[ -n $boot_menu ]] && args+=(-boot "menu=on,splash-time=$boot_menu")
    args+=(-name "$(qv "$vmname")" -uuid "$uuid")

    # Start QEMU; on a port race (bind failure) pick other ports and retry.
    local port='' tls_port='' attempt tried='' picked listen rc
    for ((attempt = 1; attempt <= 5; attempt++)); do
        if ((unix)); then
            rm -f "$sock"
            listen="unix=on,addr=$(qv "$sock")"
        else
            picked=$(pick_ports $((tls_only ? 1 : (tls ? 2 : 1))) "$tried") ||
                die "no free ports in $PORT_MIN-$PORT_MAX"
            read -r port tls_port <<<"$picked"
            if ((tls_only)); then tls_port=$port; port=''; fi
            tried+=" $port $tls_port"
            listen="addr=127.0.0.1"
            [[ -n $port ]] && listen+=",port=$port"
            [[ -n $tls_port ]] && listen+=",tls-port=$tls_port"
        fi
        rm -f "$dir/qemu.pid" "$qmp"
        rc=0
        # The test environment's GLib debug settings must not reach QEMU: with
        # G_DEBUG=fatal-warnings it aborts on spice-server's first warning.
        run_closed env -u G_DEBUG -u G_SLICE -u MALLOC_PERTURB_ -u G_MESSAGES_DEBUG "${sasl_env[@]}" "${ssl_env[@]}" \
            "$QEMU" -machine accel=tcg -m 64 -nodefaults -vga qxl -display none \
            -daemonize -pidfile "$dir/qemu.pid" \
            -qmp "unix:$(qv "$qmp"),server=on,wait=off" \
            "${args[@]}" -spice "$listen$spice_tail" \
            </dev/null >"$dir/qemu.log" 2>&1 || rc=$?
        ((rc == 0)) && break
        if ((!unix)) && grep -qiE 'binding socket|address already in use' "$dir/qemu.log"; then
            say "start of $name failed (port race?), retrying: $(tr '\n' ' ' <"$dir/qemu.log")"
            continue
        fi
        die "qemu failed for $name (exit $rc): $(cat "$dir/qemu.log")"
    done
    ((rc == 0)) || die "qemu failed for $name after $((attempt - 1)) attempts: $(cat "$dir/qemu.log")"

    local pid
    pid=$(instance_pid "$name") || die "qemu for $name exited right after start: $(cat "$dir/qemu.log")"
    # -daemonize returns once the listeners exist; double-check them.
    if ((unix)); then
        [[ -S $sock ]] || { stop_instance "$name"; die "$name: no socket at $sock"; }
    else
        for i in $port $tls_port; do
            port_listening "$i" || { stop_instance "$name"; die "$name: nothing listens on $i"; }
        done
    fi

    local uri unix_path=''
    if ((unix)); then uri="spice+unix://$sock"; unix_path=$sock
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
        SPICE_QMP_SOCKET "$qmp"
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
