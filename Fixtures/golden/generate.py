#!/usr/bin/env python3
"""Regenerates Fixtures/golden/ from OpenCV: the bit-exact oracle for SobelCore.

    pip install opencv-python-headless==5.0.0.93 numpy
    python3 Fixtures/golden/generate.py

Writes:
  golden.json   small inputs (random bytes, seeded) and every OpenCV output, base64-encoded
  photo.json    FNV-1a-64 digests of every OpenCV output on Fixtures/photos/photo-1001x701.ppm
The photo is a 1001x701 crop of Landscape_1.jpg from recurser/exif-orientation-examples (MIT,
see Fixtures/photos/LICENSE.exif-orientation-examples.txt), made by --make-photo.
"""
import argparse, base64, json, os, sys
import numpy as np
import cv2

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.dirname(HERE)
PHOTO = os.path.join(FIXTURES, "photos", "photo-1001x701.ppm")
BORDERS = {"reflect101": cv2.BORDER_REFLECT_101, "replicate": cv2.BORDER_REPLICATE, "constant": cv2.BORDER_CONSTANT}
SIZES = [(1, 1), (1, 9), (9, 1), (2, 2), (3, 3), (15, 11), (16, 11), (17, 11), (31, 5), (32, 5), (33, 5),
         (63, 4), (65, 6), (40, 40)]


def fnv1a64(data: bytes) -> str:
    h = 0xcbf29ce484222325
    for b in data:
        h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return f"{h:016x}"


def outputs(gray):
    out = {}
    for bname, b in BORDERS.items():
        gx = cv2.Sobel(gray, cv2.CV_16S, 1, 0, ksize=3, borderType=b)
        gy = cv2.Sobel(gray, cv2.CV_16S, 0, 1, ksize=3, borderType=b)
        out[f"sobel-gx/{bname}"] = gx
        out[f"sobel-gy/{bname}"] = gy
        ax, ay = cv2.convertScaleAbs(gx), cv2.convertScaleAbs(gy)
        out[f"sobel-classic/{bname}"] = cv2.addWeighted(ax, 0.5, ay, 0.5, 0)
        out[f"sobel-l1/{bname}"] = np.minimum(np.abs(gx.astype(np.int32)) + np.abs(gy.astype(np.int32)), 255).astype(np.uint8)
        out[f"sobel-l2/{bname}"] = cv2.convertScaleAbs(cv2.magnitude(gx.astype(np.float32), gy.astype(np.float32)))
        sx = cv2.Scharr(gray, cv2.CV_16S, 1, 0, borderType=b)
        sy = cv2.Scharr(gray, cv2.CV_16S, 0, 1, borderType=b)
        out[f"scharr-gx/{bname}"] = sx
        out[f"scharr-gy/{bname}"] = sy
        out[f"scharr-l1/{bname}"] = np.minimum(np.abs(sx.astype(np.int32)) + np.abs(sy.astype(np.int32)), 255).astype(np.uint8)
        out[f"scharr-l2/{bname}"] = cv2.convertScaleAbs(cv2.magnitude(sx.astype(np.float32), sy.astype(np.float32)))
        out[f"scharr-classic/{bname}"] = cv2.addWeighted(cv2.convertScaleAbs(sx), 0.5, cv2.convertScaleAbs(sy), 0.5, 0)
        for k in (3, 5):
            out[f"blur{k}/{bname}"] = cv2.GaussianBlur(gray, (k, k), 0, borderType=b)
    out["threshold80"] = cv2.threshold(gray, 80, 255, cv2.THRESH_BINARY)[1]
    # Global steps: alone, and after every Sobel magnitude with every border.
    for name, step in GLOBALS.items():
        out[name] = step(gray)
        for magnitude in ("l1", "l2", "classic"):
            for bname in BORDERS:
                out[f"sobel-{magnitude}/{bname},{name}"] = step(out[f"sobel-{magnitude}/{bname}"])
    return out


