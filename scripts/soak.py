#!/usr/bin/env python3
"""Memory soak of `sobel serve` (embedded mode): the coordinator's resident memory under hostile and heavy load.

  1. Hostile passes: 1,000 mutated PNG/JPEG/PNM uploads (truncations, bit flips, forged sizes, garbage, and some
     valid files), sent three times; RSS after each pass.
  2. Burst: 50 clients upload a 1-megapixel JPEG at once; idle RSS before and after.

Goals (issue 15): RSS grows < 10% from pass 2 to pass 3; idle RSS after the burst <= 2x idle RSS before it.
Prints one line per measurement and a JSON summary; exit status 1 when a goal is missed.

Usage: scripts/soak.sh                 (builds the release binary, runs this distributed with private RabbitMQ and
                                       Redis, then embedded; about 3 minutes)
       scripts/soak.py [SOBEL_BINARY]  (one mode: embedded, or distributed when SOBEL_AMQP_URL and SOBEL_REDIS_URL
                                       are set; default binary .build/release/sobel)"""
import concurrent.futures
import io
import json
import os
import random
import socket
import struct
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zlib

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, ".build/release/sobel")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def png(width, height, seed):
    """A gray PNG of noise, written with zlib."""
    rng = random.Random(seed)
    raw = b"".join(b"\0" + bytes(rng.getrandbits(8) for _ in range(width)) for _ in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(raw, 1)) + chunk(b"IEND", b"")


def seeds():
    """Valid files to mutate: fixtures from the repository and generated PNGs."""
    files = []
    for folder in ("Fixtures/jpeg", "Fixtures/pngsuite", "Fixtures/exif-orientation"):
        path = os.path.join(root, folder)
        files += [open(os.path.join(path, name), "rb").read() for name in sorted(os.listdir(path)) if name.endswith((".jpg", ".png"))][:20]
    files += [png(w, h, w * h) for w, h in ((64, 64), (300, 200), (1000, 700))]
    return files


def mutate(data, rng):
    kind = rng.randrange(6)
    data = bytearray(data)
    if kind == 0:  # truncation
        return bytes(data[: rng.randrange(1, max(2, len(data)))])
    if kind == 1:  # bit flips
        for _ in range(rng.randrange(1, 20)):
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        return bytes(data)
    if kind == 2 and data[:8] == b"\x89PNG\r\n\x1a\n":  # forged IHDR size (a pixel bomb)
        data[16:24] = struct.pack(">II", rng.choice([65535, 100000, 2**31 - 1]), rng.choice([65535, 100000, 2**31 - 1]))
        return bytes(data)
    if kind == 3:  # garbage with a real signature
        return bytes(data[:16]) + os.urandom(rng.randrange(10, 5000))
    if kind == 4:  # a forged PNM header
        return f"P5\n{rng.randrange(1, 100000)} {rng.randrange(1, 100000)}\n255\n".encode() + os.urandom(1000)
    return bytes(data)  # valid


def upload(port, body, content_type="application/octet-stream"):
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/jobs?wait=true", data=body, method="POST",
                                     headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0


def rss_mb(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def settle(pid, seconds=3.0):
    time.sleep(seconds)
    return rss_mb(pid)


def main():
    rng = random.Random(1)
    bases = seeds()
    hostile = [mutate(rng.choice(bases), rng) for _ in range(1000)]
    port = free_port()
    # With SOBEL_AMQP_URL and SOBEL_REDIS_URL (scripts/soak.sh starts private servers) the coordinator runs
    # distributed, with two sobel work processes, and the RSS measured is the coordinator's alone.
    distributed = bool(os.environ.get("SOBEL_AMQP_URL") and os.environ.get("SOBEL_REDIS_URL"))
    keep = ("SOBEL_AMQP_URL", "SOBEL_REDIS_URL") if distributed else ()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SOBEL_") or k in keep}
    server = subprocess.Popen([binary, "serve", "--port", str(port), "--workers", "2"], env=environment,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers = [subprocess.Popen([binary, "work", "--concurrency", "1"], env=environment, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL) for _ in range(2 if distributed else 0)]
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except Exception:
                time.sleep(0.1)
        summary = {"binary": binary, "mode": "distributed" if distributed else "embedded", "idle_start_mb": settle(server.pid, 1)}
        print(f"mode: {summary['mode']}", flush=True)
        print(f"idle at start: {summary['idle_start_mb']:.0f} MB", flush=True)
        passes = []
        for number in range(1, 4):
            started = time.time()
            with concurrent.futures.ThreadPoolExecutor(8) as pool:
                statuses = list(pool.map(lambda body: upload(port, body), hostile))
            server_errors = sum(1 for s in statuses if s >= 500 and s != 503 or s == 0)
            passes.append(settle(server.pid))
            print(f"hostile pass {number}: {time.time() - started:.0f} s, RSS {passes[-1]:.0f} MB, "
                  f"statuses {dict(sorted((s, statuses.count(s)) for s in set(statuses)))}, server errors {server_errors}", flush=True)
            summary[f"pass{number}_server_errors"] = server_errors
        summary["passes_mb"] = passes
        summary["growth_pass2_to_pass3"] = passes[2] / passes[1] - 1
        # The burst: a 1-megapixel photo-like JPEG from 50 clients at once.
        photo = subprocess.run([binary, "filter", os.path.join(root, "Fixtures/photos/photo-1001x701.ppm"), "-o", "-", "--pipeline", "gray",
                                "--format", "jpeg"], capture_output=True, check=True).stdout
        before = settle(server.pid)
        with concurrent.futures.ThreadPoolExecutor(50) as pool:
            statuses = list(pool.map(lambda _: upload(port, photo, "image/jpeg"), range(50)))
        after = settle(server.pid, 5)
        summary.update(burst_statuses={str(s): statuses.count(s) for s in set(statuses)}, idle_before_burst_mb=before, idle_after_burst_mb=after,
                       burst_ratio=after / before)
        print(f"burst of 50: statuses {summary['burst_statuses']}, idle RSS {before:.0f} MB before, {after:.0f} MB after ({after / before:.2f}x)")
    finally:
        for process in [server] + workers:
            process.kill()
            process.wait()
    goals = {"growth < 10% from pass 2 to pass 3": summary["growth_pass2_to_pass3"] < 0.10,
             "idle after burst <= 2x before": summary["burst_ratio"] <= 2.0,
             "no server errors": all(summary[f"pass{n}_server_errors"] == 0 for n in (1, 2, 3))}
    summary["goals"] = goals
    print(json.dumps(summary, indent=2))
    sys.exit(0 if all(goals.values()) else 1)


if __name__ == "__main__":
    main()
