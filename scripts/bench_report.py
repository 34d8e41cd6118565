#!/usr/bin/env python3
"""Prints the speed targets as same-run ratios from bench-out/ (written by scripts/bench.sh)."""
import json, os, sys

out = sys.argv[1] if len(sys.argv) > 1 else "bench-out"
anchors = {(c["anchor"], c["size"], c["threads"]): c["mp_per_s"] for c in json.load(open(os.path.join(out, "anchors/results.json")))["cells"]}


def ours(build):
    return {(r["name"], f'{r["width"]}x{r["height"]}', r["threads"]): r["mps"] for r in json.load(open(os.path.join(out, f"{build}.json")))}


def load(name):
    path = os.path.join(out, f"{name}.json")
    return ours(name) if os.path.exists(path) else None


default, tuned = ours("default"), ours("tuned")
levels = {level: load(f"level-{level}") for level in ("avx2", "baseline")}
cpu = {r["cpu"] for r in json.load(open(os.path.join(out, "default.json"))) if r.get("cpu")}
print(f"default build, kernels at {', '.join(sorted(cpu))}; goals from the kernels issue (same-run ratios)")
print(f"  {'target':52s} {'ours':>8s} {'reference':>10s} {'ratio':>7s} {'goal':>6s}")


def target(label, value, reference, goal):
    ratio = value / reference
    print(f"  {label:52s} {value:8.0f} {reference:10.0f} {ratio:7.2f} {goal:6.2f} {'met' if ratio >= goal else 'MISSED'}")


target("l1 T1 4096² vs Halide L1 T1", default[("l1", "4096x4096", 1)], anchors[("halide_l1", "4096x4096", 1)], 1.0)
target("l1 T1 4096² vs OpenCV spatialGradient+L1 T1", default[("l1", "4096x4096", 1)], anchors[("cv_spatialgrad_l1_pre", "4096x4096", 1)], 4.0)
target("l2 T1 4096² vs OpenCV L2 T1", default[("l2", "4096x4096", 1)], anchors[("cv_l2_pre", "4096x4096", 1)], 10.0)
target("rgb-l1 T1 4096² vs OpenCV cvtColor+L1 T1", default[("rgb-l1", "4096x4096", 1)], anchors[("cv_gray_then_l1_pre", "4096x4096-RGB", 1)], 6.0)
target("l1 T2 8192² vs memcpy T2 (sobel bench)", default[("l1", "8192x8192", 2)], default[("memcpy", "8192x8192", 2)], 0.85)
if levels["avx2"]:
    target("SOBEL_CPU=avx2: l1 T1 4096² vs Halide L1 T1", levels["avx2"][("l1", "4096x4096", 1)], anchors[("halide_l1", "4096x4096", 1)], 0.8)
for level, rows in levels.items():
    if rows:
        print(f"  SOBEL_CPU={level} 4096² T1: " + ", ".join(f"{k} {rows[(k, '4096x4096', 1)]:.0f}" for k in ("l1", "l2", "classic", "rgb-l1")))
print("\ndefault ÷ tuned build, each kernel row (goal ≥ 0.97: tuning flags no longer matter)")
for key in sorted(k for k in default if k[0] not in ("memcpy", "scalar-l1") and k in tuned):
    print(f"  {key[0]:8s} {key[1]:10s} T{key[2]}  {default[key]:8.0f} / {tuned[key]:8.0f} = {default[key] / tuned[key]:5.2f}")

codecs_path = os.path.join(out, "codecs.json")
if os.path.exists(codecs_path):
    mine = {(r["input"], r["name"]): r for r in json.load(open(codecs_path)) if r["threads"] == 1}
    cv = {(r["input"], r["name"]): r for r in json.load(open(os.path.join(out, "codecs-opencv.json")))}
    print("\ncodecs, one thread, same pixels (default build)")
    print(f"  {'row':44s} {'ours':>7s} {'OpenCV':>7s} {'ratio':>6s}  size ours/OpenCV")
    pairs = [("png-decode-fast", "opencv-png-decode-default"), ("png-encode-fast", "opencv-png-encode-default"),
             ("png-encode-balanced", "opencv-png-encode-l6"), ("jpeg-encode-q90", "opencv-jpeg-encode-q90"),
             ("jpeg-decode-q90", "opencv-jpeg-decode-q90")]
    for source in ("gray", "rgb", "edges"):
        for ours_name, cv_name in pairs:
            if (source, ours_name) not in mine or (source, cv_name) not in cv:
                continue
            a, b = mine[(source, ours_name)], cv[(source, cv_name)]
            size = f"{a['size_ratio'] / b['size_ratio']:.3f}" if a.get("size_ratio") and b.get("size_ratio") else ""
            print(f"  {source + ' ' + ours_name + ' vs ' + cv_name.replace('opencv-', ''):44s} {a['mps']:7.1f} {b['mps']:7.1f} {a['mps'] / b['mps']:6.2f}  {size}")
    # The whole-job issue's decode goal: the fast reader's time on each file our encoder wrote, over libpng's on
    # the same file in the same run (goal <= 0.5 for the RGB photo).
    print("\nPNG decode, fast reader's time / libpng's on the same file (same run; goal <= 0.5 for rgb)")
    for source in ("gray", "rgb", "edges"):
        for preset in ("fast", "balanced", "smallest"):
            fast, libpng = mine.get((source, f"png-decode-{preset}")), mine.get((source, f"png-decode-{preset}-libpng"))
            if fast and libpng:
                print(f"  {source:6s} {preset:9s} {libpng['mps'] / fast['mps']:6.2f}   ({fast['mps']:.1f} vs {libpng['mps']:.1f} MP/s)")
