#!/usr/bin/env python3
"""Whole-process benchmarks of `sobel filter` (issue: batch CLI), each against a reference measured
in the same run:

1. a 4096x4096 PNG -> Sobel -> PNG, vs a Python script doing cv2.imread + Sobel (l2) + cv2.imwrite;
2. a folder of 200 photos of 1-12 MP (JPEG crops of the fixture photo mosaic), at --jobs 1 and the default;
3. peak RSS of one 8192x8192 PNG (gray and RGB), against the decoded image size.

    python3 scripts/bench_cli.py [--sobel PATH] [--runs N] [--work DIR]
Needs: pip install opencv-python-headless numpy; /usr/bin/time (Debian 'time').
"""
import argparse, json, os, random, shutil, statistics, subprocess, sys, tempfile, time
import cv2
import numpy as np

ap = argparse.ArgumentParser()
ap.add_argument("--sobel", default=".build/release/sobel")
ap.add_argument("--runs", type=int, default=5)
ap.add_argument("--work", default=None)
args = ap.parse_args()
work = args.work or tempfile.mkdtemp(prefix="sobel-cli-bench-")
os.makedirs(work, exist_ok=True)
sobel = os.path.abspath(args.sobel)

OPENCV_SCRIPT = """
import sys, cv2, numpy as np
img = cv2.imread(sys.argv[1], cv2.IMREAD_GRAYSCALE)
gx = cv2.Sobel(img, cv2.CV_16S, 1, 0, ksize=3); gy = cv2.Sobel(img, cv2.CV_16S, 0, 1, ksize=3)
edges = cv2.convertScaleAbs(cv2.magnitude(gx.astype(np.float32), gy.astype(np.float32)))
cv2.imwrite(sys.argv[2], edges)
"""


def timed(command, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def mosaic(width, height, rgb, seed):
    base = cv2.imread("Fixtures/photos/photo-1001x701.ppm", cv2.IMREAD_COLOR)
    rng = np.random.default_rng(seed)
    canvas = np.empty((height, width, 3), np.uint8)
    for y in range(0, height, 512):
        for x in range(0, width, 512):
            oy, ox = rng.integers(0, base.shape[0] - 512), rng.integers(0, base.shape[1] - 512)
            tile = base[oy:oy + 512, ox:ox + 512]
            if rng.random() < 0.5:
                tile = tile[:, ::-1]
            h, w = min(512, height - y), min(512, width - x)
            canvas[y:y + h, x:x + w] = tile[:h, :w]
    noisy = np.clip(canvas.astype(np.int16) + rng.integers(-2, 3, canvas.shape), 0, 255).astype(np.uint8)
    return noisy if rgb else cv2.cvtColor(noisy, cv2.COLOR_BGR2GRAY)


results = {}
# 1. one 4096^2 PNG, whole process
png = os.path.join(work, "big-4096.png")
cv2.imwrite(png, mosaic(4096, 4096, False, 1))
script = os.path.join(work, "opencv_filter.py")
open(script, "w").write(OPENCV_SCRIPT)
ours = timed([sobel, "filter", png, "-o", os.path.join(work, "ours.png"), "--overwrite", "--quiet"], args.runs)
theirs = timed([sys.executable, script, png, os.path.join(work, "theirs.png")], args.runs)
same = np.array_equal(cv2.imread(os.path.join(work, "ours.png"), cv2.IMREAD_UNCHANGED), cv2.imread(os.path.join(work, "theirs.png"), cv2.IMREAD_UNCHANGED))
results["png4096"] = {"sobel_s": ours, "opencv_python_s": theirs, "speedup": theirs / ours, "identical_pixels": bool(same)}
print(f"4096x4096 PNG -> PNG: sobel {ours:.3f} s, python+OpenCV {theirs:.3f} s, {theirs / ours:.2f}x, identical pixels: {same}")

# 2. a folder of 200 photos of 1-12 MP
folder = os.path.join(work, "photos")
if not os.path.isdir(folder):
    os.makedirs(folder)
    rng = random.Random(7)
    for index in range(200):
        megapixels = rng.uniform(1, 12)
        width = int((megapixels * 1e6 * 1.5) ** 0.5)
        height = int(megapixels * 1e6 / width)
        cv2.imwrite(os.path.join(folder, f"photo{index:03d}.jpg"), mosaic(width, height, True, index), [cv2.IMWRITE_JPEG_QUALITY, 90])
from PIL import Image
total_mp = sum(Image.open(os.path.join(folder, f)).size[0] * Image.open(os.path.join(folder, f)).size[1] for f in os.listdir(folder)) / 1e6
for label, extra in (("jobs 1", ["--jobs", "1"]), ("default jobs", [])):
    out = os.path.join(work, "edges")
    shutil.rmtree(out, ignore_errors=True)
    seconds = timed([sobel, "filter", folder, "-o", out + "/", "--quiet", "--overwrite"] + extra, max(1, args.runs // 2))
    results[f"folder {label}"] = {"seconds": seconds, "files_per_s": 200 / seconds, "mp_per_s": total_mp / seconds}
    print(f"200 photos ({total_mp:.0f} MP), {label}: {seconds:.2f} s, {200 / seconds:.1f} files/s, {total_mp / seconds:.1f} MP/s")

# 3. peak RSS on 8192^2 PNGs
for label, rgb in (("gray", False), ("rgb", True)):
    path = os.path.join(work, f"big-8192-{label}.png")
    if not os.path.exists(path):
        cv2.imwrite(path, mosaic(8192, 8192, rgb, 3))
    run = subprocess.run(["/usr/bin/time", "-v", sobel, "filter", path, "-o", os.path.join(work, "rss.png"), "--overwrite", "--quiet"],
                         capture_output=True, text=True, check=True)
    peak_kb = int(next(l for l in run.stderr.splitlines() if "Maximum resident set size" in l).split()[-1])
    decoded = 8192 * 8192 * (3 if rgb else 1)
    results[f"rss {label}"] = {"peak_bytes": peak_kb * 1024, "decoded_bytes": decoded, "ratio": peak_kb * 1024 / decoded}
    print(f"8192x8192 {label} PNG: peak RSS {peak_kb / 1024:.0f} MiB, decoded image {decoded / 2**20:.0f} MiB, {peak_kb * 1024 / decoded:.2f}x")
json.dump(results, open(os.path.join(work, "results.json"), "w"), indent=1)
print(f"wrote {work}/results.json")
