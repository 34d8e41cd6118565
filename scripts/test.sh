#!/usr/bin/env bash
# The whole test suite: builds the package and runs every test against the real built binary, with a
# private redis-server and rabbitmq-server that it starts on free loopback ports and stops afterwards.
# Usage: scripts/test.sh            (from anywhere; needs a Swift 6.2+ toolchain on PATH)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/require.sh
require_swift
require_apt_packages $SOBEL_APT_PACKAGES $SOBEL_TEST_APT_PACKAGES
require_pip_packages $SOBEL_TEST_PIP_PACKAGES
require_ops_venv
echo "== swift format lint (configuration: .swift-format; fix with scripts/format.sh)"
scripts/format.sh --lint
echo "== starting a private redis-server and rabbitmq-server on free loopback ports"
redis_dir=/tmp/sobel-test-redis-$$ rabbitmq_dir=/tmp/sobel-test-rabbitmq-$$
stop_servers() {
    scripts/lib/test-servers.sh destroy redis "$redis_dir" || true
    scripts/lib/test-servers.sh destroy rabbitmq "$rabbitmq_dir" || true
}
trap stop_servers EXIT
SOBEL_TEST_REDIS_URL=$(scripts/lib/test-servers.sh start redis "$redis_dir")
SOBEL_TEST_AMQP_URL=$(scripts/lib/test-servers.sh start rabbitmq "$rabbitmq_dir")
export SOBEL_TEST_REDIS_URL SOBEL_TEST_AMQP_URL
echo "== DocC: SobelCore and SobelCodecs with warnings as errors (scripts/docs.sh; log in .build/docs.log)"
mkdir -p .build
if ! scripts/docs.sh > .build/docs.log 2>&1; then
    grep -vE '^\[[0-9]+/[0-9]+\]|prohibited flag' .build/docs.log | tail -40
    echo "the documentation has errors (above)"
    exit 1
fi
echo "== building (debug) and running the tests"
swift build --build-tests
# Built here, before the tests run in parallel (a 2-minute compile beside them starved the in-process server
# tests); ConsumerPackageTests checks the build's log and the program.
echo "== Examples/CoreOnly: a package that uses only SobelCore, built with pkg-config pointed nowhere"
Tests/consumer-build.sh > .build/examples-CoreOnly.log 2>&1 || { tail -30 .build/examples-CoreOnly.log; exit 1; }
set +e
# "started" lines are dropped for readability; results, issues and the closing line stay.
swift test --skip-build 2>&1 | tee .build/test-output.log | grep -vE '^(◇|↳) |Executed 0 tests|^Test Suite .*(started|passed)'
status=${PIPESTATUS[0]}
set -e
exit "$status"
