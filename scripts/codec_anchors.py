#!/usr/bin/env python3
"""OpenCV's PNG/JPEG speed and size on exactly the pixels `sobel bench --codecs --save-inputs DIR` used.

    python3 scripts/codec_anchors.py DIR [--runs N]     (prints JSON rows like sobel bench --json)
"""
import argparse, json, os, statistics, time
import cv2
import numpy as np

ap = argparse.ArgumentParser()
ap.add_argument("folder")
ap.add_argument("--runs", type=int, default=5)
args = ap.parse_args()
cv2.setNumThreads(1)


def median_seconds(fn, runs):
    fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


rows = []
for label, name in (("gray", "gray.pgm"), ("rgb", "rgb.ppm"), ("edges", "edges.pgm")):
    image = cv2.imread(os.path.join(args.folder, name), cv2.IMREAD_UNCHANGED)  # BGR for the PPM: same bytes per pixel
    h, w = image.shape[:2]
    raw = image.size
    settings = {"png-encode-default": [], "png-encode-l1": [cv2.IMWRITE_PNG_COMPRESSION, 1], "png-encode-l6": [cv2.IMWRITE_PNG_COMPRESSION, 6]}
    for row, params in settings.items():
        encoded = cv2.imencode(".png", image, params)[1]
        runs = args.runs if row != "png-encode-l6" else min(args.runs, 3)
        seconds = median_seconds(lambda: cv2.imencode(".png", image, params), runs)
        rows.append({"name": "opencv-" + row, "input": label, "width": w, "height": h, "mps": w * h / seconds / 1e6, "size_ratio": encoded.size / raw})
        seconds = median_seconds(lambda: cv2.imdecode(encoded, cv2.IMREAD_UNCHANGED), args.runs)
        rows.append({"name": "opencv-png-decode-" + row.split("-")[-1], "input": label, "width": w, "height": h, "mps": w * h / seconds / 1e6})
    if label != "edges":
        jpeg = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 90])[1]
        seconds = median_seconds(lambda: cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 90]), args.runs)
        rows.append({"name": "opencv-jpeg-encode-q90", "input": label, "width": w, "height": h, "mps": w * h / seconds / 1e6, "size_ratio": jpeg.size / raw})
        seconds = median_seconds(lambda: cv2.imdecode(jpeg, cv2.IMREAD_UNCHANGED), args.runs)
        rows.append({"name": "opencv-jpeg-decode-q90", "input": label, "width": w, "height": h, "mps": w * h / seconds / 1e6})
print(json.dumps(rows, indent=1))
