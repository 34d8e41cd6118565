#!/usr/bin/env bash
# The main job: builds sobel in release mode and serves the upload page and JSON API at
# http://localhost:8080 in the embedded mode (in-memory queue and store, in-process workers: nothing
# else to install). Set SOBEL_AMQP_URL and SOBEL_REDIS_URL to use RabbitMQ and Redis instead.
# Usage: scripts/run.sh [sobel serve options]     e.g. scripts/run.sh --port 9000 --workers 4
# Stop it with Ctrl-C: it finishes the jobs in hand, then exits.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/require.sh
require_swift
require_apt_packages $SOBEL_APT_PACKAGES
echo "== building sobel (release)"
swift build -c release --product sobel
echo "== serving http://localhost:${SOBEL_PORT:-8080} (Ctrl-C stops)"
exec "$(swift build -c release --show-bin-path)/sobel" serve "$@"
