#!/usr/bin/env bash
# The whole test suite: builds the package and runs every test against the real built binary.
# Usage: scripts/test.sh            (from anywhere; needs a Swift 6.1+ toolchain on PATH)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/require.sh
require_swift
require_apt_packages $SOBEL_APT_PACKAGES $SOBEL_TEST_APT_PACKAGES
echo "== building (debug) and running the tests"
swift build --build-tests
mkdir -p .build
set +e
# "started" lines are dropped for readability; results, issues and the closing line stay.
swift test --skip-build 2>&1 | tee .build/test-output.log | grep -vE '^(◇|↳) |Executed 0 tests|^Test Suite .*(started|passed)'
status=${PIPESTATUS[0]}
set -e
exit "$status"
