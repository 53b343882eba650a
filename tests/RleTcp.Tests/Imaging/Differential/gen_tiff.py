#!/usr/bin/python3
"""TIFF as Pillow 9.4 and libtiff 4.5 write it: every Pillow mode x compression; libtiff's tiffcp (Debian
libtiff-tools) re-writing those as tiled, FillOrder 2, BigTIFF, big-endian, one row per strip, with LZW, Deflate,
PackBits, LZMA, Group 3 (1D and 2D), Group 4; Orientation 2-8 set with tiffset; hand-written files with SHORT strip
tables (inline pairs, arrays past byte 65535) and colour maps past byte 65535; and truncations at random cut points.
See reference.py for the contract. Exclusions (also in docs/IMAGING.md, "Known differences"):
  - lossy compressions (JPEG, WebP) are not compared pixel for pixel (gen_jpeg_truncated.py checks refusals);
  - non-bilevel tiled / BigTIFF / LZMA / later-page files: refused by RleTcp (only its bilevel reader reads them);
  - 16-bit and float samples: Pillow clips them in convert('1') (no byte-identity promise).
"""
import os
import shutil
import struct
import subprocess
import tempfile

import reference

TIFFCP = shutil.which("tiffcp") or "/usr/bin/tiffcp"
TIFFSET = shutil.which("tiffset") or "/usr/bin/tiffset"
if not (os.path.exists(TIFFCP) and os.path.exists(TIFFSET)):
    raise SystemExit("tiffcp and tiffset (Debian libtiff-tools) are required; .ci/run installs libtiff-tools")

UNREAD_MODES = {
    "LA": "TIFF LA (grey + alpha): refused by RleTcp, ImageSharp 2.1.13 does not read it (docs/IMAGING.md)",
    "CMYK": "TIFF CMYK: refused by RleTcp, ImageSharp 2.1.13 does not read it (docs/IMAGING.md)",
}
BILEVEL_ONLY = "non-bilevel {what}: RleTcp reads this layout only for bilevel images (docs/IMAGING.md)"


PILLOW_COMPRESSIONS = {
    "1": ["raw", "packbits", "tiff_lzw", "tiff_deflate", "group3", "group4", "tiff_ccitt"],
    "L": ["raw", "packbits", "tiff_lzw", "tiff_deflate"],
    "LA": ["raw", "tiff_lzw"],
    "P": ["raw", "packbits", "tiff_lzw", "tiff_deflate"],
    "RGB": ["raw", "packbits", "tiff_lzw", "tiff_deflate"],
    "RGBA": ["raw", "tiff_lzw"],
    "CMYK": ["raw", "tiff_lzw"],
}


def tiffcp(data, args, tmp):
    src, dst = os.path.join(tmp, "in.tif"), os.path.join(tmp, "out.tif")
    with open(src, "wb") as f:
        f.write(data)
    if os.path.exists(dst):
        os.remove(dst)
    subprocess.run([TIFFCP, *args, src, dst], check=True, capture_output=True)
    with open(dst, "rb") as f:
        return f.read()


def tiffset(data, tag, value, tmp):
    path = os.path.join(tmp, "set.tif")
    with open(path, "wb") as f:
        f.write(data)
    subprocess.run([TIFFSET, "-s", str(tag), str(value), path], check=True, capture_output=True)
    with open(path, "rb") as f:
        return f.read()


