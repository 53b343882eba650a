#!/usr/bin/python3
"""TIFF as Pillow 9.4 and libtiff 4.5 write it: every Pillow mode x compression; libtiff's tiffcp (Debian
libtiff-tools) re-writing those as tiled, FillOrder 2, BigTIFF, big-endian, one row per strip, with LZW, Deflate,
PackBits, LZMA, Group 3 (1D and 2D), Group 4; Orientation 2-8 set with tiffset; hand-written files with SHORT strip
tables (inline pairs, arrays past byte 65535) and colour maps past byte 65535; and truncations at random cut points.
Raw layouts Pillow cannot write (16-bit grey and colour, 12-bit, signed and float samples, LA, PA, premultiplied
RGBa, CMYK with extra samples, 2- and 4-bit grey and palette) are written here uncompressed (`raw_tiff`) and then
re-written by tiffcp: tiled, planar separate, predictor 2 / 3, every lossless codec, BigTIFF, big-endian.
See reference.py for the contract. Exclusions (also in docs/IMAGING.md, "Known differences"):
  - JPEG compression is not compared pixel for pixel (gen_jpeg_truncated.py checks refusals); WebP strips (tiffcp
    -c webp) are compared, though lossy: ImageSharp's WebP decoder gave libwebp's pixels on every one so far;
  - planar-separate uncompressed 16-bit colour: Pillow 9.4 unpacks each plane with an 8-bit raw mode (its bug).
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

UNREAD_MODES = {}
PLANAR16_RAW = "planar-separate uncompressed 16-bit colour: Pillow 9.4 unpacks each plane as 8-bit (docs/IMAGING.md)"

# name: (photometric, bits, samples, extra samples, sample format, little-endian only)
RAW_LAYOUTS = {
    "L2": (1, 2, 1, (), 1, False), "L4i": (0, 4, 1, (), 1, False), "L8i": (0, 8, 1, (), 1, False),
    "L12": (1, 12, 1, (), 1, True), "L16": (1, 16, 1, (), 1, False), "L16wiz": (0, 16, 1, (), 1, True),
    "I16S": (1, 16, 1, (), 2, False), "I32S": (1, 32, 1, (), 2, False), "I32U": (1, 32, 1, (), 1, True),
    "F32": (1, 32, 1, (), 3, False), "F32wiz": (0, 32, 1, (), 3, False),
    "LA": (1, 8, 2, (2,), 1, False), "PA": (3, 8, 2, (2,), 1, False),
    "P1": (3, 1, 1, (), 1, False), "P2": (3, 2, 1, (), 1, False), "P4": (3, 4, 1, (), 1, False), "P8": (3, 8, 1, (), 1, False),
    "RGB16": (2, 16, 3, (), 1, False), "RGBA16": (2, 16, 4, (2,), 1, False), "RGBa16": (2, 16, 4, (1,), 1, False),
    "RGBX16": (2, 16, 4, (0,), 1, False), "RGBA8": (2, 8, 4, (2,), 1, False), "RGBa8": (2, 8, 4, (1,), 1, False),
    "RGBX8": (2, 8, 4, (0,), 1, False), "RGBnoextra8": (2, 8, 4, (), 1, False), "RGBaX8": (2, 8, 5, (1, 0), 1, False),
    "RGBAXX8": (2, 8, 6, (2, 0, 0), 1, False), "CMYK8": (5, 8, 4, (), 1, False), "CMYKX8": (5, 8, 5, (0,), 1, False),
    "CMYK16": (5, 16, 4, (), 1, True),
    # Layouts Pillow 9.4 has no mode for: both must refuse them.
    "LA-noextra": (1, 8, 2, (), 1, False), "RGB4": (2, 4, 3, (), 1, False), "L16S-wiz": (0, 16, 1, (), 2, False),
}


def raw_samples(rng, name, bits, sample_format, count):
    """`count` sample values for a layout: 16-bit ones mostly near the 0..255 clip, floats around it, others full range."""
    if sample_format == 3:
        return [rng.choice([rng.uniform(-40.0, 300.0), rng.uniform(0.0, 255.0), 127.5, 128.0, float(rng.randrange(256))]) for _ in range(count)]
    top = (1 << bits) - 1
    if bits >= 16:
        near = rng.random() < 0.7
        values = [rng.randrange(0, 400) if near else rng.randrange(top + 1) for _ in range(count)]
        if sample_format == 2:
            half = 1 << (bits - 1)
            values = [((v - rng.choice([0, 0, 200]) + half) % (2 * half)) - half for v in values]
        return values
    if bits == 8:
        return reference.pixels(rng, count, 1)
    return [rng.randrange(top + 1) for _ in range(count)]


def pack_row(values, bits, sample_format, little):
    e = "<" if little else ">"
    if bits == 32:
        return b"".join(struct.pack(e + ("f" if sample_format == 3 else "i" if sample_format == 2 else "I"), v) for v in values)
    if bits == 16:
        return b"".join(struct.pack(e + ("h" if sample_format == 2 else "H"), v) for v in values)
    if bits == 8:
        return bytes(values)
    acc, n, out = 0, 0, bytearray()
    for v in values:
        acc, n = (acc << bits) | v, n + bits
        while n >= 8:
            out.append((acc >> (n - 8)) & 0xFF)
            n -= 8
    if n:
        out.append((acc << (8 - n)) & 0xFF)
    return bytes(out)


def raw_tiff(rng, name, w, h, little):
    """An uncompressed one-strip TIFF of RAW_LAYOUTS[name] with random samples (a colour map for palettes)."""
    photo, bits, spp, extra, sf, _ = RAW_LAYOUTS[name]
    e = "<" if little else ">"
    pixels = bytearray()
    for y in range(h):
        pixels += pack_row(raw_samples(rng, name, bits, sf, w * spp), bits, sf, little)
    entries = [(256, 4, [w]), (257, 4, [h]), (258, 3, [bits] * spp), (259, 3, [1]), (262, 3, [photo]),
               (273, 4, [0]), (277, 3, [spp]), (278, 4, [h]), (279, 4, [len(pixels)]), (284, 3, [1])]
    if extra:
        entries.append((338, 3, list(extra)))
    if sf != 1:
        entries.append((339, 3, [sf] * spp))
    if photo == 3:
        n = 1 << bits
        size = rng.choice([n, n, max(1, n // 2)]) if bits > 1 else n
        entries.append((320, 3, [rng.randrange(65536) for _ in range(3 * size)]))
    out = bytearray((b"II" if little else b"MM") + struct.pack(e + "HI", 42, 8))
    ifd_size = 2 + 12 * len(entries) + 4
    data_at = 8 + ifd_size
    blobs = bytearray()
    body = []
    for tag, typ, values in sorted(entries):
        raw = b"".join(struct.pack(e + ("H" if typ == 3 else "I"), v) for v in values)
        if len(raw) <= 4:
            body.append(struct.pack(e + "HHI", tag, typ, len(values)) + raw.ljust(4, b"\0"))
        else:
            body.append((tag, typ, len(values), raw))
    pixel_at = data_at + sum(len(b[3]) + (len(b[3]) & 1) for b in body if isinstance(b, tuple))
    out += struct.pack(e + "H", len(body))
    for b in body:
        if isinstance(b, tuple):
            tag, typ, n, raw = b
            out += struct.pack(e + "HHII", tag, typ, n, data_at + len(blobs))
            blobs += raw + (b"\0" if len(raw) & 1 else b"")
        else:
            if b[:2] == struct.pack(e + "H", 273):
                b = b[:8] + struct.pack(e + "I", pixel_at)
            out += b
    out += b"\0\0\0\0" + blobs
    assert len(out) == pixel_at
    return bytes(out + pixels)


def raw_case(rng, w, h, tmp):
    name = rng.choice(sorted(RAW_LAYOUTS))
    photo, bits, spp, extra, sf, little_only = RAW_LAYOUTS[name]
    data = raw_tiff(rng, name, w, h, little=little_only or rng.random() < 0.6)
    tag = f"raw_{name}"
    excluded = None
    if rng.random() < 0.75:
        args, options = [], []
        if rng.random() < 0.35:
            tw, tl = rng.choice([16, 32, 48]), rng.choice([16, 32, 64])
            args += ["-t", "-w", str(tw), "-l", str(tl)]
            options.append(f"tiled{tw}x{tl}")
        elif rng.random() < 0.5:
            r = rng.choice([1, 2, 3, 7])
            args += ["-r", str(r)]
            options.append(f"rps{r}")
        if spp > 1 and rng.random() < 0.4:
            args += ["-p", "separate"]
            options.append("planar")
        if rng.random() < 0.2:
            args.append("-8")
            options.append("bigtiff")
        if not little_only and rng.random() < 0.3:
            args.append("-B")
            options.append("be")
        if bits < 8 and rng.random() < 0.3:
            args += ["-f", "lsb2msb"]
            options.append("lsb")
        codec = rng.choice(["none", "lzw", "zip", "packbits", "lzma"])
        if codec in ("lzw", "zip", "lzma") and bits in (8, 16, 32) and rng.random() < 0.5:
            codec += ":3" if sf == 3 and rng.random() < 0.6 else ":2"
        args += ["-c", codec]
        options.append(codec.replace(":", "-"))
        if "planar" in options and codec == "none" and bits == 16:
            excluded = excluded or PLANAR16_RAW
        if "bigtiff" in options and "be" in options:
            excluded = "big-endian BigTIFF: Pillow 9.4 fails to open it (its bug); RleTcp reads it"
        try:
            data = tiffcp(data, args, tmp)
        except subprocess.CalledProcessError:
            return None
        tag += "_" + "_".join(options)
    data, tag = oriented_and_cut(rng, data, tag, tmp, 0.2, 0.08)
    return f"{w}x{h}_{tag}.tif", data, excluded


def oriented_and_cut(rng, data, tag, tmp, p_orient, p_cut):
    """Sometimes an Orientation 2-8 set with tiffset, sometimes the file cut at a random point; the tag says which."""
    if rng.random() < p_orient:
        o = rng.randint(2, 8)
        try:
            data = tiffset(data, 274, o, tmp)
            tag += f"_orient{o}"
        except subprocess.CalledProcessError:
            pass  # a layout libtiff cannot open (one Pillow refuses too): left as it is
    if rng.random() < p_cut and len(data) > 16:
        cut = rng.randint(8, len(data) - 1)
        data = data[:cut]
        tag += f"_cut{cut}"
    return data, tag


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
            if kind >= 0.6:
                case = raw_case(rng, w, h, tmp)
                if case is not None:
                    yield f"tiff_{i:04d}_{case[0]}", case[1], case[2]
                    continue
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
                elif rng.random() < 0.4:
                    r = rng.choice([1, 2, 3, 7])
                    args += ["-r", str(r)]
                    options.append(f"rps{r}")
                if rng.random() < 0.25:
                    args.append("-8")
                    options.append("bigtiff")
                if rng.random() < 0.2:
                    args.append("-B")
                    options.append("be")
                if mode == "1" and rng.random() < 0.3:
                    args += ["-f", "lsb2msb"]
                    options.append("lsb")
                codecs = ["none", "lzw", "zip", "packbits", "lzma"] + (["g3", "g3:2d", "g3:2d:fill", "g4"] if mode == "1" else [])
                codecs += ["webp", "webp:100"] if mode in ("RGB", "RGBA") else []
                codec = rng.choice(codecs)
                args += ["-c", codec]
                options.append(codec.replace(":", "-"))
                if "bigtiff" in options and "be" in options:
                    excluded = "big-endian BigTIFF: Pillow 9.4 fails to open it (its bug); RleTcp reads it"
                data = tiffcp(data, args, tmp)
                tag += "_" + "_".join(options)
            data, tag = oriented_and_cut(rng, data, tag, tmp, 0.25, 0.12)
            yield f"tiff_{i:04d}_{w}x{h}_{tag}.tif", data, excluded
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    reference.run(cases)
