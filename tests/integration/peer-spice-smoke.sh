#!/usr/bin/env bash
# peer-spice-smoke.sh - check that the real QEMU SPICE peers answer a SPICE link.
#
# Starts (idempotently) the instances smoke-plain, smoke-unix and smoke-tls with
# tests/peers/spice-peer.sh and links a main channel on each with
# spice-link-probe.py: over TCP, over the unix socket and over TLS (verified
# against the test CA; the wrong CA and a wrong host name must fail).
# The instances are left running; `spice-peer.sh stop --all` cleans up.

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PEER=$HERE/../peers/spice-peer.sh
PYTHON=/usr/bin/python3
PROBE=$HERE/spice-link-probe.py
failures=0

# check DESCRIPTION PROBE-ARGS...: run the probe, report PASS or FAIL.
check() {
    local what=$1 out
    shift
    if out=$("$PYTHON" "$PROBE" "$@" 2>&1); then
        echo "PASS: $what"
    else
        echo "FAIL: $what"
        printf '    %s\n' "${out//$'\n'/$'\n    '}"
        failures=$((failures + 1))
    fi
}

# start NAME OPTIONS...: start an instance and load its SPICE_* variables.
start() {
    local env
    env=$("$PEER" start "$@") || { echo "FAIL: could not start SPICE peer $1" >&2; exit 1; }
    eval "$env"
}

[[ -x $PYTHON ]] || { echo "FAIL: $PYTHON is missing" >&2; exit 1; }

# --- plain TCP ---
start smoke-plain
first_pid=$SPICE_PID
start smoke-plain
if [[ $SPICE_PID == "$first_pid" ]]; then
    echo "PASS: second start of smoke-plain reuses pid $SPICE_PID"
else
    echo "FAIL: second start of smoke-plain changed pid $first_pid -> $SPICE_PID"
    failures=$((failures + 1))
fi
check "tcp link + session ($SPICE_URI)" --port "$SPICE_PORT" \
    --expect-name "$SPICE_NAME" --expect-uuid "$SPICE_UUID" \
    --expect-channel display --expect-channel inputs --expect-channel cursor
check "tcp link reply with zero caps" --port "$SPICE_PORT" --no-caps --link-only

# --- unix socket ---
start smoke-unix --unix
check "unix link + session ($SPICE_URI)" --unix "$SPICE_UNIX_PATH" \
    --expect-name "$SPICE_NAME" --expect-uuid "$SPICE_UUID" --expect-channel display

# --- TLS ---
start smoke-tls --tls
check "tls link, verified as 127.0.0.1 (port $SPICE_TLS_PORT)" --tls-port "$SPICE_TLS_PORT" \
    --ca "$SPICE_CA_FILE" --server-name 127.0.0.1 --expect-subject "$SPICE_CERT_SUBJECT" \
    --pubkey-file "$SPICE_SERVER_PUBKEY_FILE" --expect-name "$SPICE_NAME" --expect-uuid "$SPICE_UUID"
check "tls link, verified as localhost" --tls-port "$SPICE_TLS_PORT" --ca "$SPICE_CA_FILE" \
    --server-name localhost --link-only
check "tls verification against the wrong CA fails" --tls-port "$SPICE_TLS_PORT" \
    --ca "$SPICE_WRONG_CA_FILE" --server-name 127.0.0.1 --expect-tls-failure
check "tls verification of a wrong host name fails" --tls-port "$SPICE_TLS_PORT" \
    --ca "$SPICE_CA_FILE" --server-name not-this-host.invalid --expect-tls-failure
check "plain port of the tls instance" --port "$SPICE_PORT" --link-only

if ((failures)); then
    echo "peer-spice-smoke: $failures check(s) failed"
    exit 1
fi
echo "peer-spice-smoke: all checks passed"
