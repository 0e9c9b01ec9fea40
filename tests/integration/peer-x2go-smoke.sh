#!/bin/bash
# peer-x2go-smoke.sh — checks the real X2Go peer (tests/peers/x2go-peer.sh) with plain OpenSSH:
# host key checking, key and password logins, and real answers from x2goserver's commands.
# Starts the peer if needed and leaves it running (the Makefile stops peers after all suites).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
peer="$here/../peers/x2go-peer.sh"

fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "ok - $*"; }

env_lines=$("$peer" start) || fail "x2go-peer.sh start failed"
eval "$env_lines"
for k in X2GO_HOST X2GO_PORT X2GO_USER X2GO_PASSWORD X2GO_KEY X2GO_KNOWN_HOSTS X2GO_HOST_KEY_FP; do
    [[ -n ${!k:-} ]] || fail "start did not print $k"
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Isolated OpenSSH: no user/system config, no agent, only the given known_hosts file.
ssh_base=(ssh -F /dev/null -p "$X2GO_PORT" -o StrictHostKeyChecking=yes
    -o GlobalKnownHostsFile=/dev/null -o IdentityAgent=none -o ConnectTimeout=10 -o LogLevel=ERROR)
ssh_key=("${ssh_base[@]}" -o UserKnownHostsFile="$X2GO_KNOWN_HOSTS" -o BatchMode=yes
    -o IdentitiesOnly=yes -i "$X2GO_KEY" "$X2GO_USER@$X2GO_HOST")

# run NAME CMD: runs CMD over ssh with the key; output in $tmp/NAME.out/.err; fails on non-zero exit.
run() {
    local name=$1
    shift
    "${ssh_key[@]}" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" ||
        fail "'$*' over ssh exited $?: $(cat "$tmp/$name.err")"
}

# The listener is on loopback only.
listen=$(ss -Hltn "sport = :$X2GO_PORT" | awk '{print $4}')
[[ $listen == "$X2GO_HOST:$X2GO_PORT" ]] || fail "sshd listens on '$listen', expected $X2GO_HOST:$X2GO_PORT only"
pass "sshd listens on $listen only"

# The host key the server presents is the one in known_hosts, with the advertised fingerprint.
ssh-keygen -l -E sha256 -F "[$X2GO_HOST]:$X2GO_PORT" -f "$X2GO_KNOWN_HOSTS" | grep -qF "$X2GO_HOST_KEY_FP" ||
    fail "X2GO_HOST_KEY_FP $X2GO_HOST_KEY_FP not in $X2GO_KNOWN_HOSTS"
ssh-keyscan -p "$X2GO_PORT" -t ed25519 "$X2GO_HOST" 2>/dev/null >"$tmp/scan"
ssh-keygen -l -E sha256 -f "$tmp/scan" | grep -qF "$X2GO_HOST_KEY_FP" ||
    fail "the server's ed25519 host key does not match X2GO_HOST_KEY_FP"
pass "host key fingerprint $X2GO_HOST_KEY_FP"

run whoami 'id -un'
[[ $(cat "$tmp/whoami.out") == "$X2GO_USER" ]] || fail "logged in as '$(cat "$tmp/whoami.out")'"
pass "key login as $X2GO_USER"

# Host key checking is on: an empty known_hosts must make ssh refuse the server.
: >"$tmp/empty_known_hosts"
if "${ssh_base[@]}" -o UserKnownHostsFile="$tmp/empty_known_hosts" -o BatchMode=yes -o IdentitiesOnly=yes \
    -i "$X2GO_KEY" "$X2GO_USER@$X2GO_HOST" true 2>"$tmp/hk.err"; then
    fail "ssh succeeded with an empty known_hosts file"
fi
grep -q 'Host key verification failed' "$tmp/hk.err" || fail "unexpected error with empty known_hosts: $(cat "$tmp/hk.err")"
pass "empty known_hosts is refused (Host key verification failed)"

run list x2golistsessions
# Each listed session (if any, e.g. left by another suite) has the 16 '|'-separated fields.
awk -F'|' 'NF != 16 { bad = 1 } END { exit bad }' "$tmp/list.out" ||
    fail "x2golistsessions printed a malformed line: $(cat "$tmp/list.out")"
pass "x2golistsessions (exit 0, $(wc -l <"$tmp/list.out") sessions)"

run features x2gofeaturelist
grep -qx X2GO_LIST_DESKTOPS "$tmp/features.out" || fail "x2gofeaturelist lacks X2GO_LIST_DESKTOPS: $(cat "$tmp/features.out")"
pass "x2gofeaturelist lists X2GO_LIST_DESKTOPS ($(wc -l <"$tmp/features.out") features)"

run version x2goversion
grep -q '^x2goserver: ' "$tmp/version.out" || fail "x2goversion lacks x2goserver: $(cat "$tmp/version.out")"
pass "x2goversion: $(grep '^x2goserver: ' "$tmp/version.out")"

