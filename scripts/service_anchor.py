#!/usr/bin/env python3
"""OpenCV's in-process decode + Sobel (L2) + PNG encode on the inputs `sobel bench --service --save-inputs DIR`
wrote, as the reference for the service benchmark. Prints JSON rows: name, latency_ms (median), mps, and the
median of each stage (decode, compute, encode) in stages_ms."""
import json
import os
import statistics
import sys
import time

import cv2
import numpy as np

cv2.setNumThreads(os.cpu_count() or 1)


def job(data: np.ndarray) -> dict:
    """One job, timed per stage (ms): decode, compute (gray + Sobel + L2), encode."""
    marks = [time.perf_counter()]
    image = cv2.imdecode(data, cv2.IMREAD_COLOR_RGB)
    marks.append(time.perf_counter())
    gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    gx = cv2.Sobel(gray, cv2.CV_16S, 1, 0, ksize=3)
    gy = cv2.Sobel(gray, cv2.CV_16S, 0, 1, ksize=3)
    edges = cv2.convertScaleAbs(cv2.magnitude(gx.astype(np.float32), gy.astype(np.float32)))
    marks.append(time.perf_counter())
    ok, png = cv2.imencode(".png", edges)
    assert ok
    marks.append(time.perf_counter())
    stages = [(later - earlier) * 1000 for earlier, later in zip(marks, marks[1:])]
    return {"decode": stages[0], "compute": stages[1], "encode": stages[2], "total": sum(stages)}


rows = []
folder = sys.argv[1]
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 9
for name in sorted(os.listdir(folder)):
    data = np.fromfile(os.path.join(folder, name), dtype=np.uint8)
    height, width = cv2.imdecode(data, cv2.IMREAD_GRAYSCALE).shape
    job(data)  # warm-up
    timings = [job(data) for _ in range(runs)]
    latency = statistics.median(t["total"] for t in timings)
    rows.append({"name": os.path.splitext(name)[0], "mode": "opencv in-process", "width": width, "height": height,
                 "latency_ms": latency, "mps": width * height / latency / 1000,
                 "stages_ms": {stage: statistics.median(t[stage] for t in timings) for stage in ("decode", "compute", "encode")}})
print(json.dumps(rows, indent=2))
