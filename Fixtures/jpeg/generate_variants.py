#!/usr/bin/env python3
"""Makes the JPEG variants the codec tests need from testorig.ppm (IJG licence, see LICENSE.testimages.txt):
progressive, restart markers, grayscale, CMYK (Adobe, inverted), and a truncated file.

    pip install opencv-python-headless==5.0.0.93 pillow
    python3 Fixtures/jpeg/generate_variants.py
"""
import os
import cv2
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
bgr = cv2.imread(os.path.join(HERE, "testorig.ppm"), cv2.IMREAD_COLOR)
cv2.imwrite(os.path.join(HERE, "progressive.jpg"), bgr, [cv2.IMWRITE_JPEG_QUALITY, 90, cv2.IMWRITE_JPEG_PROGRESSIVE, 1])
cv2.imwrite(os.path.join(HERE, "restart.jpg"), bgr, [cv2.IMWRITE_JPEG_QUALITY, 90, cv2.IMWRITE_JPEG_RST_INTERVAL, 2])
cv2.imwrite(os.path.join(HERE, "gray.jpg"), cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY), [cv2.IMWRITE_JPEG_QUALITY, 90])
rgb = Image.open(os.path.join(HERE, "testorig.ppm")).convert("RGB")
rgb.convert("CMYK").save(os.path.join(HERE, "cmyk.jpg"), quality=95)
with open(os.path.join(HERE, "testorig.jpg"), "rb") as f:
    data = f.read()
with open(os.path.join(HERE, "truncated.jpg"), "wb") as f:
    f.write(data[: len(data) * 2 // 3])
print("wrote progressive.jpg restart.jpg gray.jpg cmyk.jpg truncated.jpg")
