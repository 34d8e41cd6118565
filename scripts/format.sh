#!/usr/bin/env bash
# Formats every Swift file of the repository with the toolchain's `swift format` and the checked-in .swift-format.
# Usage: scripts/format.sh           rewrite the files in place
#        scripts/format.sh --lint    change nothing; exit 1 and name each file and line that is not formatted
set -euo pipefail
cd "$(dirname "$0")/.."
# Our own Swift only: the packages' sources and tests, never a build folder's checkouts.
mapfile -t files < <(find Package.swift Sources Tests Fuzz Examples -name '*.swift' -not -path '*/.build*' 2>/dev/null | sort)
if [[ "${1:-}" == "--lint" ]]; then
    swift format lint --strict --parallel "${files[@]}"
else
    swift format format --in-place --parallel "${files[@]}"
fi
