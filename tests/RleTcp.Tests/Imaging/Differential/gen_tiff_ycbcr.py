#!/usr/bin/python3
"""TIFF YCbCr (photometric 6) pages that are not JPEG-compressed, which Pillow 9.4 reads through libtiff's RGBA
interface (TIFFRGBAImage: libtiff's integer YCbCr tables, each pixel its own Y and its block's Cb/Cr). libtiff writes
YCbCr only with JPEG, so the files are written here: 8-bit samples in blocks of YCbCrSubsampling 1/2/4 x 1/2/4,
strips or tiles, with or without YCbCrCoefficients and ReferenceBlackWhite, either byte order, each chunk
uncompressed or LZW, Deflate or PackBits (compressed here: tiffcp refuses to copy subsampled YCbCr); 1x1 files
sometimes re-written by tiffcp (BigTIFF, big-endian, FillOrder 2, LZMA, strips, tiles); an Orientation by tiffset,
a cut at a random point. And old-style JPEG (6) around a whole JPEG stream by Pillow (write_ojpeg), which Pillow
reads through libtiff's OJPEG codec (libjpeg's raw planes) and the same RGBA interface.
See reference.py for the contract. Exclusions (also in docs/IMAGING.md, "Known differences"):
  - uncompressed YCbCr: Pillow 9.4 unpacks it with its raw decoder as "RGBX", four bytes a pixel read as RGB (its
    bug); RleTcp converts it as libtiff does (TiffYCbCrTests compares it with the same file LZW-compressed).
"""
import os
import shutil
import struct
import subprocess
import tempfile
import zlib

import reference
from gen_tiff import tiffcp

TIFFCP = shutil.which("tiffcp") or "/usr/bin/tiffcp"
TIFFSET = shutil.which("tiffset") or "/usr/bin/tiffset"
if not (os.path.exists(TIFFCP) and os.path.exists(TIFFSET)):
    raise SystemExit("tiffcp and tiffset (Debian libtiff-tools) are required; .ci/run installs libtiff-tools")

UNCOMPRESSED = "uncompressed YCbCr: Pillow 9.4 reads it as raw RGBX, 4 bytes a pixel (its bug); RleTcp converts it as libtiff does"
# 1x4 and 2x4 are refused by libtiff (no routine), so by Pillow 9.4 and RleTcp: drawn less often.
SUBSAMPLINGS = [(1, 1), (2, 1), (2, 2), (2, 2), (4, 1), (4, 2), (4, 4), (4, 4), (1, 2), (1, 4), (2, 4)]


def ycbcr(r, g, b):
    """ITU-R BT.601 full-range YCbCr of one pixel (what a writer stores; the reader's tables decide the rest)."""
    y = 0.299 * r + 0.587 * g + 0.114 * b
    cb = 128 + (b - y) / 1.772
    cr = 128 + (r - y) / 1.402
    return [max(0, min(255, int(round(v)))) for v in (y, cb, cr)]


