#!/usr/bin/env bash
# Memory soak of sobel serve (scripts/soak.py): hostile passes and a 50-client burst, first distributed (private
# RabbitMQ and Redis on free loopback ports, two sobel work processes; the coordinator's RSS), then embedded.
# Not part of the test suite: it measures, it does not time out. Exit status 1 when a goal is missed.
# Usage: scripts/soak.sh      (about 3 minutes after the release build)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/require.sh
require_swift
require_apt_packages $SOBEL_APT_PACKAGES $SOBEL_TEST_APT_PACKAGES
swift build -c release --product sobel
sobel="$(swift build -c release --show-bin-path)/sobel"
redis_dir=/tmp/sobel-soak-redis-$$ rabbitmq_dir=/tmp/sobel-soak-rabbitmq-$$
trap 'scripts/lib/test-servers.sh destroy redis "$redis_dir"; scripts/lib/test-servers.sh destroy rabbitmq "$rabbitmq_dir"' EXIT
status=0
echo "== distributed: sobel serve + 2 sobel work, private RabbitMQ and Redis"
SOBEL_REDIS_URL=$(scripts/lib/test-servers.sh start redis "$redis_dir") \
    SOBEL_AMQP_URL=$(scripts/lib/test-servers.sh start rabbitmq "$rabbitmq_dir") \
    python3 scripts/soak.py "$sobel" || status=1
echo "== embedded: sobel serve alone"
env -u SOBEL_AMQP_URL -u SOBEL_REDIS_URL python3 scripts/soak.py "$sobel" || status=1
exit "$status"
