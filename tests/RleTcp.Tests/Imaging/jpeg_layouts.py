#!/usr/bin/python3
"""Writes into OUTDIR one JPEG per named layout (grey and colour, each chroma subsampling Pillow writes, progressive,
odd and one-pixel sizes, a row wider than a chunk of the decoder), with Pillow 9.4. Used by JpegRowPipelineTests,
which decodes each through the row pipeline and through the whole-image path and wants the same bits; prints the
number of files."""
import os
import random
import sys

from PIL import Image

# name: (mode, width, height, save options)
CASES = {
    "grey_q85": ("L", 97, 61, {"quality": 85}),
    "grey_progressive": ("L", 64, 48, {"quality": 75, "progressive": True}),
    "grey_one_pixel": ("L", 1, 1, {}),
    "grey_wide_short": ("L", 2551, 3, {"quality": 90}),
    "grey_tall_narrow": ("L", 3, 301, {"quality": 90}),
    "rgb_444": ("RGB", 45, 37, {"quality": 92, "subsampling": 0}),
    "rgb_422": ("RGB", 51, 29, {"quality": 80, "subsampling": 1}),
    "rgb_420_odd_sides": ("RGB", 33, 47, {"quality": 85, "subsampling": 2}),
    "rgb_420_progressive": ("RGB", 80, 66, {"quality": 70, "subsampling": 2, "progressive": True}),
    "rgb_444_progressive_optimized": ("RGB", 40, 35, {"quality": 95, "subsampling": 0, "progressive": True, "optimize": True}),
    "rgb_one_pixel": ("RGB", 1, 1, {"subsampling": 2}),
}


def picture(mode, width, height, rng):
    """A gradient with noise: every grey level and a dither that carries errors across rows."""
    bands = 1 if mode == "L" else 3
    data = bytearray()
    for y in range(height):
        for x in range(width):
            for b in range(bands):
                base = (x * 255 // max(1, width - 1) + y * 97 + b * 60) % 256
                data.append(max(0, min(255, base + rng.randint(-40, 40))))
    return Image.frombytes(mode, (width, height), bytes(data))


def main():
    out = sys.argv[1]
    rng = random.Random(20261204)
    for name, (mode, width, height, options) in CASES.items():
        picture(mode, width, height, rng).save(os.path.join(out, name + ".jpg"), "JPEG", **options)
    print(len(CASES))


if __name__ == "__main__":
    main()
