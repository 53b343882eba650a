#!/usr/bin/python3
"""Writes into OUTDIR one file per named TIFF YCbCr layout that is not JPEG-compressed (Formats/Tiff/TiffYCbCr.cs)
and per old-style JPEG layout (TiffOjpeg.cs, gen_tiff_ycbcr.write_ojpeg),
each with what Pillow 9.4 makes of it beside it (reference.write_case). The files are written by
gen_tiff_ycbcr.write_ycbcr (libtiff writes YCbCr only with JPEG); an Orientation is set with tiffset. An uncompressed
file is written with the same samples as its "_lzw" twin: Pillow 9.4 misreads the uncompressed one (raw "RGBX"),
so TiffYCbCrTests compares it with the twin's reference. Used by TiffYCbCrTests; prints the number of files."""
import os
import random
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "Differential"))
import gen_tiff  # noqa: E402
import gen_tiff_ycbcr  # noqa: E402
import reference  # noqa: E402

REC709 = [(2126, 10000), (7152, 10000), (722, 10000)]
STUDIO = [(16, 1), (235, 1), (128, 1), (240, 1), (128, 1), (240, 1)]

# name: (subsampling, chunk, width, height, little-endian, codec, coefficients, ReferenceBlackWhite, orientation)
CASES = {
    "ycbcr_2x2_lzw_strips_odd_sides": ((2, 2), ("strips", 4), 37, 21, True, "lzw", None, None, 1),
    "ycbcr_1x1_deflate_tiles_big_endian": ((1, 1), ("tiles", 16, 16), 40, 19, False, "zip", None, None, 1),
    "ycbcr_2x1_packbits_strips": ((2, 1), ("strips", 3), 29, 10, True, "packbits", None, None, 1),
    "ycbcr_1x2_lzw_tiles": ((1, 2), ("tiles", 32, 16), 35, 33, True, "lzw", None, None, 1),
    "ycbcr_4x1_deflate_strips": ((4, 1), ("strips", 5), 31, 12, True, "zip", None, None, 1),
    "ycbcr_4x2_lzw_tiles_big_endian": ((4, 2), ("tiles", 16, 32), 45, 37, False, "lzw", None, None, 1),
    "ycbcr_4x4_lzw_strips_odd_block_count_last_chroma_zero_as_libtiff": ((4, 4), ("strips", 8), 19, 16, True, "lzw", None, None, 1),
    "ycbcr_4x4_deflate_tiles_clipped_skewed_as_libtiff": ((4, 4), ("tiles", 32, 16), 27, 30, True, "zip", None, None, 1),
    "ycbcr_2x2_lzw_rec709_studio_range": ((2, 2), ("strips", 6), 33, 18, True, "lzw", REC709, STUDIO, 1),
    "ycbcr_2x2_lzw_strips_orientation3_flipped_per_strip": ((2, 2), ("strips", 4), 26, 15, True, "lzw", None, None, 3),
    "ycbcr_4x2_deflate_tiles_orientation6": ((4, 2), ("tiles", 16, 16), 30, 25, True, "zip", None, None, 6),
    "refused_ycbcr_1x4_lzw": ((1, 4), ("strips", 8), 20, 16, True, "lzw", None, None, 1),
    "refused_ycbcr_zero_green_coefficient": ((2, 2), ("strips", 8), 20, 16, True, "lzw", [(299, 1000), (0, 1), (114, 1000)], None, 1),
}
# name: (Pillow JPEG subsampling 0/1/2 = 4:4:4/4:2:2/4:2:0, YCbCrSubsampling tag, width, height, little-endian, coefficients, orientation)
OJPEG = {
    "ojpeg_420_odd_sides": (2, None, 37, 21, True, None, 1),
    "ojpeg_422_tag_says_2x2_orientation6_big_endian": (1, (2, 2), 30, 17, False, None, 6),
    "ojpeg_444_rec709": (0, (1, 1), 25, 9, True, REC709, 1),
}
TWINS = {"ycbcr_4x4_uncompressed_strips": ((4, 4), ("strips", 8), 19, 16, True, "lzw", None, None, 1)}

out = sys.argv[1]
tmp = tempfile.mkdtemp(prefix="tiff_ycbcr_")
try:
    for name, (sub, chunk, w, h, little, codec, luma, refbw, orientation) in CASES.items():
        data = gen_tiff_ycbcr.write_ycbcr(random.Random(name), w, h, sub, chunk, little, luma, refbw, codec=codec)
        if orientation != 1:
            data = gen_tiff.tiffset(data, 274, orientation, tmp)
        reference.write_case(out, name + ".tif", data)
    for name, (samp, tag_sub, w, h, little, luma, orientation) in OJPEG.items():
        data = gen_tiff_ycbcr.write_ojpeg(random.Random(name), w, h, samp, little, luma, None, tag_sub, orientation)
        reference.write_case(out, name + ".tif", data)
    for name, (sub, chunk, w, h, little, codec, luma, refbw, _) in TWINS.items():
        for twin_codec, twin in ((codec, name + "_lzw"), ("none", name)):
            data = gen_tiff_ycbcr.write_ycbcr(random.Random(name), w, h, sub, chunk, little, luma, refbw, codec=twin_codec)
            reference.write_case(out, twin + ".tif", data)
finally:
    shutil.rmtree(tmp, ignore_errors=True)
print(len(CASES) + len(OJPEG) + 2 * len(TWINS))
