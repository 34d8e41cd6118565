#!/usr/bin/env bash
# The main job: builds sobel in release mode and filters the fixture photo into edges.pgm.
# Usage: scripts/run.sh [INPUT] [OUTPUT]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/require.sh
require_swift
require_apt_packages $SOBEL_APT_PACKAGES
input=${1:-Fixtures/photos/photo-1001x701.ppm}
output=${2:-edges.pgm}
echo "== building sobel (release)"
swift build -c release --product sobel
echo "== filtering $input -> $output"
"$(swift build -c release --show-bin-path)/sobel" filter "$input" -o "$output"
echo "wrote $output"
