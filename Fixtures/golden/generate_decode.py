#!/usr/bin/env python3
"""Regenerates Fixtures/golden/decode.json: for every valid PNG in Fixtures/pngsuite, the 16-bit
jpeg/monkey16.png and the 8-bit JPEGs in Fixtures/jpeg, OpenCV 5's imread(IMREAD_COLOR) converted
to gray, as an FNV-1a-64 digest.

    pip install opencv-python-headless==5.0.0.93 numpy
    python3 Fixtures/golden/generate_decode.py
"""
import glob, json, os
import cv2

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.dirname(HERE)


def fnv1a64(data: bytes) -> str:
    h = 0xcbf29ce484222325
    for b in data:
        h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return f"{h:016x}"


paths = sorted(glob.glob(os.path.join(FIXTURES, "pngsuite", "[!x]*.png"))) + [os.path.join(FIXTURES, "jpeg", "monkey16.png")]
paths += [os.path.join(FIXTURES, "jpeg", name) for name in
          ("testorig.jpg", "testimgint.jpg", "testimgari.jpg", "progressive.jpg", "restart.jpg", "gray.jpg", "cmyk.jpg", "ycck.jpg")]
out = {}
for path in paths:
    bgr = cv2.imread(path, cv2.IMREAD_COLOR)
    gray = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
    out[os.path.relpath(path, FIXTURES)] = {"width": gray.shape[1], "height": gray.shape[0], "gray": fnv1a64(gray.tobytes())}
with open(os.path.join(HERE, "decode.json"), "w") as f:
    json.dump({"opencv": cv2.__version__, "images": out}, f, indent=1, sort_keys=True)
print(f"wrote {len(out)} digests with OpenCV {cv2.__version__}")
