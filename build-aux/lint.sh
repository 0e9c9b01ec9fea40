#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Bans C calls that have bounded or argv-based replacements, everywhere in the
# project's C sources (see docs/architecture.md, "Parsing untrusted input").
set -u
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$root" || exit 2
banned='\b(strcpy|strcat|sprintf|vsprintf|gets|atoi|atol|atoll|strtok|system|popen|g_spawn_command_line_sync|g_spawn_command_line_async|alloca)[[:space:]]*\('
hits=$(git ls-files -co --exclude-standard -- '*.c' '*.h' 2>/dev/null | xargs -r grep -nE "$banned" | grep -v 'lint: allow' || true)
if [ -n "$hits" ]; then
  echo "banned calls found:"
  echo "$hits"
  exit 1
fi
echo "ok - no banned calls in C sources"
