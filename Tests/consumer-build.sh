#!/usr/bin/env bash
# Builds Examples/CoreOnly, a package that depends on swift-sobel and uses only SobelCore, with pkg-config pointed
# at an empty folder: a build that needed libpng, libjpeg, zlib, hiredis or rabbitmq-c could not find their flags.
# Run by scripts/test.sh (log: .build/examples-CoreOnly.log) and, when that has not run, by ConsumerPackageTests.
set -euo pipefail
cd "$(dirname "$0")/.."
PKG_CONFIG_LIBDIR=/nonexistent PKG_CONFIG_PATH= swift build --package-path Examples/CoreOnly --scratch-path .build/examples/CoreOnly
