#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# x2go-list.sh — listing the user's X2Go sessions, whole process, side by side
# in one hyperfine run against the same local peer:
#   ssh … x2golistsessions    the floor: one SSH login and the server's Perl script
#   tether x2go -L            SSH login, x2gofeaturelist + x2goversion + x2golistsessions
#                             (at once, on one connection), then print
#   pyhoca-cli -L             the reference client (python-x2go, paramiko)
# plus peak memory of each with /usr/bin/time. Prints hyperfine's table and the
# ratios against the ssh floor and against pyhoca-cli.
#
# Usage: bench/x2go-list.sh [BUILD_DIR] [RUNS]   (BUILD_DIR defaults to build/)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
build=${1:-$root/build}
runs=${2:-20}
tool=$build/tools/tether

command -v hyperfine >/dev/null || { echo "hyperfine is missing (build-aux/install-deps.sh bench)" >&2; exit 1; }
command -v pyhoca-cli >/dev/null || { echo "pyhoca-cli is missing (apt-get install pyhoca-cli python3-x2go)" >&2; exit 1; }
[[ -x $tool ]] || { echo "$tool is not built" >&2; exit 1; }

eval "$("$root/tests/peers/x2go-peer.sh" start)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/home/.ssh"
cp "$X2GO_KNOWN_HOSTS" "$tmp/home/.ssh/known_hosts"

ssh_cmd="ssh -F /dev/null -p $X2GO_PORT -o StrictHostKeyChecking=yes -o GlobalKnownHostsFile=/dev/null \
-o UserKnownHostsFile=$X2GO_KNOWN_HOSTS -o IdentityAgent=none -o IdentitiesOnly=yes -o BatchMode=yes \
-i $X2GO_KEY $X2GO_USER@$X2GO_HOST x2golistsessions"
tether_cmd="$tool x2go --server $X2GO_HOST -p $X2GO_PORT -u $X2GO_USER -i $X2GO_KEY \
--known-hosts $X2GO_KNOWN_HOSTS -L"
# pyhoca-cli's paramiko cannot load the peer's ed25519 key: it logs in with the password.
pyhoca_cmd="env HOME=$tmp/home DISPLAY=$X2GO_CLIENT_DISPLAY pyhoca-cli --server $X2GO_HOST -p $X2GO_PORT -u $X2GO_USER \
--password $X2GO_PASSWORD --force-password -L"

for c in "$ssh_cmd" "$tether_cmd" "$pyhoca_cmd"; do
    bash -c "$c" >/dev/null 2>&1 || { echo "failed: ${c//$X2GO_PASSWORD/***}" >&2; exit 1; }
done

hyperfine --style basic --warmup 2 --runs "$runs" --export-json "$tmp/list.json" \
    -n "ssh x2golistsessions" "$ssh_cmd" \
    -n "tether x2go -L" "$tether_cmd" \
    -n "pyhoca-cli -L" "$pyhoca_cmd" 2>&1 | sed "s/$X2GO_PASSWORD/***/g"

peak() { /usr/bin/time -f %M bash -c "exec $1" 2>&1 >/dev/null | tail -1; }
echo
echo "Peak RSS (KiB): ssh $(peak "$ssh_cmd"), tether $(peak "$tether_cmd"), pyhoca-cli $(peak "$pyhoca_cmd")"

/usr/bin/python3 - "$tmp/list.json" <<'EOF'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
ssh, tether, pyhoca = (r["ssh x2golistsessions"]["median"], r["tether x2go -L"]["median"],
                       r["pyhoca-cli -L"]["median"])
print("Medians: ssh %.3f s, tether %.3f s, pyhoca-cli %.3f s" % (ssh, tether, pyhoca))
print("tether / ssh floor: %.2fx;  pyhoca-cli / tether: %.2fx" % (tether / ssh, pyhoca / tether))
EOF