# The wire form py-x2go uses (markers around sh -c), as Tether will send it.
marker=tether-smoke-$$
run wrapped "echo X2GODATABEGIN:$marker; PATH=/usr/local/bin:/usr/bin:/bin sh -c \"export HOSTNAME && x2gofeature X2GO_LIST_DESKTOPS\"; echo X2GODATAEND:$marker"
[[ $(sed -n "/^X2GODATABEGIN:$marker/,/^X2GODATAEND:$marker/p" "$tmp/wrapped.out" | sed -n 2p) == ok ]] ||
    fail "marker-wrapped x2gofeature: $(cat "$tmp/wrapped.out")"
pass "marker-wrapped command"

# Password login (and the passphrase-protected key) need sshpass to answer the prompts.
# The peer installs it when it can; try once more here (quietly), else skip.
if ! command -v sshpass >/dev/null; then
    as_root=()
    ((EUID == 0)) || as_root=(sudo -n)
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -q --no-install-recommends sshpass >/dev/null 2>&1 || true
fi
if command -v sshpass >/dev/null; then
    pw_ssh=("${ssh_base[@]}" -o UserKnownHostsFile="$X2GO_KNOWN_HOSTS" -o PubkeyAuthentication=no
        -o PreferredAuthentications=password -o NumberOfPasswordPrompts=1 "$X2GO_USER@$X2GO_HOST")
    out=$(SSHPASS=$X2GO_PASSWORD sshpass -e "${pw_ssh[@]}" 'id -un' 2>"$tmp/pw.err") ||
        fail "password login failed: $(cat "$tmp/pw.err")"
    [[ $out == "$X2GO_USER" ]] || fail "password login printed '$out'"
    pass "password login"
    if SSHPASS=wrong-$X2GO_PASSWORD sshpass -e "${pw_ssh[@]}" true 2>/dev/null; then
        fail "a wrong password was accepted"
    fi
    pass "wrong password refused"
    out=$(SSHPASS=$X2GO_KEY_PASSPHRASE sshpass -e -P passphrase "${ssh_base[@]}" \
        -o UserKnownHostsFile="$X2GO_KNOWN_HOSTS" -o IdentitiesOnly=yes -o PasswordAuthentication=no \
        -o KbdInteractiveAuthentication=no -i "$X2GO_KEY_PASSPHRASED" "$X2GO_USER@$X2GO_HOST" 'id -un' 2>"$tmp/pp.err") ||
        fail "login with the passphrase-protected key failed: $(cat "$tmp/pp.err")"
    [[ $out == "$X2GO_USER" ]] || fail "passphrase key login printed '$out'"
    pass "passphrase-protected key login"
    # The second sshd (PAM behind it) takes keyboard-interactive and refuses plain password auth.
    ki_ssh=(ssh -F /dev/null -p "$X2GO_KBDINT_PORT" "${ssh_base[@]:5}" -o UserKnownHostsFile="$X2GO_KNOWN_HOSTS"
        -o PubkeyAuthentication=no -o NumberOfPasswordPrompts=1 "$X2GO_USER@$X2GO_HOST")
    out=$(SSHPASS=$X2GO_PASSWORD sshpass -e "${ki_ssh[@]}" -o PreferredAuthentications=keyboard-interactive \
        'id -un' 2>"$tmp/ki.err") || fail "keyboard-interactive login failed: $(cat "$tmp/ki.err")"
    [[ $out == "$X2GO_USER" ]] || fail "keyboard-interactive login printed '$out'"
    pass "keyboard-interactive login on port $X2GO_KBDINT_PORT"
    if SSHPASS=$X2GO_PASSWORD sshpass -e "${ki_ssh[@]}" -o PreferredAuthentications=password true 2>/dev/null; then
        fail "password auth was accepted on the keyboard-interactive port"
    fi
    pass "password auth refused on the keyboard-interactive port"
else
    echo "skip - password login (sshpass not installable)"
fi

# The passphrase really protects the second key.
ssh-keygen -y -P '' -f "$X2GO_KEY_PASSPHRASED" >/dev/null 2>&1 && fail "X2GO_KEY_PASSPHRASED has no passphrase"
ssh-keygen -y -P "$X2GO_KEY_PASSPHRASE" -f "$X2GO_KEY_PASSPHRASED" >/dev/null || fail "X2GO_KEY_PASSPHRASE does not open the key"
pass "passphrase protects X2GO_KEY_PASSPHRASED"

# The client-side X display for nxproxy answers.
DISPLAY=$X2GO_CLIENT_DISPLAY xdpyinfo >/dev/null 2>&1 || fail "client display $X2GO_CLIENT_DISPLAY does not answer"
pass "client display $X2GO_CLIENT_DISPLAY"

echo "PASS: x2go peer smoke test"