def otsu(a):
    """OpenCV's own Otsu (imgproc/src/thresh.cpp, double precision, the first maximum wins). Wheels built
    with Intel IPP call ippiComputeThreshold_Otsu instead, which can pick the other level when two levels
    tie exactly; IPP_OTSU_DIFFERS counts the outputs where that happens."""
    cv2.ipp.setUseIPP(False)
    result = cv2.threshold(a, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)[1]
    cv2.ipp.setUseIPP(True)
    if not np.array_equal(result, cv2.threshold(a, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)[1]):
        IPP_OTSU_DIFFERS.append(a.shape)
    return result


IPP_OTSU_DIFFERS = []
GLOBALS = {
    "normalize": lambda a: cv2.normalize(a, None, 0, 255, cv2.NORM_MINMAX),
    "threshold:otsu": otsu,
    "equalize": cv2.equalizeHist,
}


def encode(a):
    dtype = {np.dtype(np.uint8): "u8", np.dtype(np.int16): "i16le"}[a.dtype]
    return {"dtype": dtype, "data": base64.b64encode(np.ascontiguousarray(a).astype(a.dtype.newbyteorder("<")).tobytes()).decode()}


def read_ppm(path):
    rgb = cv2.imread(path, cv2.IMREAD_COLOR)[:, :, ::-1]
    return np.ascontiguousarray(rgb)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--make-photo", metavar="JPEG", help="crop a 1001x701 RGB photo from JPEG into Fixtures/photos")
    args = ap.parse_args()
    assert cv2.__version__.startswith("5."), f"OpenCV 5 expected, found {cv2.__version__}"
    cv2.setNumThreads(1)
    if args.make_photo:
        bgr = cv2.imread(args.make_photo, cv2.IMREAD_COLOR)
        crop = bgr[250:951, 400:1401]
        cv2.imwrite(PHOTO, crop)
    rng = np.random.default_rng(20261122)
    cases = []
    for w, h in SIZES:
        rgb = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
        gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
        case = {"name": f"random-{w}x{h}", "width": w, "height": h,
                "rgb": base64.b64encode(rgb.tobytes()).decode(), "outputs": {"gray": encode(gray)}}
        case["outputs"].update({k: encode(v) for k, v in outputs(gray).items()})
        cases.append(case)
    # A constant image: the global steps' special cases (normalize gives 0, equalize keeps the value).
    for w, h, value in ((7, 5, 120), (1, 1, 0)):
        rgb = np.full((h, w, 3), value, dtype=np.uint8)
        gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
        case = {"name": f"constant-{w}x{h}", "width": w, "height": h,
                "rgb": base64.b64encode(rgb.tobytes()).decode(), "outputs": {"gray": encode(gray)}}
        case["outputs"].update({k: encode(v) for k, v in outputs(gray).items()})
        cases.append(case)
    with open(os.path.join(HERE, "golden.json"), "w") as f:
        json.dump({"opencv": cv2.__version__, "cases": cases}, f, indent=0)
    rgb = read_ppm(PHOTO)
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    digests = {"gray": fnv1a64(gray.tobytes())}
    digests.update({k: fnv1a64(np.ascontiguousarray(v).astype(v.dtype.newbyteorder("<")).tobytes()) for k, v in outputs(gray).items()})
    with open(os.path.join(HERE, "photo.json"), "w") as f:
        json.dump({"opencv": cv2.__version__, "photo": "photos/photo-1001x701.ppm",
                   "width": rgb.shape[1], "height": rgb.shape[0], "digests": digests}, f, indent=1)
    print(f"wrote {len(cases)} small cases and {len(digests)} photo digests with OpenCV {cv2.__version__}")
    print(f"threshold:otsu outputs where IPP's Otsu picks another level (an exact tie): {len(IPP_OTSU_DIFFERS)}")


if __name__ == "__main__":
    main()
