#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# x2go-client-errors.sh — `tether x2go` fails cleanly, with a message naming the
# cause and nothing left running, for: a wrong password, an unknown host key, a
# changed host key, an unreachable server, a server without x2goserver, malformed
# server output, and a session command the server does not have.
#
# The last cases need servers that misbehave: an sshd of our own, started from the
# peer's sshd_config (same host keys, same test user) with a PATH that lacks the
# X2Go tools, or that puts a fake x2golistsessions first. It is stopped by pid.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=${TETHER_SOURCE_ROOT:-$(cd "$here/../.." && pwd)}
tool=${TETHER_TOOL:-$root/build/tools/tether}
peer="$root/tests/peers/x2go-peer.sh"

fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "ok - $*"; }

eval "$("$peer" start)" || fail "x2go-peer.sh start failed"
tmp=$(mktemp -d)
sshd_pids=()

cleanup() {
    local pid
    for pid in "${sshd_pids[@]}"; do kill "$pid" 2>/dev/null; done
    rm -rf "$tmp"
}
trap cleanup EXIT

ssh_peer=(ssh -F /dev/null -p "$X2GO_PORT" -o StrictHostKeyChecking=yes -o GlobalKnownHostsFile=/dev/null
    -o UserKnownHostsFile="$X2GO_KNOWN_HOSTS" -o IdentityAgent=none -o IdentitiesOnly=yes
    -o BatchMode=yes -o LogLevel=ERROR -i "$X2GO_KEY" "$X2GO_USER@$X2GO_HOST")
names() { "${ssh_peer[@]}" x2golistsessions | cut -d'|' -f2 | sort; }

# expect_failure WHAT PATTERN ARGS...: tether x2go ARGS must exit 1 with PATTERN
# (extended regex, case-insensitive) on stderr, leave no process behind that
# uses our session folder, and start no session on the peer.
expect_failure() {
    local what=$1 pattern=$2 rc before after
    shift 2
    before=$(names)
    timeout 120 "$tool" x2go --sessions-root "$tmp/sessions" --display "$X2GO_CLIENT_DISPLAY" "$@" \
        >"$tmp/out" 2>"$tmp/err"
    rc=$?
    [[ $rc == 1 ]] || fail "$what: exit status $rc, expected 1; stderr: $(cat "$tmp/err")"
    grep -qiE "$pattern" "$tmp/err" || fail "$what: the message does not name the cause ($pattern): $(cat "$tmp/err")"
    if pgrep -f -- "$tmp/sessions" >/dev/null; then
        fail "$what: a process using $tmp/sessions is still running: $(pgrep -af -- "$tmp/sessions")"
    fi
    after=$(names)
    [[ $before == "$after" ]] || fail "$what: the peer's sessions changed: '$before' -> '$after'"
    pass "$what: $(head -1 "$tmp/err")"
}

base=(--server "$X2GO_HOST" -p "$X2GO_PORT" -u "$X2GO_USER")

# ---- authentication and host keys
expect_failure "wrong password" "auth|denied|password" \
    "${base[@]}" --known-hosts "$X2GO_KNOWN_HOSTS" --password "wrong-$X2GO_PASSWORD" --force-password -L

: >"$tmp/empty_known_hosts"
expect_failure "unknown host key" "host key|known_hosts|not known|unknown" \
    "${base[@]}" -i "$X2GO_KEY" --known-hosts "$tmp/empty_known_hosts" -L
[[ -s $tmp/empty_known_hosts ]] && fail "the unknown host key was written to known_hosts"

ssh-keygen -q -t ed25519 -N '' -f "$tmp/other_host_key" </dev/null
printf '[%s]:%s %s\n' "$X2GO_HOST" "$X2GO_PORT" "$(cut -d' ' -f1-2 "$tmp/other_host_key.pub")" >"$tmp/changed_known_hosts"
expect_failure "changed host key" "changed|mismatch|does not match|differ" \
    "${base[@]}" -i "$X2GO_KEY" --known-hosts "$tmp/changed_known_hosts" -L
# --add-to-known-hosts never overrides a changed key.
expect_failure "changed host key with --add-to-known-hosts" "changed|mismatch|does not match|differ" \
    "${base[@]}" -i "$X2GO_KEY" --known-hosts "$tmp/changed_known_hosts" --add-to-known-hosts -L