def blocks(px, w, x0, y0, cw, ch, sh, sv, width, height):
    """The YCbCr blocks of the chunk at (x0, y0) of cw x ch pixels: sh*sv Ys then Cb, Cr (their block's mean);
    pixels past the image repeat its last column and row."""
    out = bytearray()
    for by in range(0, ch, sv):
        for bx in range(0, cw, sh):
            ys, cbs, crs = [], [], []
            for j in range(sv):
                for i in range(sh):
                    x, y = min(x0 + bx + i, width - 1), min(y0 + by + j, height - 1)
                    yy, cb, cr = px[y * width + x]
                    ys.append(yy)
                    cbs.append(cb)
                    crs.append(cr)
            out += bytes(ys) + bytes([sum(cbs) // len(cbs), sum(crs) // len(crs)])
    return bytes(out)


def lzw(data):
    """TIFF LZW (compression 5) as libtiff's encoder writes it: MSB-first codes from 9 bits, one bit more once the
    next free code passes the width (the decoder, an entry behind, grows one code early), Clear at 4094."""
    out, acc, n = bytearray(), 0, 0

    def put(code, width):
        nonlocal acc, n
        acc, n = (acc << width) | code, n + width
        while n >= 8:
            out.append((acc >> (n - 8)) & 0xFF)
            n -= 8

    table, width, prefix = {bytes([i]): i for i in range(256)}, 9, b""
    put(256, 9)
    for byte in data:
        s = prefix + bytes([byte])
        if s in table:
            prefix = s
            continue
        put(table[prefix], width)
        table[s] = len(table) + 2
        if len(table) + 2 == 4094:
            put(256, width)
            table, width = {bytes([i]): i for i in range(256)}, 9
        elif len(table) + 2 in (512, 1024, 2048):
            width += 1
        prefix = bytes([byte])
    if prefix:
        put(table[prefix], width)
        if len(table) + 3 == 4094:
            put(256, width)
            width = 9
        elif len(table) + 3 in (512, 1024, 2048):
            width += 1
    put(257, width)
    if n:
        out.append((acc << (8 - n)) & 0xFF)
    return bytes(out)


def packbits(data):
    """PackBits (32773): literal runs of up to 128 bytes, repeats of 2 to 128."""
    out, i = bytearray(), 0
    while i < len(data):
        j = i
        while j < len(data) and j - i < 128 and data[j] == data[i]:
            j += 1
        if j - i >= 2:
            out += bytes([257 - (j - i), data[i]])
            i = j
            continue
        j = i + 1
        while j < len(data) and j - i < 128 and not (j + 1 < len(data) and data[j] == data[j + 1]):
            j += 1
        out += bytes([j - i - 1]) + data[i:j]
        i = j
    return bytes(out)


CODECS = {"none": (1, lambda d: d), "lzw": (5, lzw), "zip": (8, zlib.compress), "packbits": (32773, packbits)}


def write_ycbcr(rng, w, h, sub, chunk, little, coefficients=None, refbw=None, noise=False, codec="none"):
    """An uncompressed YCbCr TIFF: chunk is ("strips", rows) or ("tiles", tw, tl). Samples from a random RGB
    picture, or (noise) random bytes, which exercise the tables' clamps."""
    sh, sv = sub
    im = reference.rgb_image(rng, w, h)
    px = [ycbcr(*p) for p in im.getdata()]
    if chunk[0] == "strips":
        cw, ch = w, chunk[1]
        origins = [(0, y) for y in range(0, h, ch)]
    else:
        cw, ch = chunk[1], chunk[2]
        origins = [(x, y) for y in range(0, h, ch) for x in range(0, w, cw)]
    datas = []
    for x0, y0 in origins:
        rows = min(ch, h - y0) if chunk[0] == "strips" else ch
        d = blocks(px, w, x0, y0, cw, -(-rows // sv) * sv, sh, sv, w, h)
        datas.append(CODECS[codec][1](bytes(rng.randrange(256) for _ in d) if noise else d))
    entries = [(256, 4, [w]), (257, 4, [h]), (258, 3, [8, 8, 8]), (259, 3, [CODECS[codec][0]]), (262, 3, [6]), (277, 3, [3]),
               (284, 3, [1])]
    if sub != (2, 2) or rng.random() < 0.5:
        entries.append((530, 3, list(sub)))
    if chunk[0] == "strips":
        entries += [(273, 4, None), (278, 4, [chunk[1]]), (279, 4, [len(d) for d in datas])]
    else:
        entries += [(322, 3, [cw]), (323, 3, [ch]), (324, 4, None), (325, 4, [len(d) for d in datas])]
    if coefficients:
        entries.append((529, 5, coefficients))
    if refbw:
        entries.append((532, 5, refbw))
    return assemble(entries, datas, little)


def assemble(entries, datas, little):
    """A classic TIFF: header, the chunks, then the IFD and its arrays; a value None is the chunks' offsets."""
    e = "<" if little else ">"
    entries = sorted(entries)
    out = bytearray((b"II" if little else b"MM") + struct.pack(e + "HI", 42, 0))
    offsets = []
    for d in datas:
        offsets.append(len(out))
        out += d
        if len(out) & 1:
            out += b"\0"
    ifd = len(out)
    arrays_at = ifd + 2 + 12 * len(entries) + 4
    arrays = bytearray()
    body = bytearray(struct.pack(e + "H", len(entries)))
    for tag, typ, values in entries:
        values = offsets if values is None else values
        if typ == 5:
            raw = b"".join(struct.pack(e + "II", *v) for v in values)
        else:
            raw = b"".join(struct.pack(e + ("H" if typ == 3 else "I"), v) for v in values)
        if len(raw) <= 4:
            body += struct.pack(e + "HHI", tag, typ, len(values))[:8] + raw.ljust(4, b"\0")
        else:
            body += struct.pack(e + "HHII", tag, typ, len(values), arrays_at + len(arrays))
            arrays += raw
    out += body + b"\0\0\0\0" + arrays
    out[4:8] = struct.pack(e + "I", ifd)
    return bytes(out)


def write_ojpeg(rng, w, h, subsampling, little, coefficients=None, refbw=None, tag_subsampling=None, orientation=1):
    """Old-style JPEG (compression 6) as most writers of it did: a whole JPEG stream by Pillow (subsampling 0, 1, 2:
    4:4:4, 4:2:2, 4:2:0) at JPEGInterchangeFormat (513, 514), the one strip on the same bytes; YCbCrSubsampling
    (which libtiff replaces by the frame's) as given or absent."""
    jpeg = reference.saved(reference.rgb_image(rng, w, h), "JPEG", quality=rng.choice([50, 75, 90, 100]), subsampling=subsampling)
    entries = [(256, 4, [w]), (257, 4, [h]), (258, 3, [8, 8, 8]), (259, 3, [6]), (262, 3, [6]), (273, 4, None),
               (277, 3, [3]), (278, 4, [h]), (279, 4, [len(jpeg)]), (513, 4, None), (514, 4, [len(jpeg)])]
    if tag_subsampling:
        entries.append((530, 3, list(tag_subsampling)))
    if orientation != 1:
        entries.append((274, 3, [orientation]))
    if coefficients:
        entries.append((529, 5, coefficients))
    if refbw:
        entries.append((532, 5, refbw))
    return assemble(entries, [jpeg], little)


def ojpeg_case(rng, w, h):
    subsampling = rng.choice([0, 1, 2])
    tag_subsampling = rng.choice([None, (2, 2), (1, 1), (2, 1)])
    coefficients = [rational(rng, v) for v in (0.2126, 0.7152, 0.0722)] if rng.random() < 0.2 else None
    refbw = [rational(rng, v) for v in (16, 235, 128, 240, 128, 240)] if rng.random() < 0.2 else None
    little = rng.random() < 0.7
    orientation = rng.randint(2, 8) if rng.random() < 0.25 else 1  # set here: tiffset re-writes OJPEG files badly
    tag = f"ojpeg_orient{orientation}_samp{subsampling}_tag{''.join(map(str, tag_subsampling or ()))}{'_coef' if coefficients else ''}{'_refbw' if refbw else ''}{'' if little else '_be'}"
    return write_ojpeg(rng, w, h, subsampling, little, coefficients, refbw, tag_subsampling, orientation), tag


def rational(rng, v):
    denominator = rng.choice([1, 1000, 10000, 65536])
    return (int(round(v * denominator)), denominator)


def random_case(rng, w, h, codec):
    sub = rng.choice(SUBSAMPLINGS)
    if rng.random() < 0.3:
        chunk = ("tiles", rng.choice([16, 32]), rng.choice([16, 32]))
    else:
        rows = rng.choice([1, 2, 3, 4, 8, h]) if rng.random() < 0.7 else h
        chunk = ("strips", max(rows, 1))
    coefficients = refbw = None
    tag = f"sub{sub[0]}{sub[1]}_{chunk[0]}{'x'.join(map(str, chunk[1:]))}"
    if rng.random() < 0.3:
        coefficients = [rational(rng, v) for v in rng.choice([(0.299, 0.587, 0.114), (0.2126, 0.7152, 0.0722), (0.3, 0.6, 0.1)])]
        tag += "_coef"
    if rng.random() < 0.3:
        refbw = [rational(rng, v) for v in rng.choice([(0, 255, 128, 255, 128, 255), (16, 235, 128, 240, 128, 240), (0, 255, 0, 255, 0, 255)])]
        tag += "_refbw"
    noise = rng.random() < 0.15
    tag += "_noise" if noise else ""
    little = rng.random() < 0.7
    tag += "" if little else "_be"
    return write_ycbcr(rng, w, h, sub, chunk, little, coefficients, refbw, noise, codec), tag + f"_{codec}"


def cases(rng, count):
    tmp = tempfile.mkdtemp(prefix="gen_tiff_ycbcr_")
    try:
        for i in range(count):
            w, h = reference.size_class(rng)
            if w * h > 40000:
                w, h = w // 2 or 1, h // 2 or 1  # the pure-Python block writer is slow
            codec = rng.choice(["none", "lzw", "zip", "packbits", "lzw", "zip", "ojpeg", "ojpeg"])
            if codec == "ojpeg":
                data, tag = ojpeg_case(rng, w, h)
            else:
                data, tag = random_case(rng, w, h, codec)
            excluded = UNCOMPRESSED if codec == "none" else None
            if tag.startswith("sub11") and codec != "none" and rng.random() < 0.5:
                # tiffcp copies YCbCr that is not subsampled: BigTIFF, big-endian (not both: Pillow 9.4 fails on
                # that), FillOrder 2 (which Pillow 9.4 cannot identify: both refuse it), LZMA, strips and tiles.
                args = rng.choice([["-8", "-L"], ["-B"], ["-f", "lsb2msb"], ["-r", "3"], ["-t", "-w", "16", "-l", "32"], []])
                recodec = rng.choice(["lzw", "zip", "packbits", "lzma"])
                try:
                    data = tiffcp(data, args + ["-c", recodec], tmp)
                    tag += "_tiffcp" + "".join(a.replace("-", "_") for a in args) + "_" + recodec
                except subprocess.CalledProcessError:
                    pass  # tiffcp reads a row at a time: PackBits runs here may cross rows (libtiff reads strips whole)
            if codec != "ojpeg" and rng.random() < 0.2:
                o = rng.randint(2, 8)
                path = os.path.join(tmp, "set.tif")
                with open(path, "wb") as f:
                    f.write(data)
                subprocess.run([TIFFSET, "-s", "274", str(o), path], check=True, capture_output=True)
                with open(path, "rb") as f:
                    data = f.read()
                tag += f"_orient{o}"
            if rng.random() < 0.08 and len(data) > 16:
                cut = rng.randint(8, len(data) - 1)
                data = data[:cut]
                tag += f"_cut{cut}"
            yield f"tiffycc_{i:04d}_{w}x{h}_{tag}.tif", data, excluded
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    reference.run(cases)
