#!/usr/bin/env bash
# Fuzzes the image decoders (PNG, JPEG, PNM) with libFuzzer and AddressSanitizer.
# Usage: scripts/fuzz.sh [SECONDS]     (default 600; findings go to Fuzz/findings/)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/require.sh
require_swift
require_apt_packages $SOBEL_APT_PACKAGES
seconds=${1:-600}
echo "== building the fuzz target (-sanitize=fuzzer,address)"
swift build --package-path Fuzz -c release -Xswiftc -sanitize=fuzzer,address -Xcc -fsanitize=fuzzer-no-link,address -Xswiftc -use-ld=lld \
    --product DecodeFuzzer
corpus=$(mktemp -d)
trap 'rm -rf "$corpus"' EXIT
cp Fixtures/pngsuite/*.png Fixtures/jpeg/*.jpg Fixtures/jpeg/*.png "$corpus"/
mkdir -p Fuzz/findings
echo "== fuzzing for $seconds s"
"$(swift build --package-path Fuzz -c release --show-bin-path)/DecodeFuzzer" "$corpus" \
    -max_total_time="$seconds" -max_len=262144 -timeout=10 -rss_limit_mb=2048 -artifact_prefix=Fuzz/findings/ -print_final_stats=1
