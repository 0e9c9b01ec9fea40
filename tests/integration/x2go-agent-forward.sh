#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# x2go-agent-forward.sh — `tether x2go -A` (python-x2go's forward_sshagent) against the
# real X2Go peer: an ssh-agent of this test's own holds the peer's key; an X2Go session
# whose command runs `ssh-add -l` on the server sees that key with -A, and no agent
# without it. Terminates only the sessions it started, by name; stops its agent by pid.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=${TETHER_SOURCE_ROOT:-$(cd "$here/../.." && pwd)}
tool=${TETHER_TOOL:-$root/build/tools/tether}
peer="$root/tests/peers/x2go-peer.sh"

fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "ok - $*"; }

command -v ssh-agent >/dev/null || { echo "skip - no ssh-agent"; exit 77; }
eval "$("$peer" start)" || fail "x2go-peer.sh start failed"
tmp=$(mktemp -d)
agent_pid=
started=()
probe=".tether-agent-probe-$$"

# ssh_stdin reads its standard input; ssh_peer does not.
ssh_stdin=(ssh -F /dev/null -p "$X2GO_PORT" -o StrictHostKeyChecking=yes -o GlobalKnownHostsFile=/dev/null
    -o UserKnownHostsFile="$X2GO_KNOWN_HOSTS" -o IdentityAgent=none -o IdentitiesOnly=yes
    -o BatchMode=yes -o LogLevel=ERROR -i "$X2GO_KEY" "$X2GO_USER@$X2GO_HOST")
ssh_peer=(ssh -n "${ssh_stdin[@]:1}")

cleanup() {
    local name
    # The probe's name is in the session's name: also sessions whose start failed
    # half-way (x2gostartagent can register a session and then report a failure).
    mapfile -t -O "${#started[@]}" started < <("${ssh_peer[@]}" x2golistsessions 2>/dev/null |
        cut -d'|' -f2 | grep -F "_stR$probe.sh_")
    for name in "${started[@]}"; do
        [[ $name =~ ^[A-Za-z0-9._@-]+$ ]] || continue
        if "${ssh_peer[@]}" x2golistsessions 2>/dev/null | cut -d'|' -f2 | grep -qx "$name"; then
            echo "# cleanup: terminating $name"
            "${ssh_peer[@]}" "x2goterminate-session $name" >/dev/null 2>&1
        fi
    done
    "${ssh_peer[@]}" "rm -f ~/$probe.sh ~/$probe.out" >/dev/null 2>&1
    if [[ -n $agent_pid ]]; then
        kill "$agent_pid" 2>/dev/null
        wait "$agent_pid" 2>/dev/null
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT

# ---- the agent
ssh-agent -D -a "$tmp/agent.sock" >/dev/null 2>&1 &
agent_pid=$!
for ((i = 0; i < 100; i++)); do
    SSH_AUTH_SOCK="$tmp/agent.sock" ssh-add -q "$X2GO_KEY" 2>/dev/null && break
    sleep 0.1
done
SSH_AUTH_SOCK="$tmp/agent.sock" ssh-add -l >/dev/null || fail "could not load the key into the agent"
fingerprint=$(ssh-keygen -l -E sha256 -f "$X2GO_KEY.pub" | cut -d' ' -f2)
[[ $fingerprint == SHA256:* ]] || fail "no fingerprint for $X2GO_KEY.pub"

# ---- the session command: ssh-add -l into a file
# shellcheck disable=SC2016  # expanded by the probe on the server
printf '#!/bin/sh\n{ echo "sock=[$SSH_AUTH_SOCK]"; ssh-add -l; echo "rc=$?"; } >"$HOME/%s.out" 2>&1\n' "$probe" |
    "${ssh_stdin[@]}" "cat >~/$probe.sh && chmod 0755 ~/$probe.sh" || fail "could not install the probe"
# shellcheck disable=SC2016  # the server's $HOME
home=$("${ssh_peer[@]}" 'echo $HOME')
[[ $home == /* ]] || fail "no home on the server: $home"

# run_probe LOG ARGS...: a session running the probe; the foreground tether exits
# when the probe (and with it the session) ends. Prints the probe's output.
run_probe() {
    local log=$1 rc name
    shift
    "${ssh_peer[@]}" "rm -f ~/$probe.out"
    SSH_AUTH_SOCK="$tmp/agent.sock" timeout 120 "$tool" x2go --server "$X2GO_HOST" -p "$X2GO_PORT" \
        -u "$X2GO_USER" -i "$X2GO_KEY" --known-hosts "$X2GO_KNOWN_HOSTS" --display "$X2GO_CLIENT_DISPLAY" \
        --sessions-root "$tmp/sessions" "$@" -N -c "$home/$probe.sh" >"$log" 2>&1
    rc=$?
    name=$(grep -o "X2Go session [^ ]* started" "$log" | head -1 | cut -d' ' -f3)
    [[ -n $name ]] && started+=("$name")
    ((rc == 0)) || fail "tether x2go $* -N exited $rc: $(cat "$log")"
    grep -q "has terminated" "$log" || fail "the probe session did not end by itself: $(cat "$log")"
    "${ssh_peer[@]}" "cat ~/$probe.out"
}

out=$(run_probe "$tmp/with.log" -A) || exit 1
echo "$out" | sed 's/^/# -A: /'
grep -q "^sock=\[/" <<<"$out" || fail "-A: no SSH_AUTH_SOCK in the session: $out"
grep -qF "$fingerprint" <<<"$out" || fail "-A: ssh-add -l in the session does not list $fingerprint: $out"
grep -qx "rc=0" <<<"$out" || fail "-A: ssh-add -l failed: $out"
pass "-A: the session's ssh-add -l lists the local agent's key ($fingerprint)"

out=$(run_probe "$tmp/without.log") || exit 1
echo "$out" | sed 's/^/# no -A: /'
# x2goruncommand points SSH_AUTH_SOCK at a link in the session's directory (~/.x2go/C-…/
# ssh-agent.PID) either way; without forwarding nothing is behind it.
grep -qF "$fingerprint" <<<"$out" && fail "without -A: the key is visible: $out"
grep -qx "rc=2" <<<"$out" || fail "without -A: ssh-add -l did not fail as without an agent: $out"
pass "without -A: no agent in the session"

echo "PASS: tether x2go -A forwards the SSH agent"
