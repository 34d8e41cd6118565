#!/usr/bin/env python3
"""Summarises bench-out/service.json (sobel bench --service) and bench-out/service-opencv.json
(scripts/service_anchor.py), measured in the same run: latency medians, MP/s, and the ratios the
service goals are stated in."""
import json
import os
import sys

out = sys.argv[1] if len(sys.argv) > 1 else "bench-out"
rows = json.load(open(os.path.join(out, "service.json")))
opencv = {row["name"]: row for row in json.load(open(os.path.join(out, "service-opencv.json")))}
for name in dict.fromkeys(row["name"] for row in rows if not row["name"].startswith("chunk-")):
    mine = [row for row in rows if row["name"] == name]
    filt = next(row for row in mine if row["mode"].startswith("sobel filter"))
    served = next(row for row in mine if row["mode"].startswith("rabbitmq"))
    embedded = next(row for row in mine if row["mode"].startswith("embedded"))
    cv = opencv.get(name)
    print(f"{name} ({served['width']}x{served['height']}), medians of {served['runs']} runs")
    for row in (filt, served, embedded) + ((cv,) if cv else ()):
        print(f"  {row['mode']:<40} {row['latency_ms']:9.1f} ms {row['mps']:8.1f} MP/s")
    if cv:
        print(f"  service vs OpenCV in-process:       {served['mps'] / cv['mps']:.2f}x  (goal >= 1.0)")
    print(f"  service MP/s vs the replaced design (7.6 MP/s): {served['mps'] / 7.6:.1f}x  (goal >= 10 at 4096^2)")
    print(f"  embedded latency / sobel filter:    {embedded['latency_ms'] / filt['latency_ms']:.2f}  (goal <= 1.3)")
    print("  stages (service, ms):", ", ".join(f"{k} {v:.1f}" for k, v in sorted(served["stages_ms"].items())))
    for row in mine:
        if row.get("latency_ratio_to_without_global_step"):
            ratio = row["latency_ratio_to_without_global_step"]
            print(f"  with normalize / without (interleaved): {ratio:.2f}  (goal <= 1.1)")
transport = [row for row in rows if row["name"].startswith("chunk-")]
if transport:
    print(f"chunk transport, wire format v1, per {transport[0]['name']} chunk ({transport[0]['stages_ms']['bytes_on_the_wire'] / 1e6:.2f} MB on the wire)")
    for row in transport:
        print(f"  {row['mode']:<40} {row['latency_ms'] * 1000:8.0f} us  {row['stages_ms']['ratio_to_copy']:6.1f}x a copy")
for mode in ("distributed", "embedded"):
    path = os.path.join(out, f"upload-latency-{mode}.json")
    if os.path.exists(path):
        latency = json.load(open(path))
        streamed, collected = latency["streamed"], latency["collected"]
        print(f"upload at {latency['rate_mbit']:.0f} Mbit/s ({latency['file_bytes'] / 1e6:.1f} MB PNG), {mode}: last upload byte -> last result byte")
        print(f"  decoded while arriving: {streamed['after_last_byte_ms']:7.1f} ms (goal <= 150), runs {streamed['runs_after_last_byte_ms']}")
        print(f"  read whole, then decoded: {collected['after_last_byte_ms']:5.1f} ms, runs {collected['runs_after_last_byte_ms']}")
