#!/usr/bin/env python3
"""Draws the speed report's charts from the bench JSON (matplotlib, PNG, 150 dpi), each only when its data is there:

  kernels.png     MP/s of SobelCore (default build) against Halide, OpenCV, libvips and memcpy, per size and threads
                  (needs OUT/default.json and OUT/anchors/results.json: scripts/bench.sh)
  service.png     where a 4096² PNG job's time goes: seed design, OpenCV in one process, sobel filter, embedded and
                  distributed (needs OUT/service.json and OUT/service-opencv.json: scripts/bench.sh --service)
  throughput.png  a burst of 12 1080p JPEG uploads against the number of sobel work processes (OUT/service.json)

Usage: bench_charts.py OUT CHARTS     (scripts/bench.sh runs it with bench-out docs/charts)"""
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

out, charts = sys.argv[1], sys.argv[2]
here = os.path.dirname(os.path.abspath(__file__))
os.makedirs(charts, exist_ok=True)
plt.rcParams.update({"font.size": 10, "axes.spines.top": False, "axes.spines.right": False})


def load(name):
    path = os.path.join(out, name)
    return json.load(open(path)) if os.path.exists(path) else None


def save(figure, name):
    path = os.path.join(charts, name)
    figure.savefig(path, dpi=150, bbox_inches="tight")
    plt.close(figure)
    print("wrote", path)


def kernels_chart(default, anchors):
    ours = {(r["name"], f'{r["width"]}x{r["height"]}', r["threads"]): r["mps"] for r in default}
    theirs = {(c["anchor"], c["size"], c["threads"]): c["mp_per_s"] for c in anchors["cells"]}
    series = [
        ("SobelCore L1", lambda s, t: ours.get(("l1", s, t)), "#0a6"),
        ("SobelCore L2", lambda s, t: ours.get(("l2", s, t)), "#7c5"),
        ("Halide L1", lambda s, t: theirs.get(("halide_l1", s, t)), "#c60"),
        ("OpenCV L1", lambda s, t: theirs.get(("cv_l1_pre", s, t)), "#36c"),
        ("OpenCV L2", lambda s, t: theirs.get(("cv_l2_pre", s, t)), "#9bd"),
        ("libvips sobel", lambda s, t: theirs.get(("vips_sobel_mem", s, t)), "#a4a"),
        ("memcpy", lambda s, t: ours.get(("memcpy", s, t)), "#888"),
    ]
    cells = [(s, t) for s in ("1920x1080", "4096x4096", "8192x8192") for t in (1, 2)]
    series = [entry for entry in series if any(entry[1](s, t) for s, t in cells)]
    figure, axes = plt.subplots(figsize=(11, 5))
    width = 0.8 / len(series)
    for index, (label, value, colour) in enumerate(series):
        xs = [cell + (index - (len(series) - 1) / 2) * width for cell in range(len(cells))]
        values = [value(s, t) or 0 for s, t in cells]
        axes.bar(xs, values, width, label=label, color=colour)
    axes.set_yscale("log")
    axes.set_ylabel("megapixels per second (log scale; higher is faster)")
    axes.set_xticks(range(len(cells)), [f'{s.replace("x", "×")}\n{t} thread{"s" if t > 1 else ""}' for s, t in cells])
    axes.set_title("Sobel on gray u8, one machine, one run: SobelCore (default build) against the anchors")
    axes.legend(ncol=4, loc="upper center", bbox_to_anchor=(0.5, -0.14), frameon=False)
    axes.grid(axis="y", which="both", alpha=0.25)
    save(figure, "kernels.png")


STAGES = [  # (label, keys in stages_ms, colour)
    ("decode", ("decode",), "#36c"),
    ("base64 + publish", ("base64+publish",), "#9bd"),
    ("queue wait (mean per tile)", ("queue wait (mean/tile)",), "#c60"),
    ("compute (sum over workers)", ("worker compute (sum)", "compute"), "#0a6"),
    ("store + notify (mean per tile)", ("store+notify (mean/tile)",), "#a4a"),
    ("assemble", ("assemble",), "#888"),
    ("encode", ("encode",), "#e9b"),
]


