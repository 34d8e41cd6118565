#!/usr/bin/env python3
"""OpenCV's in-process decode + Sobel (L2) + PNG encode on the inputs `sobel bench --service --save-inputs DIR`
wrote, as the reference for the service benchmark. Prints JSON rows: name, latency_ms (median), mps."""
import json
import os
import statistics
import sys
import time

import cv2
import numpy as np

cv2.setNumThreads(os.cpu_count() or 1)


def job(data: np.ndarray) -> bytes:
    image = cv2.imdecode(data, cv2.IMREAD_COLOR_RGB)
    gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    gx = cv2.Sobel(gray, cv2.CV_16S, 1, 0, ksize=3)
    gy = cv2.Sobel(gray, cv2.CV_16S, 0, 1, ksize=3)
    edges = cv2.convertScaleAbs(cv2.magnitude(gx.astype(np.float32), gy.astype(np.float32)))
    ok, png = cv2.imencode(".png", edges)
    assert ok
    return png.tobytes()


rows = []
folder = sys.argv[1]
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 9
for name in sorted(os.listdir(folder)):
    data = np.fromfile(os.path.join(folder, name), dtype=np.uint8)
    height, width = cv2.imdecode(data, cv2.IMREAD_GRAYSCALE).shape
    job(data)  # warm-up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        job(data)
        times.append((time.perf_counter() - start) * 1000)
    latency = statistics.median(times)
    rows.append({"name": os.path.splitext(name)[0], "mode": "opencv in-process", "width": width, "height": height,
                 "latency_ms": latency, "mps": width * height / latency / 1000})
print(json.dumps(rows, indent=2))
