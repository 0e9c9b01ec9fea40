# SPDX-License-Identifier: LGPL-2.1-or-later
# The two commands of the README. Both work on a fresh Debian bookworm machine:
# they install what is missing (apt-get, through sudo when not root).
BUILD ?= build

.PHONY: all check demo build deps asan fuzz peers-stop clean

all: build

deps:
	build-aux/install-deps.sh build test

build: deps
	@[ -f $(BUILD)/build.ninja ] || meson setup $(BUILD)
	ninja -C $(BUILD)

# Installs, builds, runs the unit, fuzz-corpus and integration suites against
# real local peers, and ends with one line 'N passed, N failed'.
check:
	build-aux/check.sh $(BUILD)

# The main job against a local server: installs what is missing, builds,
# starts a QEMU SPICE server, runs `tether spice info` and `tether spice
# screenshot`, prints where the PNG is, and stops the server it started.
demo: build
	build-aux/spice-demo.sh $(BUILD)

# The unit and fuzz-corpus suites under AddressSanitizer + UBSan.
asan:
	build-aux/sanitize.sh

# Every fuzz target under libFuzzer for FUZZ_SECONDS each (default 30).
fuzz:
	build-aux/fuzz.sh

peers-stop:
	tests/peers/x2go-peer.sh stop
	tests/peers/spice-peer.sh stop --all

clean:
	rm -rf $(BUILD) build-asan build-fuzz
