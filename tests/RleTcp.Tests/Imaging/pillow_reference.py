#!/usr/bin/python3
"""Generates a matrix of small edge-case images with Pillow itself (plus a few hand-written files for the encodings
Pillow cannot write: 2/4-bit grey PNG, 4-bit and RLE BMP, plain and maxval != 255 PNM, 16-bit TGA) into the folder
given as argv[1], and beside each NAME writes what the reference pipeline makes of it: NAME.expected.rle
(Image.open(f).convert('1') + the textbook RLE encoder below), or NAME.expected.error (the exception's class name)
when Pillow refuses the file. Prints one line per case. Run with Debian's /usr/bin/python3 + python3-pil (Pillow 9.4)."""
import io
import os
import random
import struct
import sys
import zlib

from PIL import Image

# The differential generators' hand-written encoders (Differential/gen_*.py) make the regression files here too.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "Differential"))
import gen_bmp  # noqa: E402
import gen_gif  # noqa: E402
import gen_png  # noqa: E402

W, H = 37, 23  # odd sizes: rows that are not whole bytes, chunks of 127 do not matter here, dither reaches the edges


def rgb_pixels():
    # Gradients crossing the threshold plus a deterministic noise term, so both threshold and dither are exercised.
    seed = 12345
    out = []
    for y in range(H):
        for x in range(W):
            seed = (seed * 1103515245 + 12345) & 0x7FFFFFFF
            n = (seed >> 16) % 41 - 20
            out.append((max(0, min(255, x * 255 // (W - 1) + n)),
                        max(0, min(255, y * 255 // (H - 1) - n)),
                        max(0, min(255, 128 + n * 3))))
    return out


def rgb_image():
    im = Image.new("RGB", (W, H))
    im.putdata(rgb_pixels())
    return im


def grey_image():
    return rgb_image().convert("L")


def palette_image(colours=256):
    # Palette entries around the threshold and >= 129 (where 16-bit colour maps round differently), indices by noise.
    im = rgb_image().quantize(colors=colours, method=Image.Quantize.MEDIANCUT)
    return im


def edge_palette_image():
    # Every entry within a few steps of luma 128: components >= 129 are where a 16-bit colour map read as
    # c * 255 / 65535 (not c >> 8) loses one, which flips the threshold.
    im = Image.new("P", (W, H))
    im.putpalette([c for i in range(256) for c in (126 + i % 7, 126 + (i // 7) % 7, 126 + (i // 49) % 5)])
    im.putdata([(x * 5 + y * 11) % 256 for y in range(H) for x in range(W)])
    return im


def rle_of(im):
    bw = im.convert("1")
    w, h = bw.size
    px = bw.load()
    out = bytearray(struct.pack("<HH", w, h))
    for y in range(h):
        for start in range(0, w, 127):
            end = min(start + 127, w)
            value = px[start, y] != 0
            length = 0
            for x in range(start, end):
                if (px[x, y] != 0) != value:
                    out.append((0x80 if value else 0) | length)
                    value = px[x, y] != 0
                    length = 0
                length += 1
            out.append((0x80 if value else 0) | length)
    return bytes(out)


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_grey(bits):
    # Pillow writes grey PNG only at 1 and 8 bits; 2 and 4 bits are packed here by hand.
    levels = (1 << bits) - 1
    g = list(grey_image().getdata())
    raw = bytearray()
    for y in range(H):
        raw.append(0)
        acc, n = 0, 0
        row = bytearray()
        for x in range(W):
            acc = (acc << bits) | (g[y * W + x] * levels // 255)
            n += bits
            if n == 8:
                row.append(acc)
                acc, n = 0, 0
        if n:
            row.append(acc << (8 - n))
        raw += row
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", W, H, bits, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(bytes(raw))) + chunk(b"IEND", b""))


def bmp(bits, palette, rows_bottom_up, compression=0):
    """A BITMAPINFOHEADER file; rows_bottom_up is the pixel array already laid out (padded or RLE)."""
    pal = b"".join(bytes((b, g, r, 0)) for r, g, b in palette)
    offset = 14 + 40 + len(pal)
    info = struct.pack("<IiiHHIIiiII", 40, W, H, 1, bits, compression, len(rows_bottom_up), 2835, 2835,
                       len(palette), 0)
    return b"BM" + struct.pack("<IHHI", offset + len(rows_bottom_up), 0, 0, offset) + info + pal + rows_bottom_up


def bmp_indices():
    return list(palette_image(16).getdata())


def bmp_palette16():
    pal = palette_image(16).getpalette()[:48]
    return [tuple(pal[i:i + 3]) for i in range(0, 48, 3)]


def bmp4():
    idx = bmp_indices()
    data = bytearray()
    for y in reversed(range(H)):
        row = bytearray()
        for x in range(0, W, 2):
            hi = idx[y * W + x]
            lo = idx[y * W + x + 1] if x + 1 < W else 0
            row.append((hi << 4) | lo)
        row += b"\0" * (-len(row) % 4)
        data += row
    return bmp(4, bmp_palette16(), bytes(data))


def bmp_rle(rle4, truncated=False, eob_early=False, delta=True, early_eol=True):
    """RLE8/RLE4 with encoded runs, absolute runs, end-of-line before the row is full and a delta: the skipped
    pixels are index 0 in Pillow."""
    idx = bmp_indices()
    data = bytearray()
    for r, y in enumerate(reversed(range(H))):
        row = idx[y * W:(y + 1) * W]
        if r == 3 and delta:
            data += bytes((0, 2, 5, 1))  # delta: 5 right, 1 up -> the rest of this row and 5 of the next are skipped
            continue
        if r == 4 and delta:
            row = row[5:]
        stop = len(row) - 6 if r % 5 == 1 and early_eol else len(row)  # end of line 6 pixels early on some rows
        x = 0
        while x < stop:
            n = 1
            while x + n < stop and n < 200 and row[x + n] == row[x]:
                n += 1
            odd4 = rle4 and min(stop - x, 9) < 4  # an absolute run must be 3+ pixels (even for RLE4, see below)
            if n >= 3 or stop - x < 3 or odd4:
                v = row[x]
                data += bytes((n, (v << 4) | v if rle4 else v))
                x += n
            else:
                # Even lengths only for RLE4: Pillow 9.4 reads an odd absolute run short (count // 2 bytes).
                n = min(stop - x, 9)
                if rle4 and n % 2:
                    n -= 1
                seg = row[x:x + n]
                if rle4:
                    packed = bytearray()
                    for i in range(0, n, 2):
                        packed.append((seg[i] << 4) | (seg[i + 1] if i + 1 < n else 0))
                    packed += b"\0" * (len(packed) % 2)
                    data += bytes((0, n)) + packed
                else:
                    data += bytes((0, n)) + bytes(seg) + b"\0" * (n % 2)
                x += n
        data += b"\0\0"
        if truncated and r == H // 2:
            break
        if eob_early and r == H // 2:
            data += b"\0\1"
            break
    if not truncated and not eob_early:
        data += b"\0\1"
    pal = bmp_palette16() + [(0, 0, 0)] * 240 if not rle4 else bmp_palette16()
    return bmp(4 if rle4 else 8, pal, bytes(data), 2 if rle4 else 1)


def pnm_plain(magic, maxval):
    g = grey_image() if magic == b"P2" else rgb_image()
    values = [v * maxval // 255 for p in g.getdata() for v in (p if isinstance(p, tuple) else (p,))]
    body = "\n".join(" ".join(str(v) for v in values[i:i + 12]) for i in range(0, len(values), 12))
    return magic + b"\n# comment\n%d %d\n%d\n" % (W, H, maxval) + body.encode() + b"\n"


def pnm_raw(magic, maxval):
    g = grey_image() if magic == b"P5" else rgb_image()
    values = [v * maxval // 255 for p in g.getdata() for v in (p if isinstance(p, tuple) else (p,))]
    fmt = "B" if maxval < 256 else ">H"
    return magic + b"\n%d %d\n%d\n" % (W, H, maxval) + b"".join(struct.pack(fmt, v) for v in values)


def tga16():
    px = rgb_pixels()
    data = bytearray()
    for y in reversed(range(H)):
        for x in range(W):
            r, g, b = px[y * W + x]
            v = ((r >> 3) << 10) | ((g >> 3) << 5) | (b >> 3)
            data += struct.pack("<H", v)
    return struct.pack("<BBBHHBHHHHBB", 0, 0, 2, 0, 0, 0, 0, 0, W, H, 16, 0) + bytes(data)


def tga16_ramp():
    # Every 5-bit value in every channel: where v * 255 / 31 and other widenings part.
    data = b"".join(struct.pack("<H", (((x + y) % 32) << 10) | ((x * 3 % 32) << 5) | ((y * 7 + x) % 32))
                    for y in range(H) for x in range(W))
    return struct.pack("<BBBHHBHHHHBB", 0, 0, 2, 0, 0, 0, 0, 0, W, H, 16, 0x20) + data


def saved(im, fmt, **kw):
    buf = io.BytesIO()
    im.save(buf, fmt, **kw)
    return buf.getvalue()


def cases():
    rgb, grey = rgb_image(), grey_image()
    pal = palette_image()
    bilevel = grey.convert("1")
    rgba = rgb.copy()
    rgba.putalpha(grey.point(lambda v: 255 - v))
    la = grey.copy().convert("LA")
    la.putalpha(rgb.getchannel("R"))
    ramp = Image.new("L", (W, H))
    ramp.putdata([(x * 7 + y * 3) % 256 for y in range(H) for x in range(W)])
    yield "png_1.png", saved(bilevel, "PNG")
    yield "png_grey2.png", png_grey(2)
    yield "png_grey4.png", png_grey(4)
    yield "png_grey8.png", saved(grey, "PNG")
    yield "png_grey8_trns.png", saved(grey, "PNG", transparency=130)
    yield "png_la.png", saved(la, "PNG")
    yield "png_p8.png", saved(pal, "PNG")
    yield "png_p_edge.png", saved(edge_palette_image(), "PNG")
    yield "png_p4.png", saved(palette_image(16), "PNG", bits=4)
    yield "png_p2.png", saved(palette_image(4), "PNG", bits=2)
    yield "png_p_trns.png", saved(pal, "PNG", transparency=3)
    yield "png_rgb.png", saved(rgb, "PNG")
    yield "png_rgba.png", saved(rgba, "PNG")
    yield "png_rgb_interlaced.png", saved(rgb, "PNG", optimize=False)
    # Issue 11 class 1: Adam7 of width 1..4 (ImageSharp 2.1.13 looped, failed or misread them), every colour type.
    for w in range(1, 5):
        for ct, depth in ((0, 1), (0, 4), (0, 8), (0, 16), (2, 8), (2, 16), (3, 2), (3, 8), (4, 8), (4, 16), (6, 8), (6, 16)):
            yield f"png_adam7_w{w}_ct{ct}_d{depth}.png", gen_png.hand_png(random.Random(w * 100 + ct * 17 + depth), w, 9, ct, depth, True)
    yield "bmp_1.bmp", saved(bilevel, "BMP")
    yield "bmp_4.bmp", bmp4()
    yield "bmp_8_greyramp.bmp", saved(grey, "BMP")
    yield "bmp_8_palette.bmp", saved(pal, "BMP")
    yield "bmp_8_edge.bmp", saved(edge_palette_image(), "BMP")
    yield "bmp_24.bmp", saved(rgb, "BMP")
    yield "bmp_rle8.bmp", bmp_rle(False)
    yield "bmp_rle4.bmp", bmp_rle(True)
    yield "bmp_rle8_plain.bmp", bmp_rle(False, delta=False, early_eol=False)
    yield "bmp_rle8_eol.bmp", bmp_rle(False, delta=False)
    yield "bmp_rle8_delta.bmp", bmp_rle(False, early_eol=False)
    yield "bmp_rle4_plain.bmp", bmp_rle(True, delta=False, early_eol=False)
    yield "bmp_rle8_truncated.bmp", bmp_rle(False, truncated=True)
    yield "bmp_rle8_eob_early.bmp", bmp_rle(False, eob_early=True)
    # Issue 18 §1-3: a bit count BMP does not have; RLE runs longer than the rest of the row (encoded: clipped at the
    # row end; absolute: on into the next row, as Pillow); a palette that does not fit before the pixel offset
    # (Pillow reads it over the pixels); a header-less DIB; OS/2 1.x; 16-bit 5-5-5 widened as v * 255 / 31.
    yield "bmp_bitcount_30000.bmp", gen_bmp.bmp_file(gen_bmp.info_header(40, W, H, 30000), b"", bytes(4 * W * H))
    yield "bmp_rle8_long_runs.bmp", bmp(8, bmp_palette16(), bytes([60, 3, 0, 0] + [W + 9, 5, 0, 0] * (H - 1) + [0, 1]), 1)
    yield "bmp_rle4_long_runs.bmp", bmp(4, bmp_palette16(), bytes([200, 0x35, 0, 0] * H + [0, 1]), 2)
    yield "bmp_rle8_long_absolute.bmp", bmp(8, bmp_palette16(), bytes([0, W + 5] + [i % 16 for i in range(W + 5)] + [0] * ((W + 5) % 2) + [W, 7, 0, 0] * H + [0, 1]), 1)
    pal16 = b"".join(bytes((b, g, r, 0)) for r, g, b in bmp_palette16())
    idx4 = bmp4()[14 + 40 + 64:]
    short_info = gen_bmp.info_header(40, W, H, 4, 0, 16)
    yield "bmp_palette_past_pixel_offset.bmp", (b"BM" + struct.pack("<IHHI", 14 + 40 + 32 + len(idx4), 0, 0, 14 + 40 + 32)
                                                + short_info + pal16[:32] + idx4)
    yield "bmp_dib_header_only.dib", short_info + pal16 + idx4
    yield "bmp_os2.bmp", gen_bmp.bmp_file(gen_bmp.info_header(12, W, H, 4), b"".join(bytes((b, g, r)) for r, g, b in bmp_palette16()), idx4)
    ramp15 = [((x + y) % 32, (x * 3) % 32, (y * 7 + x) % 32) for y in range(H) for x in range(W)]
    rows15 = b"".join(b"".join(struct.pack("<H", (r << 10) | (g << 5) | b) for r, g, b in ramp15[y * W:(y + 1) * W]).ljust(((W * 16 + 31) >> 3) & ~3, b"\0") for y in reversed(range(H)))
    yield "bmp_16bit_555_ramp.bmp", gen_bmp.bmp_file(gen_bmp.info_header(40, W, H, 16), b"", rows15)
    yield "gif_greyramp.gif", saved(ramp, "GIF")
    yield "gif_palette.gif", saved(pal, "GIF")
    yield "gif_edge.gif", saved(edge_palette_image(), "GIF")
    yield "gif_transparency.gif", saved(pal, "GIF", transparency=5)
    # Issue 11 class 4: a first frame smaller than the screen (outside it: index 0, or the transparent index) or
    # larger than it (Pillow's size is the frame's).
    for name, sw, sh, frame in (
            ("gif_frame_smaller_than_screen.gif", 40, 30, dict(x=5, y=3, w=17, h=9)),
            ("gif_frame_smaller_transparent.gif", 40, 30, dict(x=9, y=11, w=20, h=6, trans=2)),
            ("gif_frame_larger_than_screen.gif", 4, 4, dict(x=0, y=0, w=64, h=64)),
            ("gif_frame_larger_offset.gif", 30, 10, dict(x=7, y=2, w=31, h=17, interlace=True))):
        rng = random.Random(len(name))
        frame["indices"] = [(x * 3 + y) % 4 for y in range(frame["h"]) for x in range(frame["w"])]
        frame["mcs"] = 2
        yield name, gen_gif.hand_gif(rng, sw, sh, [frame], bytes([250, 250, 250, 20, 20, 20, 200, 200, 0, 0, 0, 90]))
    for mode, im in (("1", bilevel), ("l", grey), ("p", pal), ("pedge", edge_palette_image()), ("rgb", rgb), ("rgba", rgba)):
        for comp in ("raw", "tiff_lzw", "packbits"):
            yield f"tiff_{mode}_{comp}.tif", saved(im, "TIFF", compression=None if comp == "raw" else comp)
    yield "tiff_1_group4.tif", saved(bilevel, "TIFF", compression="group4")
    yield "tiff_1_group3.tif", saved(bilevel, "TIFF", compression="group3")
    for mode, im in (("l", grey), ("p", pal), ("pedge", edge_palette_image()), ("rgb", rgb), ("rgba", rgba)):
        yield f"tga_{mode}.tga", saved(im, "TGA")
        yield f"tga_{mode}_rle.tga", saved(im, "TGA", compression="tga_rle")
    yield "tga_rgb16.tga", tga16()
    yield "tga_rgb16_ramp.tga", tga16_ramp()
    yield "pbm_p4.pbm", saved(bilevel, "PPM")
    yield "pgm_p5.pgm", saved(grey, "PPM")
    yield "ppm_p6.ppm", saved(rgb, "PPM")
    yield "pgm_p2.pgm", pnm_plain(b"P2", 255)
    yield "ppm_p3.ppm", pnm_plain(b"P3", 255)
    yield "pgm_p2_max100.pgm", pnm_plain(b"P2", 100)
    yield "ppm_p3_max1000.ppm", pnm_plain(b"P3", 1000)
    yield "pgm_p5_max100.pgm", pnm_raw(b"P5", 100)
    yield "ppm_p6_max100.ppm", pnm_raw(b"P6", 100)
    yield "ppm_p6_max1000.ppm", pnm_raw(b"P6", 1000)
    yield "ppm_p6_max65535.ppm", pnm_raw(b"P6", 65535)
    yield "pgm_p5_max1000.pgm", pnm_raw(b"P5", 1000)
    yield "pgm_p2_max1000.pgm", pnm_plain(b"P2", 1000)
    yield "pgm_p5_max1.pgm", pnm_raw(b"P5", 1)
    # Issue 11 class 2: plain PBM without whitespace between the digits (each digit one pixel).
    yield "pbm_p1_packed_digits.pbm", b"P1 8 1 00000000"
    yield "pbm_p1_packed_rows.pbm", b"P1\n5 3\n10101\n0110 0\n11100\n"
    # Issue 11 class 3: exactly one whitespace byte ends the header; the first samples are whitespace-valued bytes.
    yield "pgm_p5_whitespace_samples.pgm", b"P5\n4 2\n255\n" + bytes([9, 10, 13, 32, 200, 11, 12, 255])
    yield "ppm_p6_whitespace_samples.ppm", b"P6 2 1 255 " + bytes([32, 32, 32, 10, 13, 9])
    yield "pgm_p5_16bit_whitespace_samples.pgm", b"P5 2 1 65535\n" + bytes([32, 10, 9, 13])
    # Issue 11 class 7: cut short (Pillow refuses), maxval out of range.
    yield "pgm_p5_truncated.pgm", saved(grey, "PPM")[:-7]
    yield "ppm_p6_truncated.ppm", saved(rgb, "PPM")[:-1]
    yield "ppm_p6_16bit_truncated.ppm", pnm_raw(b"P6", 1000)[:-1]
    yield "pgm_p2_truncated.pgm", pnm_plain(b"P2", 255)[:-200].rstrip() + b"\n"
    yield "ppm_p3_truncated.ppm", pnm_plain(b"P3", 255)[:-300].rstrip() + b" "
    yield "pgm_maxval_65536.pgm", b"P5 2 1 65536\n" + bytes(4)
    yield "pgm_maxval_20_digits.pgm", b"P5 2 1 18446744073709551616\n" + bytes(4)


def main():
    folder = sys.argv[1]
    for name, data in cases():
        path = os.path.join(folder, name)
        with open(path, "wb") as f:
            f.write(data)
        try:
            with Image.open(path) as im:
                result = rle_of(im)
            with open(path + ".expected.rle", "wb") as f:
                f.write(result)
            print(name, "rle", len(result))
        except Exception as e:  # the reference refuses the file: RleTcp must refuse it too
            with open(path + ".expected.error", "w") as f:
                f.write(type(e).__name__ + ": " + str(e))
            print(name, "error", type(e).__name__)


if __name__ == "__main__":
    main()