def service_chart(service, opencv, seed, name="png-4096"):
    bars = []  # (label, stages {label: ms} or None, wall ms)
    if seed:
        row = next((r for r in seed["rows"] if r["name"] == name), None)
        if row:
            bars.append(("seed design\n(Python, 2 workers;\nissue 16, total only)", None, row["latency_ms"]))
    for row in opencv or []:
        if row["name"] == name:
            bars.append(("OpenCV,\none process", row.get("stages_ms"), row["latency_ms"]))
    labels = {"sobel filter (in-process)": "sobel filter,\none process", "embedded, 2 worker threads": "embedded,\n2 worker threads",
              "rabbitmq+redis, 2 worker processes": "RabbitMQ + Redis,\n2 sobel work processes"}
    for row in service:
        if row["name"] == name and row["mode"] in labels:
            bars.append((labels[row["mode"]], row["stages_ms"] or None, row["latency_ms"]))
    figure, axes = plt.subplots(figsize=(11, 5.5))
    used = set()
    for index, (label, stages, wall) in enumerate(bars):
        if stages is None:
            axes.barh(index, wall, color="#ccc", hatch="//", edgecolor="#999", label="total (not broken down)" if "total" not in used else None)
            used.add("total")
        else:
            left = 0
            for stage, keys, colour in STAGES:
                value = next((stages[k] for k in keys if k in stages), 0)
                if value <= 0:
                    continue
                axes.barh(index, value, left=left, color=colour, label=stage if stage not in used else None)
                used.add(stage)
                left += value
        axes.plot(wall, index, marker="D", color="black", markersize=7, label="wall time of the job" if "wall" not in used else None)
        used.add("wall")
        axes.annotate(f"{wall:,.0f} ms", (wall, index), xytext=(8, -4), textcoords="offset points")
    axes.set_yticks(range(len(bars)), [bar[0] for bar in bars])
    axes.invert_yaxis()
    axes.set_xlabel("milliseconds: each stage's time, stacked, and the job's wall time (◆)\n"
                    "the service overlaps its stages (tiles go out while the image is decoded, the PNG is written as tiles arrive),\n"
                    "so its stages add up to more than its wall time")
    axes.set_title("Where a 4096×4096 RGB PNG job's time goes (decode, Sobel L2, PNG encode; medians)")
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=9, frameon=False)
    axes.grid(axis="x", alpha=0.25)
    axes.set_xlim(0, max(bar[2] for bar in bars) * 1.15)
    save(figure, "service.png")


def throughput_chart(service):
    rows = sorted((r for r in service if r.get("workers")), key=lambda r: r["workers"])
    workers = [r["workers"] for r in rows]
    jobs_per_second = [r["jobs"] / r["latency_ms"] * 1000 for r in rows]
    figure, axes = plt.subplots(figsize=(7, 4.5))
    axes.plot(workers, jobs_per_second, marker="o", color="#0a6")
    for x, y, row in zip(workers, jobs_per_second, rows):
        axes.annotate(f"{y:.1f} jobs/s\n{row['mps']:.0f} MP/s", (x, y), xytext=(0, 10), textcoords="offset points", ha="center")
    axes.set_xticks(workers)
    axes.set_xlim(min(workers) - 0.5, max(workers) + 0.5)
    axes.set_xlabel("sobel work processes (one chunk at a time each)")
    axes.set_ylabel("jobs per second (1920×1080 JPEG → PNG)")
    axes.set_ylim(0, max(jobs_per_second) * 1.35)
    axes.set_title(f"Throughput of a burst of {rows[0]['jobs']} uploads through RabbitMQ and Redis\n"
                   "(coordinator, workers, RabbitMQ and Redis share this machine's 2 cores)", fontsize=10)
    axes.grid(alpha=0.25)
    save(figure, "throughput.png")


default, anchors = load("default.json"), load("anchors/results.json")
if default and anchors:
    kernels_chart(default, anchors)
else:
    print("kernels.png: no default.json and anchors/results.json in", out, "(scripts/bench.sh makes them)")
service = load("service.json")
if service:
    seed = json.load(open(os.path.join(here, "..", "docs", "bench", "seed-design.json")))
    service_chart(service, load("service-opencv.json"), seed)
    if any(r.get("workers") for r in service):
        throughput_chart(service)
else:
    print("service.png, throughput.png: no service.json in", out, "(scripts/bench.sh --service makes it)")