def hand_written(rng, w, h):
    """An uncompressed 8-bit grey or palette TIFF whose strip tables are SHORT (inline when two fit), with the
    pixel data first so tables and colour map can lie past byte 65535, and the IFD at the end."""
    palette = rng.random() < 0.5
    rows_per_strip = rng.choice([1, 2, max(1, h // 2), h])
    strips = (h + rows_per_strip - 1) // rows_per_strip
    im = reference.grey_image(rng, w, h)
    pixels = im.tobytes()
    pad = rng.choice([0, 0, 70000])  # pushes everything after it past byte 65535
    out = bytearray(b"II*\0\0\0\0\0") + bytes(pad)
    offsets, counts = [], []
    for s in range(strips):
        chunk = pixels[s * rows_per_strip * w:(s + 1) * rows_per_strip * w]
        offsets.append(len(out))
        counts.append(len(chunk))
        out += chunk
    if len(out) & 1:
        out += b"\0"
    extra = []  # (tag, type, values)
    if palette:
        cmap = [rng.randrange(256) * 256 for _ in range(3 * 256)]
        extra.append((320, 3, cmap))

    def short_or_long(values):
        return 3 if max(values) < 65536 and rng.random() < 0.8 else 4

    entries = [
        (256, 3, [w]), (257, 3, [h]), (258, 3, [8]), (259, 3, [1]), (262, 3, [3 if palette else 1]),
        (273, short_or_long(offsets), offsets), (277, 3, [1]), (278, 3, [rows_per_strip]),
        (279, short_or_long(counts), counts),
    ] + extra
    entries.sort()
    blobs = []
    for tag, typ, values in entries:
        raw = b"".join(struct.pack("<H" if typ == 3 else "<I", v) for v in values)
        if len(raw) <= 4:
            blobs.append((tag, typ, len(values), raw.ljust(4, b"\0"), None))
        else:
            blobs.append((tag, typ, len(values), None, raw))
    for i, (tag, typ, n, inline, raw) in enumerate(blobs):
        if raw is not None:
            at = len(out)
            out += raw
            if len(out) & 1:
                out += b"\0"
            blobs[i] = (tag, typ, n, struct.pack("<I", at), None)
    ifd = len(out)
    out += struct.pack("<H", len(blobs))
    for tag, typ, n, inline, _ in blobs:
        out += struct.pack("<HHI", tag, typ, n) + inline
    out += b"\0\0\0\0"
    out[4:8] = struct.pack("<I", ifd)
    return bytes(out), f"hand_{'p' if palette else 'l'}_rps{rows_per_strip}_pad{pad}"


def cases(rng, count):
    tmp = tempfile.mkdtemp(prefix="gen_tiff_")
    try:
        for i in range(count):
            w, h = reference.size_class(rng)
            kind = rng.random()
            if kind < 0.1:
                data, tag = hand_written(rng, w, h)
                yield f"tiff_{i:04d}_{w}x{h}_{tag}.tif", data
                continue
            mode = rng.choice(["1", "1", "1", "L", "LA", "P", "RGB", "RGBA", "CMYK"])
            compression = rng.choice(PILLOW_COMPRESSIONS[mode])
            data = reference.saved(reference.mode_image(rng, mode, w, h), "TIFF", compression=compression)
            tag = f"{mode}_{compression}"
            excluded = UNREAD_MODES.get(mode)
            if kind < 0.55:
                # libtiff re-writes it.
                args = []
                options = []
                if rng.random() < 0.3:
                    tw, tl = rng.choice([16, 32, 64]), rng.choice([16, 32, 64])
                    args += ["-t", "-w", str(tw), "-l", str(tl)]
                    options.append(f"tiled{tw}x{tl}")
                    if mode != "1":
                        excluded = excluded or BILEVEL_ONLY.format(what="tiled TIFF")
                elif rng.random() < 0.4:
                    r = rng.choice([1, 2, 3, 7])
                    args += ["-r", str(r)]
                    options.append(f"rps{r}")
                if rng.random() < 0.25:
                    args.append("-8")
                    options.append("bigtiff")
                    if mode != "1":
                        excluded = excluded or BILEVEL_ONLY.format(what="BigTIFF")
                if rng.random() < 0.2:
                    args.append("-B")
                    options.append("be")
                if mode == "1" and rng.random() < 0.3:
                    args += ["-f", "lsb2msb"]
                    options.append("lsb")
                codecs = ["none", "lzw", "zip", "packbits", "lzma"] + (["g3", "g3:2d", "g3:2d:fill", "g4"] if mode == "1" else [])
                codec = rng.choice(codecs)
                args += ["-c", codec]
                options.append(codec.replace(":", "-"))
                if codec == "lzma":
                    excluded = excluded or "LZMA TIFF: refused by RleTcp (no LZMA decoder; docs/IMAGING.md)"
                if "bigtiff" in options and "be" in options:
                    excluded = "big-endian BigTIFF: Pillow 9.4 fails to open it (its bug); RleTcp reads it"
                data = tiffcp(data, args, tmp)
                tag += "_" + "_".join(options)
            if rng.random() < 0.25:
                o = rng.randint(2, 8)
                data = tiffset(data, 274, o, tmp)
                tag += f"_orient{o}"
            if rng.random() < 0.12 and len(data) > 16:
                cut = rng.randint(8, len(data) - 1)
                data = data[:cut]
                tag += f"_cut{cut}"
            yield f"tiff_{i:04d}_{w}x{h}_{tag}.tif", data, excluded
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    reference.run(cases)
