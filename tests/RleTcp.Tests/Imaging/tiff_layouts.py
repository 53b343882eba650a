#!/usr/bin/python3
"""Writes into OUTDIR one file per named TIFF layout that RleTcp's own sample reader reads (TiffSampleReader), each
with what Pillow 9.4 makes of it beside it (reference.write_case: NAME.expected.rle, or NAME.expected.error when
Pillow refuses it). The layouts are written raw here (gen_tiff.raw_tiff) or by Pillow, then re-written by libtiff's
tiffcp (tiles, planes, BigTIFF, byte order, fill order, codecs and predictors). Used by TiffSampleLayoutTests;
prints the number of files written."""
import io
import os
import random
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "Differential"))
import gen_tiff  # noqa: E402
import reference  # noqa: E402
from PIL import Image  # noqa: E402

# name: (layout in gen_tiff.RAW_LAYOUTS or a Pillow mode, width, height, little-endian, tiffcp arguments or None, orientation)
CASES = {
    "la_uncompressed": ("LA", 37, 11, True, None, 1),
    "pa_lzw": ("PA", 23, 9, True, ["-c", "lzw"], 1),
    "cmyk_lzw_tiled": ("CMYK8", 40, 21, True, ["-t", "-w", "16", "-l", "16", "-c", "lzw"], 1),
    "cmyk_extra_sample_deflate_big_endian": ("CMYKX8", 19, 14, False, ["-B", "-c", "zip"], 1),
    "grey16_deflate_predictor2_clipped": ("L16", 33, 12, True, ["-c", "zip:2"], 1),
    "grey16_big_endian_lzw": ("L16", 21, 17, False, ["-B", "-c", "lzw"], 1),
    "grey12_uncompressed": ("L12", 30, 7, True, None, 1),
    "signed16_big_endian_lzw": ("I16S", 25, 10, False, ["-B", "-c", "lzw"], 1),
    "signed32_uncompressed": ("I32S", 18, 9, True, None, 1),
    "float32_lzw_predictor3": ("F32", 27, 13, True, ["-c", "lzw:3"], 1),
    "float32_big_endian_deflate_byte_swapped_as_pillow": ("F32", 16, 8, False, ["-B", "-c", "zip"], 1),
    "rgb16_tiled_lzw_predictor2": ("RGB16", 35, 20, True, ["-t", "-w", "16", "-l", "16", "-c", "lzw:2"], 1),
    "rgba_premultiplied_uncompressed": ("RGBa8", 29, 11, True, None, 1),
    "rgba_without_extra_samples_planar_lzw_unpremultiplied_as_pillow": ("RGBnoextra8", 26, 9, True, ["-p", "separate", "-c", "lzw"], 1),
    "grey_tiled_bigtiff_lzma": ("L8i", 45, 30, True, ["-8", "-t", "-w", "16", "-l", "16", "-c", "lzma"], 1),
    "grey_lzma_predictor2_orientation6": ("L8i", 31, 12, True, ["-c", "lzma:2"], 6),
    "rgb_planar_strips_bigtiff_packbits": ("RGB", 34, 15, True, ["-8", "-p", "separate", "-r", "4", "-c", "packbits"], 1),
    "grey4_fill_order2_lzw": ("L4i", 27, 8, True, ["-f", "lsb2msb", "-c", "lzw"], 1),
    "palette2_tiled_deflate_orientation3": ("P2", 38, 19, False, ["-B", "-t", "-w", "16", "-l", "16", "-c", "zip"], 3),
    "rgb_planar_tile_overhang_uncompressed_stepped_as_pillow": ("RGBnoextra8", 20, 10, True, ["-t", "-w", "16", "-l", "16", "-p", "separate", "-c", "none"], 1),
    "rgb_webp_strips_lossy": ("RGB", 70, 37, True, ["-r", "16", "-c", "webp"], 1),
    "rgba_webp_tiles_quality100": ("RGBA", 41, 30, True, ["-t", "-w", "32", "-l", "16", "-c", "webp:100"], 1),
    "rgb_jpeg_ycbcr_2x2_strips": ("RGB", 70, 37, True, ["-r", "16", "-c", "jpeg:90"], 1),
    "rgb_jpeg_ycbcr_2x2_tiles_big_endian": ("RGB", 75, 40, False, ["-B", "-t", "-w", "32", "-l", "16", "-c", "jpeg:90"], 1),
    "rgb_jpeg_ycbcr_2x2_strips_bigtiff_orientation8": ("RGB", 33, 21, True, ["-8", "-r", "16", "-c", "jpeg:50"], 8),
    "rgb_jpeg_rgb_strips": ("RGB", 41, 30, True, ["-r", "8", "-c", "jpeg:r"], 1),
    "rgb_jpeg_rgb_tiles_orientation6": ("RGB", 50, 33, True, ["-t", "-w", "32", "-l", "32", "-c", "jpeg:r"], 6),
    "grey_jpeg_strips": ("L", 45, 30, True, ["-r", "16", "-c", "jpeg:90"], 1),
    "grey_jpeg_tiles_big_endian": ("L", 39, 20, False, ["-B", "-t", "-w", "16", "-l", "16", "-c", "jpeg:75"], 1),
    "refused_two_samples_without_extra_samples": ("LA-noextra", 8, 4, True, None, 1),
    "refused_planar_strips_with_more_samples_than_bands": ("RGBaX8", 8, 4, True, ["-p", "separate", "-c", "lzw"], 1),
}

out = sys.argv[1]
rng = random.Random(20261203)
tmp = tempfile.mkdtemp(prefix="tiff_layouts_")
try:
    for name, (layout, w, h, little, args, orientation) in CASES.items():
        if layout in gen_tiff.RAW_LAYOUTS:
            data = gen_tiff.raw_tiff(rng, layout, w, h, little)
        else:
            data = reference.saved(reference.mode_image(rng, layout, w, h), "TIFF")
        if args:
            data = gen_tiff.tiffcp(data, args, tmp)
        if orientation != 1:
            data = gen_tiff.tiffset(data, 274, orientation, tmp)
        reference.write_case(out, name + ".tif", data)
        if name == "rgb_jpeg_ycbcr_2x2_strips":
            # Its second strip's SOI overwritten: libjpeg fails ("Not a JPEG file"), and so does Pillow.
            with Image.open(io.BytesIO(data)) as im:
                second = im.tag_v2[273][1]
            no_soi = bytearray(data)
            no_soi[second:second + 2] = b"\0\0"
            reference.write_case(out, "refused_jpeg_strip_without_soi.tif", bytes(no_soi))
finally:
    shutil.rmtree(tmp, ignore_errors=True)
print(len(CASES) + 1)