free_port() {
    local p
    for ((p = 39100; p < 39999; p++)); do
        [[ -z $(ss -Hltn "sport = :$p") ]] && { echo "$p"; return 0; }
    done
    return 1
}
dead=$(free_port) || fail "no free port"
expect_failure "unreachable server" "connect|refused|unreachable" \
    --server "$X2GO_HOST" -p "$dead" -u "$X2GO_USER" -i "$X2GO_KEY" --known-hosts "$X2GO_KNOWN_HOSTS" -L

# ---- a session command the server does not have
expect_failure "unknown session command" "not found|no-such-program" \
    "${base[@]}" -i "$X2GO_KEY" --known-hosts "$X2GO_KNOWN_HOSTS" -N -c no-such-program-tether

# ---- servers that misbehave: an sshd of our own
# start_sshd NAME PATH: an sshd like the peer's with SetEnv PATH=PATH; its port in $port.
start_sshd() {
    local name=$1 path=$2 t
    port=$(free_port) || fail "no free port"
    sed -e "s|^Port .*|Port $port|" -e "s|^PidFile .*|PidFile $tmp/$name.pid|" \
        "$X2GO_STATE_DIR/sshd_config" >"$tmp/$name.config"
    echo "SetEnv PATH=$path" >>"$tmp/$name.config"
    /usr/sbin/sshd -t -f "$tmp/$name.config" || fail "sshd rejects $tmp/$name.config"
    /usr/sbin/sshd -f "$tmp/$name.config" -E "$tmp/$name.log" || fail "sshd $name did not start"
    for ((t = 0; t < 50; t++)); do
        [[ -s $tmp/$name.pid ]] && [[ -n $(ss -Hltn "sport = :$port") ]] && break
        sleep 0.1
    done
    sshd_pids+=("$(cat "$tmp/$name.pid")")
    : >"$tmp/$name.known_hosts"
    for t in ed25519 ecdsa rsa; do
        printf '[%s]:%s %s\n' "$X2GO_HOST" "$port" \
            "$(cut -d' ' -f1-2 "$X2GO_STATE_DIR/hostkeys/ssh_host_${t}_key.pub")" >>"$tmp/$name.known_hosts"
    done
}

# A PATH without the X2Go tools: only a shell and `which`.
mkdir -p "$tmp/bare"
ln -s /bin/sh "$tmp/bare/sh"
ln -s /usr/bin/which "$tmp/bare/which"
chmod 755 "$tmp" "$tmp/bare"
start_sshd bare "$tmp/bare"
expect_failure "server without x2goserver" "x2goserver" \
    --server "$X2GO_HOST" -p "$port" -u "$X2GO_USER" -i "$X2GO_KEY" --known-hosts "$tmp/bare.known_hosts" -L

# A fake x2golistsessions in front of the real tools: malformed output.
mkdir -p "$tmp/fake"
cat >"$tmp/fake/x2golistsessions" <<'EOF'
#!/bin/sh
echo "17436|x2gotest-50-1795262193_stRxeyes_dp24|50|vm|Q|garbage"
EOF
chmod 755 "$tmp/fake" "$tmp/fake/x2golistsessions"
start_sshd fake "$tmp/fake:/usr/local/bin:/usr/bin:/bin"
expect_failure "malformed x2golistsessions output" "x2golistsessions.*(line|field|malformed)|malformed" \
    --server "$X2GO_HOST" -p "$port" -u "$X2GO_USER" -i "$X2GO_KEY" --known-hosts "$tmp/fake.known_hosts" -L

# A fake x2gostartagent that prints half an answer (the listing is real).
rm -f "$tmp/fake/x2golistsessions"
cat >"$tmp/fake/x2gostartagent" <<'EOF'
#!/bin/sh
echo 50
echo not-a-cookie
EOF
chmod 755 "$tmp/fake/x2gostartagent"
expect_failure "malformed x2gostartagent output" "x2gostartagent" \
    --server "$X2GO_HOST" -p "$port" -u "$X2GO_USER" -i "$X2GO_KEY" --known-hosts "$tmp/fake.known_hosts" \
    -N -c xterm

echo "PASS: tether x2go fails cleanly"
