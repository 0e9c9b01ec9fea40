#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Installs the Debian packages Tether needs that are missing, and nothing else.
#   build-aux/install-deps.sh [build] [test] [fuzz] [bench]
# With no group named: build and test. Uses sudo when not root; runs
# `apt-get update` only when a package is not installable without it.
set -euo pipefail

build_pkgs=(
  gcc make meson ninja-build pkg-config
  libglib2.0-dev gobject-introspection libgirepository1.0-dev gir1.2-glib-2.0
  libssh-dev libssl-dev libpixman-1-dev liblz4-dev zlib1g-dev libjpeg62-turbo-dev
  libopus-dev libpng-dev libsasl2-dev
)
test_pkgs=( python3 python3-gi openssh-client procps iproute2
  libspice-server-dev spice-client-gtk gir1.2-spiceclientglib-2.0 sasl2-bin libsasl2-modules )
fuzz_pkgs=( clang-14 libclang-rt-14-dev llvm-14 )
bench_pkgs=( hyperfine time )

groups=("$@")
[ ${#groups[@]} -gt 0 ] || groups=(build test)
want=()
for g in "${groups[@]}"; do
  case $g in
    build) want+=("${build_pkgs[@]}") ;;
    test) want+=("${test_pkgs[@]}") ;;
    fuzz) want+=("${fuzz_pkgs[@]}") ;;
    bench) want+=("${bench_pkgs[@]}") ;;
    *) echo "install-deps: unknown group '$g' (build, test, fuzz, bench)" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${want[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [ "$status" = installed ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=()
[ "$(id -u)" -eq 0 ] || SUDO=(sudo)
export DEBIAN_FRONTEND=noninteractive
echo "install-deps: installing ${missing[*]}" >&2
if ! "${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" >&2; then
  "${SUDO[@]}" apt-get update -q >&2
  "${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
fi
