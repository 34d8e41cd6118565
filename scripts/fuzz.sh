#!/usr/bin/env bash
# Fuzzes, with libFuzzer and AddressSanitizer, the image decoders (PNG, JPEG, PNM: DecodeFuzzer), the fast PNG
# reader against libpng with valid CRCs (PNGReaderFuzzer), and the chunk decoder with a worker's rendering (any
# message on the queue: ChunkFuzzer).
# Usage: scripts/fuzz.sh [SECONDS] [TARGET...]   (default 600 s each, every target; findings go to Fuzz/findings/)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/require.sh
require_swift
require_apt_packages $SOBEL_APT_PACKAGES
seconds=${1:-600}
shift || true
if [ $# -gt 0 ]; then targets=("$@"); else targets=(DecodeFuzzer PNGReaderFuzzer ChunkFuzzer); fi
mkdir -p Fuzz/findings
for target in "${targets[@]}"; do
    echo "== building $target (-sanitize=fuzzer,address)"
    swift build --package-path Fuzz -c release -Xswiftc -sanitize=fuzzer,address -Xcc -fsanitize=fuzzer-no-link,address -Xswiftc -use-ld=lld \
        --product "$target"
    corpus=$(mktemp -d)
    case "$target" in
        DecodeFuzzer) cp Fixtures/pngsuite/*.png Fixtures/jpeg/*.jpg Fixtures/jpeg/*.png "$corpus"/ ;;
        PNGReaderFuzzer) cp Fixtures/pngsuite/*.png Fixtures/jpeg/*.png "$corpus"/ ;;
        ChunkFuzzer) cp Fixtures/chunks/* "$corpus"/ ;;
    esac
    echo "== fuzzing $target for $seconds s"
    "$(swift build --package-path Fuzz -c release --show-bin-path)/$target" "$corpus" \
        -max_total_time="$seconds" -max_len=262144 -timeout=10 -rss_limit_mb=2048 -artifact_prefix="Fuzz/findings/$target-" -print_final_stats=1
    rm -rf "$corpus"
done
