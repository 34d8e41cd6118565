#!/usr/bin/env bash
# Speed report: the anchors (OpenCV, Halide, libvips, memcpy) and sobel bench: the default build (at its
# best CPU level, and forced to each lower one), and the tuned build, measured one right after another on this
# machine. Takes about 15 minutes.
# Usage: scripts/bench.sh [TARGET_CPU]       (default znver4; e.g. haswell, native)
#        scripts/bench.sh --service     whole service jobs, throughput and upload latency only (private RabbitMQ and Redis; ~7 minutes)
# Writes bench-out/anchors/results.{md,json}, bench-out/{default,level-avx2,level-baseline,tuned,codecs,codecs-opencv}.json
# and docs/charts/kernels.png, or with --service bench-out/{service,service-opencv,upload-latency-*}.json and
# docs/charts/{service,throughput}.png.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/require.sh
require_swift
out=bench-out
mkdir -p "$out"
# The charts (docs/charts/*.png) are drawn from what this run measured, with matplotlib.
draw_charts() {
    python3 -m pip install -q matplotlib
    python3 scripts/bench_charts.py "$out" docs/charts
}
if [ "${1:-}" = --service ]; then
    require_apt_packages $SOBEL_APT_PACKAGES $SOBEL_TEST_APT_PACKAGES
    # The default build: the one users run (its kernels pick the CPU level at run time).
    swift build -c release --product sobel
    sobel="$(swift build -c release --show-bin-path)/sobel"
    redis_dir=/tmp/sobel-bench-redis-$$ rabbitmq_dir=/tmp/sobel-bench-rabbitmq-$$
    trap 'scripts/lib/test-servers.sh destroy redis "$redis_dir"; scripts/lib/test-servers.sh destroy rabbitmq "$rabbitmq_dir"' EXIT
    SOBEL_REDIS_URL=$(scripts/lib/test-servers.sh start redis "$redis_dir")
    SOBEL_AMQP_URL=$(scripts/lib/test-servers.sh start rabbitmq "$rabbitmq_dir")
    export SOBEL_REDIS_URL SOBEL_AMQP_URL
    echo "== sobel bench --service (default build, $("$sobel" --version))"
    "$sobel" bench --service --json --save-inputs "$out/service-inputs" > "$out/service.json"
    echo "== upload latency: last upload byte -> last result byte at 100 Mbit/s, through sobel serve (scripts/upload_latency.py)"
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    latency() {  # MODE, then the command that serves on $port
        local mode=$1
        shift
        "$@" > "$out/serve-$mode.log" 2>&1 &
        local server=$!
        until curl -sf "http://127.0.0.1:$port/readyz" > /dev/null; do sleep 0.2; done
        python3 scripts/upload_latency.py "http://127.0.0.1:$port/api/v1/jobs" "$out/service-inputs/png-4096.png" \
            --label "$mode" > "$out/upload-latency-$mode.json"
        kill "$server"
        wait "$server" || true
    }
    "$sobel" work > "$out/work-1.log" 2>&1 & worker1=$!
    "$sobel" work > "$out/work-2.log" 2>&1 & worker2=$!
    latency distributed "$sobel" serve --port "$port"
    kill "$worker1" "$worker2"
    wait "$worker1" "$worker2" || true
    latency embedded env -u SOBEL_REDIS_URL -u SOBEL_AMQP_URL "$sobel" serve --port "$port" --workers 2
    echo "== OpenCV decode + Sobel + PNG encode on the same inputs"
    python3 -m pip install -q opencv-python-headless==5.0.0.93 numpy
    python3 scripts/service_anchor.py "$out/service-inputs" > "$out/service-opencv.json"
    python3 scripts/service_report.py "$out"
    draw_charts
    exit 0
fi
cpu=${1:-znver4}
echo "== building: default (no flags: the kernels pick their CPU level at run time) and tuned (-target-cpu $cpu) release builds"
swift build -c release --product sobel
swift build -c release --product sobel --scratch-path ".build-$cpu" -Xswiftc -target-cpu -Xswiftc "$cpu"
default_sobel="$(swift build -c release --show-bin-path)/sobel"
echo "== anchors (OpenCV, Halide, libvips, memcpy): scripts/anchors/sobel_anchors.py"
require_apt_packages libvips42  # pyvips loads libvips.so.42
python3 -m pip install -q opencv-python-headless==5.0.0.93 numpy scipy scikit-image halide pyvips
python3 scripts/anchors/sobel_anchors.py --skip codecs,cli,slow,checks --out-dir "$out/anchors"
echo "== sobel bench, default build ($("$default_sobel" --version))"
"$default_sobel" bench --json > "$out/default.json"
echo "== sobel bench, default build at each lower CPU level it supports (SOBEL_CPU), 4096x4096"
for level in avx2 baseline; do
    if SOBEL_CPU=$level "$default_sobel" --version > /dev/null 2>&1; then
        SOBEL_CPU=$level "$default_sobel" bench --sizes 4096x4096 --json > "$out/level-$level.json"
    fi
done
echo "== sobel bench, tuned build ($cpu)"
".build-$cpu/release/sobel" bench --json > "$out/tuned.json"
echo "== codecs: sobel bench --codecs, then OpenCV on the same pixels"
"$default_sobel" bench --codecs --json --save-inputs "$out/codec-inputs" > "$out/codecs.json"
python3 scripts/codec_anchors.py "$out/codec-inputs" > "$out/codecs-opencv.json"
echo "wrote $out/"
python3 scripts/bench_report.py "$out"
draw_charts
