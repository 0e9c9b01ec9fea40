#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The SPICE wire layer against a real QEMU SPICE server: spice-wire-probe
# links the main channel (plain, then with a password, then with a wrong
# one), reads INIT/NAME/UUID, answers the PINGs, gets CHANNELS_LIST, and
# links the inputs channel with the session id (and a wrong id).
# Usage: test-spice-wire-link.sh PROBE PEER_SCRIPT. Exit 77 (skip) without QEMU.
set -uo pipefail
probe=$1 peer=$2
# QEMU links GLib: with the test suite's G_DEBUG=fatal-warnings a spice-server
# warning (a client that hangs up, say) would abort the server.
peer() { env -u G_DEBUG -u MALLOC_PERTURB_ "$peer" "$@"; }
stop() { peer stop wire-probe >/dev/null 2>&1; peer stop wire-probe-pw >/dev/null 2>&1; }
trap stop EXIT

start() {  # NAME [OPTIONS] -> sets SPICE_* in this shell
  local env
  env=$(peer start "$@" --replace) || { echo "# cannot start the SPICE peer $1: skipping"; exit 77; }
  eval "$env"
}

rc=0
start wire-probe
"$probe" "$SPICE_HOST" "$SPICE_PORT" --expect-name "$SPICE_NAME" --expect-uuid "$SPICE_UUID" || rc=1
start wire-probe-pw --password 'wire probe pw'
"$probe" "$SPICE_HOST" "$SPICE_PORT" "$SPICE_PASSWORD" --expect-name "$SPICE_NAME" || rc=1
"$probe" "$SPICE_HOST" "$SPICE_PORT" 'not the password' --expect-auth-failure || rc=1
"$probe" "$SPICE_HOST" "$SPICE_PORT" --expect-auth-failure || rc=1
exit $rc
