#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# SPICE SASL authentication against a real QEMU (-spice ...,sasl=on, a
# DIGEST-MD5 sasldb made by tests/peers/spice-peer.sh --sasl):
#   - over TLS, the right user and password: `tether spice info` exits 0
#     and prints the VM's name and uuid from the main channel;
#   - a wrong password, and no user name: exit 1, an authentication error;
#   - plain port + TLS port: the main channel moves to TLS and succeeds;
#   - plain port only: the DIGEST-MD5 security layer is negotiated (SSF
#     >= 56, logged) and the session works; a wrong password is refused
#     (the layer's traffic itself is checked in spice-sasl-layer.py).
# Usage: spice-sasl.sh TETHER PEER_SCRIPT. Exit 77 (skip) without QEMU or
# when Tether was built without SASL.
set -uo pipefail
tether=$1 peer=$2
user=sasluser pass='sasl-pass-42'
peer() { env -u G_DEBUG -u MALLOC_PERTURB_ "$peer" "$@"; }
stop() { peer stop sasl-tls >/dev/null 2>&1; peer stop sasl-both >/dev/null 2>&1; peer stop sasl-plain >/dev/null 2>&1; }
trap stop EXIT

grep -q '^#define HAVE_SASL 1' "${TETHER_BUILD_ROOT:-.}/config.h" 2>/dev/null ||
    { echo "# built without SASL: skipping"; exit 77; }

start() {  # NAME [OPTIONS] -> sets SPICE_* in this shell
  local env
  env=$(peer start "$@" --sasl "$user:$pass" --replace) || { echo "# cannot start the SPICE peer $1: skipping"; exit 77; }
  eval "$env"
}

rc=0 n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); echo "not ok $n - $1"; rc=1; }
# CASE NAME, EXPECTED EXIT, OUTPUT PATTERN (grep -E), then the tether arguments.
check() {
  local name=$1 want=$2 pattern=$3 out got
  shift 3
  out=$(timeout 60 "$tether" spice info --main-only "$@" 2>&1); got=$?
  if [[ $got == "$want" ]] && grep -qE -- "$pattern" <<<"$out"; then ok "$name"
  else notok "$name (exit $got, want $want; output: $(tr '\n' ' ' <<<"$out"))"; fi
}

start sasl-tls --tls-only
check "tls: right password" 0 "UUID: +$SPICE_UUID" --ca-file "$SPICE_CA_FILE" --username "$user" --password "$pass" "$SPICE_URI"
check "tls: name" 0 "Name: +$SPICE_NAME" --ca-file "$SPICE_CA_FILE" --username "$user" --password "$pass" "$SPICE_URI"
check "tls: wrong password" 1 "authentication failed" --ca-file "$SPICE_CA_FILE" --username "$user" --password wrong "$SPICE_URI"
check "tls: unknown user" 1 "authentication failed" --ca-file "$SPICE_CA_FILE" --username nobody --password "$pass" "$SPICE_URI"
check "tls: no user name" 1 "authentication failed: SASL authentication with DIGEST-MD5 failed: .*user name" \
    --ca-file "$SPICE_CA_FILE" --password "$pass" "$SPICE_URI"

start sasl-both --tls
check "plain+tls ports: moves to TLS" 0 "UUID: +$SPICE_UUID" --ca-file "$SPICE_CA_FILE" --username "$user" --password "$pass" "$SPICE_URI"

start sasl-plain
check "plain only: right password, through the security layer" 0 "UUID: +$SPICE_UUID" \
    --username "$user" --password "$pass" "$SPICE_URI"
out=$(G_MESSAGES_DEBUG=Tether-Spice timeout 60 "$tether" spice info --main-only --username "$user" --password "$pass" "$SPICE_URI" 2>&1)
if grep -qE "SASL: DIGEST-MD5 security layer, SSF ([5-9][0-9]|[1-9][0-9]{2,})," <<<"$out"; then ok "plain only: a security layer of SSF >= 56 is in use"
else notok "plain only: no security layer reported ($(grep -i sasl <<<"$out" | tr '\n' ' '))"; fi
check "plain only: wrong password" 1 "authentication failed" --username "$user" --password wrong "$SPICE_URI"
echo "1..$n"
exit $rc
