#!/usr/bin/env bash
# Network faults, not process deaths: RabbitMQ, Redis, the coordinator and two workers each run in a network
# namespace of their own, joined by a bridge (10.77.0.0/24). For each case, a job is submitted and, while its
# chunks are in flight, one link is cut with `iptables -j DROP` (silently: no reset, as in a real partition) for
# 30 s, then healed. Each case reports the job's outcome, whether it is bit-exact, how long it took, and whether
# every process is still alive and reconnected afterwards.
# Needs root (ip netns, iptables); not part of the test suite. Results go into docs/service.md by hand.
# Usage: sudo scripts/chaos.sh [CASE...]   cases: worker-rabbitmq worker-redis coordinator-redis coordinator-rabbitmq
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "scripts/chaos.sh needs root (ip netns, iptables)" >&2; exit 2; }
source scripts/lib/require.sh
require_swift
require_apt_packages $SOBEL_APT_PACKAGES $SOBEL_TEST_APT_PACKAGES iptables iproute2 curl
swift build -c release --product sobel
sobel="$(swift build -c release --show-bin-path)/sobel"
cases=("$@")
[ ${#cases[@]} -gt 0 ] || cases=(worker-rabbitmq worker-redis coordinator-redis coordinator-rabbitmq)
partition_seconds=${CHAOS_PARTITION_SECONDS:-30}

work=$(mktemp -d /tmp/sobel-chaos.XXXXXX)
chmod 755 "$work"
declare -A address=([rabbit]=10.77.0.10 [redis]=10.77.0.11 [coord]=10.77.0.20 [w1]=10.77.0.31 [w2]=10.77.0.32)
pids=()

cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    sleep 1
    ip netns exec sc-redis env SOBEL_SERVER_BIND="${address[redis]}" scripts/lib/test-servers.sh destroy redis "$work/redis" 2>/dev/null || true
    ip netns exec sc-rabbit env SOBEL_SERVER_BIND="${address[rabbit]}" scripts/lib/test-servers.sh destroy rabbitmq "$work/rabbitmq" 2>/dev/null || true
    for name in "${!address[@]}"; do ip netns del "sc-$name" 2>/dev/null || true; ip link del "vh-$name" 2>/dev/null || true; done
    ip link del sobelbr 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

echo "== network: a bridge and one namespace per process"
ip link del sobelbr 2>/dev/null || true  # left over by an interrupted run
for name in "${!address[@]}"; do ip netns del "sc-$name" 2>/dev/null || true; done
ip link add sobelbr type bridge
ip addr add 10.77.0.1/24 dev sobelbr
ip link set sobelbr up
for name in "${!address[@]}"; do
    ip netns add "sc-$name"
    ip link add "vh-$name" type veth peer name "vn-$name"
    ip link set "vn-$name" netns "sc-$name"
    ip link set "vh-$name" master sobelbr up
    ip -n "sc-$name" link set lo up
    ip -n "sc-$name" addr add "${address[$name]}/24" dev "vn-$name"
    ip -n "sc-$name" link set "vn-$name" up
done

echo "== servers"
redis_url=$(ip netns exec sc-redis env SOBEL_SERVER_BIND="${address[redis]}" scripts/lib/test-servers.sh start redis "$work/redis")
amqp_url=$(ip netns exec sc-rabbit env SOBEL_SERVER_BIND="${address[rabbit]}" scripts/lib/test-servers.sh start rabbitmq "$work/rabbitmq")
export SOBEL_REDIS_URL=$redis_url SOBEL_AMQP_URL=$amqp_url SOBEL_DEADLINE_SECONDS=120
ip netns exec sc-coord "$sobel" serve --host "${address[coord]}" --port 8080 > "$work/coord.log" 2>&1 &
pids+=($!)
for worker in w1 w2; do
    ip netns exec "sc-$worker" "$sobel" work --id "$worker" --concurrency 1 --prefetch 2 > "$work/$worker.log" 2>&1 &
    pids+=($!)
done
api="http://${address[coord]}:8080"
for _ in $(seq 100); do curl -sf "$api/readyz" > /dev/null && break; sleep 0.2; done
curl -sf "$api/readyz" > /dev/null || { echo "the coordinator did not become ready: $(cat "$work/coord.log")" >&2; exit 1; }

# The input: an 8192x8192 gray PNG (about 70 chunks: the job lasts long enough to cut a link in its middle),
# and what sobel filter makes of it on this machine.
python3 -m pip install -q numpy
python3 - "$work/inputs" <<'PY'
import os, struct, sys, zlib
import numpy as np
os.makedirs(sys.argv[1], exist_ok=True)
size = 8192
y, x = np.mgrid[0:size, 0:size]
image = (((x * 7 + y * 3) & 255) ^ np.random.default_rng(5).integers(0, 16, (size, size))).astype(np.uint8)
rows = np.concatenate([np.zeros((size, 1), np.uint8), image], axis=1).tobytes()
def chunk(kind, data): return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
open(os.path.join(sys.argv[1], "input.png"), "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 0, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(rows, 1)) + chunk(b"IEND", b""))
PY
input="$work/inputs/input.png"
"$sobel" filter "$input" -o "$work/expected.pgm" --pipeline gray,blur:5,sobel:l2 --quiet

cut() {  # NAMESPACE PEER on|off: drop every packet between the namespace and PEER's address, both ways
    local action=-A
    [ "$3" = on ] || action=-D
    ip netns exec "$1" iptables "$action" OUTPUT -d "$2" -j DROP
    ip netns exec "$1" iptables "$action" INPUT -s "$2" -j DROP
}

run_case() {
    local name=$1 namespace peer
    case "$name" in
        worker-rabbitmq) namespace=sc-w1 peer=${address[rabbit]} ;;
        worker-redis) namespace=sc-w1 peer=${address[redis]} ;;
        coordinator-redis) namespace=sc-coord peer=${address[redis]} ;;
        coordinator-rabbitmq) namespace=sc-coord peer=${address[rabbit]} ;;
        *) echo "unknown case $name" >&2; return 1 ;;
    esac
    local started=$SECONDS id
    # Mid-job: the upload goes in the background and the link is cut while it is being decoded and its first
    # chunks are out (tiles are rendered while the rest of the upload is still decoding).
    curl -s --max-time 200 --data-binary @"$input" -H 'Content-Type: image/png' "$api/api/v1/jobs?pipeline=gray,blur:5,sobel:l2&format=pgm" > "$work/created.json" &
    local upload=$!
    sleep 0.7
    local cut_at=$SECONDS
    cut "$namespace" "$peer" on
    wait "$upload" || true
    id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$work/created.json" 2>/dev/null || echo "")
    local left=$((partition_seconds - (SECONDS - cut_at)))
    [ "$left" -le 0 ] || sleep "$left"
    cut "$namespace" "$peer" off
    local healed_at=$SECONDS
    # The outcome, polled through the API (a client behind the coordinator; a poll may fail during a cut).
    local final=""
    [ -n "$id" ] || final="{\"status\": \"failed\", \"error\": \"the upload was refused: $(tr -d '"' < "$work/created.json")\", \"timings\": {\"total\": 0}}"
    while [ -n "$id" ] && [ $((SECONDS - started)) -lt 150 ]; do
        final=$(curl -s --max-time 5 "$api/api/v1/jobs/$id" || true)
        python3 -c 'import json,sys; sys.exit(0 if json.loads(sys.argv[1])["status"] in ("done", "failed") else 1)' "$final" 2>/dev/null && break
        sleep 0.5
    done
    local outcome exact="n/a"
    outcome=$(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(d["status"] + (": " + d["error"] if d.get("error") else "") + " in %.1f s (its own total)" % (d["timings"]["total"] / 1000))' "$final" 2>/dev/null || echo "no answer: $final")
    if [[ "$outcome" == done* ]]; then
        curl -s "$api/api/v1/jobs/$id/result" -o "$work/result.pgm"
        cmp -s "$work/result.pgm" "$work/expected.pgm" && exact=yes || exact=NO
    fi
    local alive=yes
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null || alive=NO; done
    # Afterwards everything works again without a restart: a second job completes.
    local after
    after=$(curl -s --max-time 130 --data-binary @"$input" -H 'Content-Type: image/png' "$api/api/v1/jobs?pipeline=gray,blur:5,sobel:l2&format=pgm&wait=true" -o "$work/after.pgm" -w '%{http_code}' || true)
    printf '| %s | cut %ds after the upload began, healed at %ds | %s | %s | %ds | %s | %s |\n' "$name" "$((cut_at - started))" "$((healed_at - started))" \
        "$outcome" "$exact" "$((SECONDS - started))" "$alive" "$( [ "$after" = 200 ] && cmp -s "$work/after.pgm" "$work/expected.pgm" && echo "yes, exact" || echo "NO ($after)")"
}

echo
echo "| case | partition | outcome | bit-exact | client saw the end after | all processes alive | next job |"
echo "|---|---|---|---|---|---|---|"
for name in "${cases[@]}"; do run_case "$name"; done
echo
echo "logs: coordinator and workers"
tail -n 5 "$work/coord.log" "$work/w1.log" "$work/w2.log"
