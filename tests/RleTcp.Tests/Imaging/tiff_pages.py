#!/usr/bin/python3
"""Writes OUTDIR/pages.tif, a multi-page TIFF (bilevel G4, grey raw, palette LZW, RGB Deflate, bilevel raw with
Orientation 6, LA raw, CMYK LZW, 16-bit grey Deflate, float raw: each page its own mode), and for each page K what Pillow 9.4 makes of it: OUTDIR/pageK.txt = "width height" and
OUTDIR/pageK.bits = seek(K) + convert('1').tobytes() (packed rows, MSB first, 1 = white). Used by TiffPageTests."""
import os
import random
import sys

from PIL import Image

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "Differential"))
import reference  # noqa: E402

out = sys.argv[1]
rng = random.Random(20261203)
pages = [
    reference.grey_image(rng, 37, 11, "noise").point(lambda v: 255 if v >= 128 else 0).convert("1"),
    reference.grey_image(rng, 20, 9, "gradient"),
    reference.rgb_image(rng, 17, 13).convert("P", palette=Image.ADAPTIVE, colors=16),
    reference.rgb_image(rng, 23, 7),
    reference.grey_image(rng, 9, 5, "blocks").point(lambda v: 255 if v >= 128 else 0).convert("1"),
    reference.mode_image(rng, "LA", 14, 6),
    reference.mode_image(rng, "CMYK", 19, 8),
    reference.grey_image(rng, 16, 7, "noise").point(lambda v: v * 2).convert("I").convert("I;16"),
    reference.grey_image(rng, 11, 9, "gradient").convert("F").point(lambda v: v * 1.5 - 20),
]
compressions = ["group4", "raw", "tiff_lzw", "tiff_deflate", "raw", "raw", "tiff_lzw", "tiff_deflate", "raw"]
path = os.path.join(out, "pages.tif")
# One writer per page so each keeps its own compression; AppendingTiffWriter joins them as Pillow's save_all does.
from PIL import TiffImagePlugin  # noqa: E402
with TiffImagePlugin.AppendingTiffWriter(path, True) as tf:
    for im, compression in zip(pages, compressions):
        extra = {}
        if im is pages[4]:
            ifd = TiffImagePlugin.ImageFileDirectory_v2()
            ifd[274] = 6
            extra["tiffinfo"] = ifd
        im.save(tf, "TIFF", compression=compression, **extra)
        tf.newFrame()

with Image.open(path) as im:
    for k in range(len(pages)):
        im.seek(k)
        im.load()
        bw = im.convert("1")
        with open(os.path.join(out, f"page{k}.txt"), "w") as f:
            f.write(f"{bw.size[0]} {bw.size[1]}")
        with open(os.path.join(out, f"page{k}.bits"), "wb") as f:
            f.write(bw.tobytes())
print(len(pages))
