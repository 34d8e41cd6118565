#!/usr/bin/env bash
# Builds the DocC documentation of SobelCore and SobelCodecs with warnings as errors (a broken symbol link or
# an undocumented parameter fails it). Run by scripts/test.sh; the sites land in .build/docs/<Target>/.
# Usage: scripts/docs.sh    (then open .build/docs/SobelCore/index.html through any static file server)
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .build/docs
for target in SobelCore SobelCodecs; do
    swift package --allow-writing-to-directory .build/docs generate-documentation --target "$target" \
        --warnings-as-errors --output-path ".build/docs/$target" --transform-for-static-hosting
done
