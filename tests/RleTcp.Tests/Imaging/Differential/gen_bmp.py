#!/usr/bin/python3
"""BMP: files Pillow writes (1, L, P, RGB) and files written here by hand: bit counts 1/4/8 with random, black/white
and grey-ramp palettes, short palettes (biClrUsed), palettes that do not fit before the pixel offset, offsets 0 and
right after the header, 16-bit 5-5-5 and bitfields 5-6-5, 24-bit, 32-bit BGRX and each bitfield layout Pillow knows
(and ones it does not: 32-bit odd masks, 16-bit masks narrower than 5 bits such as 2-3-1 or 4-4-4, which Pillow
9.4 refuses as "Unsupported BMP bitfields layout"), OS/2 (12-byte header) files, top-down rows, header sizes 40/64/108/124 and unknown ones, bit
counts Pillow refuses, RLE8/RLE4 with encoded runs longer than the row (clipped at its end) and absolute runs past it (read on
into the next row, as Pillow does), end-of-line codes, early
end-of-bitmap, header-less DIBs, and cuts at random points. See reference.py for the contract."""
import struct

import reference

# docs/IMAGING.md, "Known differences" (issue 11 class 8): Pillow 9.4 reads a palette that is exactly black, white
# ("1") or the grey ramp ("L") as raw 1-bit or 8-bit pixels whatever the bit count.
PILLOW_GREY_PALETTE_BUG = ("BMP whose palette is black/white or the grey ramp at a bit count Pillow 9.4 then misreads "
                           "(it switches to raw mode 1 or L); RleTcp reads the file's bit count")
RLE_BILEVEL = "RLE BMP with a black/white palette: Pillow 9.4 refuses it (raw mode P for a mode 1 image); RleTcp reads it"


def rows_for(indices, w, h, bits):
    stride = ((w * bits + 31) >> 3) & ~3
    out = bytearray()
    for y in range(h):
        row = bytearray()
        acc = n = 0
        for x in range(w):
            acc = (acc << bits) | indices[y * w + x]
            n += bits
            if n == 8:
                row.append(acc)
                acc = n = 0
        if n:
            row.append(acc << (8 - n))
        out += row + bytes(stride - len(row))
    return out


def palette_kind(rng, bits):
    n = 1 << bits
    kind = rng.choice(["random", "random", "bw", "ramp", "short"])
    if kind == "bw":
        return kind, [(0, 0, 0), (255, 255, 255)]
    if kind == "ramp":
        return kind, [(i, i, i) for i in range(min(n, rng.choice([n, 2 if n == 2 else n])))]
    count = rng.randint(1, n) if kind == "short" else n
    return kind, [tuple(rng.randrange(256) for _ in range(3)) for _ in range(count)]


def info_header(size, w, h, bits, compression=0, colors=0, masks=None):
    if size == 12:
        return struct.pack("<IHHHH", 12, w, h & 0xFFFF, 1, bits)
    body = struct.pack("<IiiHHIIiiII", size, w, h, 1, bits, compression, 0, 2835, 2835, colors, 0)
    if size >= 52:
        m = masks or (0, 0, 0, 0)
        body += struct.pack("<IIII", *m)
    return body + bytes(size - len(body))


def bmp_file(header, palette_bytes, pixels, offset=None, dib=False):
    if dib:
        return header + palette_bytes + pixels
    pos = 14 + len(header) + len(palette_bytes)
    off = pos if offset is None else offset
    body = header + palette_bytes
    gap = bytes(max(0, off - pos)) if off >= pos else b""
    data = body + gap + pixels
    return b"BM" + struct.pack("<IHHI", 14 + len(data), 0, 0, off) + data


def rle_stream(rng, indices, w, h, rle4):
    out = bytearray()
    for y in range(h):
        row = indices[y * w:(y + 1) * w]
        x = 0
        while x < w:
            if rng.random() < 0.3 and w - x >= 3:
                # Absolute run (even length for RLE4: Pillow reads an odd one short, a documented difference).
                n = min(w - x, rng.randint(3, 40))
                if rle4 and n % 2:
                    n -= 1
                if n >= 3:
                    chunk = row[x:x + n]
                    if rle4:
                        data = bytes((chunk[i] << 4) | chunk[i + 1] for i in range(0, n, 2))
                    else:
                        data = bytes(chunk)
                    out += bytes([0, n]) + data
                    if (len(data)) % 2:
                        out.append(0)
                    x += n
                    continue
            v = row[x]
            n = 1
            while x + n < w and row[x + n] == v and n < 255:
                n += 1
            if rng.random() < 0.1:
                n = min(255, n + rng.randint(1, 30))  # longer than the rest of the row: clipped at its end
            if rng.random() < 0.02 and y < h - 1:
                # An absolute run past the row's end: Pillow reads it on into the next row, counts x past the
                # width (so encoded runs up to the next end of line add nothing) and pads at that end of line.
                n = min(254, w - x + rng.randint(1, 12))
                n -= n % 2 if rle4 else 0
                if n >= 3:
                    data = bytes(rng.randrange(256) for _ in range(n // 2 if rle4 else n))  # RLE4: two per byte
                    out += bytes([0, n]) + data + (b"\0" if len(data) % 2 else b"")
                    out += bytes([3, row[0]])  # dropped: x is past the width
                    break
            out += bytes([n, (v << 4) | v if rle4 else v])
            x += n
        if y < h - 1 or rng.random() < 0.5:
            out += b"\x00\x00"
    if rng.random() < 0.1 and h > 1:
        out = out[:len(out) // 2]  # codes end before the pixels do: Pillow refuses
    out += b"\x00\x01"
    return bytes(out)


def hand_bmp(rng, w, h):
    kind = rng.choice(["indexed", "indexed", "rle", "rgb16", "rgb24", "rgb32", "bitfields", "odd"])
    size = rng.choice([40, 40, 12, 64, 108, 124])
    top_down = size != 12 and rng.random() < 0.2
    hh = -h if top_down else h
    excluded = None
    tag = kind
    if kind in ("indexed", "rle"):
        bits = rng.choice([1, 4, 8]) if kind == "indexed" else rng.choice([4, 8])
        if size == 12 and kind == "rle":
            size = 40
        pkind, pal = palette_kind(rng, bits)
        top = (1 << bits) - 1
        indices = [v * top // 255 for v in reference.pixels(rng, w, h)]
        entry = 3 if size == 12 else 4
        colors = len(pal) if (len(pal) != (1 << bits) or rng.random() < 0.3) and size != 12 else 0
        palette_bytes = b"".join(bytes((b, g, r)) + (b"\0" if entry == 4 else b"") for r, g, b in pal)
        if size == 12:
            palette_bytes += bytes(entry * ((1 << bits) - len(pal)))
        count = colors or (1 << bits)
        is_bw = count == 2 and pal[:2] == [(0, 0, 0), (255, 255, 255)]
        is_ramp = count != 2 and len(pal) >= count and all(pal[i] == (i, i, i) for i in range(count))
        if (is_bw and bits != 1) or (is_ramp and bits != 8):
            excluded = PILLOW_GREY_PALETTE_BUG
        if kind == "rle":
            if is_bw:
                excluded = RLE_BILEVEL
            pixels = rle_stream(rng, indices, w, h, bits == 4)
            compression = 2 if bits == 4 else 1
            if top_down:
                hh = h  # RLE bitmaps are bottom-up
                top_down = False
        else:
            pixels = rows_for(indices, w, h, bits)
            compression = 0
        header = info_header(size, w, hh, bits, compression, colors)
        where = rng.random()
        offset = None
        if where < 0.1 and size != 12:
            offset = 14 + size  # right after the header: Pillow moves past 4 * colours
            if len(palette_bytes) != 4 * count:
                offset = None
        elif where < 0.15:
            offset = 0  # "after the palette"
        data = bmp_file(header, palette_bytes, pixels, offset)
        if rng.random() < 0.1 and not excluded:
            # A palette longer than the room before the pixel offset: Pillow reads it over the pixels anyway.
            body = header + palette_bytes[:len(palette_bytes) // 2]
            data = b"BM" + struct.pack("<IHHI", 14 + len(body) + len(pixels), 0, 0, 14 + len(body)) + body + pixels
            tag += "_palette_overlaps"
        tag += f"_{bits}bit_{pkind}_h{size}"
        return tag, data, excluded
    if kind == "rgb16" or kind == "bitfields" and rng.random() < 0.4:
        six = kind == "bitfields"
        px = list(reference.rgb_image(rng, w, h).getdata())
        if six:
            vals = [((r >> 3) << 11) | ((g >> 2) << 5) | (b >> 3) for r, g, b in px]
        else:
            vals = [((r >> 3) << 10) | ((g >> 3) << 5) | (b >> 3) | (rng.randrange(2) << 15) for r, g, b in px]
        stride = ((w * 16 + 31) >> 3) & ~3
        pixels = b"".join(b"".join(struct.pack("<H", v) for v in vals[y * w:(y + 1) * w]).ljust(stride, b"\0")
                          for y in (range(h) if top_down else reversed(range(h))))
        if size == 12:
            size = 40
        masks = (0xF800, 0x7E0, 0x1F, 0) if six else (0x7C00, 0x3E0, 0x1F, 0)
        compression = 3 if six or rng.random() < 0.3 else 0
        header = info_header(size, w, hh, 16, compression, 0, masks)
        if compression == 3 and size == 40:
            header += struct.pack("<III", *masks[:3])
        return f"{tag}_16bit_c{compression}_h{size}", bmp_file(header, b"", pixels), None
    if kind in ("rgb24", "rgb32", "bitfields"):
        bits = 24 if kind == "rgb24" else 32
        px = list(reference.rgb_image(rng, w, h).getdata())
        layouts = {
            "BGRX": (0xFF0000, 0xFF00, 0xFF, 0), "XBGR": (0xFF000000, 0xFF0000, 0xFF00, 0),
            "ABGR": (0xFF000000, 0xFF0000, 0xFF00, 0xFF), "RGBA": (0xFF, 0xFF00, 0xFF0000, 0xFF000000),
            "BGRA": (0xFF0000, 0xFF00, 0xFF, 0xFF000000), "ZERO": (0, 0, 0, 0), "ODD": (0xF00000, 0xF000, 0xF0, 0)}
        name = rng.choice(list(layouts)) if kind == "bitfields" else ("BGR" if bits == 24 else "BGRX")
        order = {"BGR": "bgr", "BGRX": "bgrx", "XBGR": "xbgr", "ABGR": "abgr", "RGBA": "rgba", "BGRA": "bgra",
                 "ZERO": "bgra", "ODD": "bgrx"}[name]

        def pixel(p):
            r, g, b = p
            d = {"r": r, "g": g, "b": b, "x": rng.randrange(256), "a": rng.randrange(256)}
            return bytes(d[c] for c in order)

        stride = ((w * bits + 31) >> 3) & ~3
        pixels = b"".join(b"".join(pixel(p) for p in px[y * w:(y + 1) * w]).ljust(stride, b"\0")
                          for y in (range(h) if top_down else reversed(range(h))))
        if size == 12:
            size = 40 if bits == 32 or rng.random() < 0.5 else 12
            hh = h if size == 12 else hh
            if size == 12:
                pixels = b"".join(b"".join(pixel(p) for p in px[y * w:(y + 1) * w]).ljust(stride, b"\0")
                                  for y in reversed(range(h)))
        compression = 3 if kind == "bitfields" else 0
        header = info_header(size, w, hh, bits, compression, 0, layouts.get(name))
        if compression == 3 and size == 40:
            header += struct.pack("<III", *layouts[name][:3])
        dib = rng.random() < 0.1
        return f"{tag}_{bits}bit_{name}_h{size}{'_dib' if dib else ''}", bmp_file(header, b"", pixels, dib=dib), None
    # Headers and bit counts Pillow refuses.
    narrow = {"2-3-1": (0x30, 0x0E, 0x01), "4-4-4": (0xF00, 0xF0, 0xF), "1-1-1": (0x4, 0x2, 0x1), "6-5-5": (0xFC00, 0x3E0, 0x1F)}
    bad = rng.choice([("bits", rng.choice([0, 2, 3, 30000])), ("size", rng.choice([16, 52, 56, 200])), ("comp", 4),
                      ("masks16_", rng.choice(list(narrow)))])
    if bad[0] == "masks16_":
        # 16-bit bitfields narrower (or other) than 5-5-5 / 5-6-5: Pillow 9.4 refuses the layout, and so must RleTcp.
        masks = narrow[bad[1]]
        header = info_header(40, w, h, 16, 3) + struct.pack("<III", *masks)
        return f"odd_{bad[0]}{bad[1]}", bmp_file(header, b"", bytes(((w * 16 + 31) >> 3 & ~3) * h)), None
    if bad[0] == "bits":
        header = info_header(40, w, h, bad[1])
    elif bad[0] == "size":
        header = struct.pack("<IiiHH", bad[1], w, h, 1, 24).ljust(bad[1], b"\0")
    else:
        header = info_header(40, w, h, 24, 4)
    return f"odd_{bad[0]}{bad[1]}", bmp_file(header, b"", bytes(((w * 24 + 31) >> 3 & ~3) * h)), None


def pillow_bmp(rng, w, h):
    mode = rng.choice(["1", "L", "P", "RGB"])
    if mode == "1":
        im = reference.grey_image(rng, w, h).point(lambda v: 255 if v >= 128 else 0).convert("1")
    elif mode == "L":
        im = reference.grey_image(rng, w, h)
    elif mode == "P":
        im = reference.rgb_image(rng, w, h).convert("P", palette=1, colors=rng.choice([2, 16, 256]))
    else:
        im = reference.rgb_image(rng, w, h)
    fmt = rng.choice(["BMP", "BMP", "DIB"])
    return f"{mode}_{fmt}", reference.saved(im, fmt)


def cases(rng, count):
    for i in range(count):
        w, h = reference.size_class(rng)
        if w * h > 20000:
            h = max(1, 20000 // w)
        excluded = None
        if rng.random() < 0.25:
            tag, data = pillow_bmp(rng, w, h)
            tag = "pillow_" + tag
        else:
            tag, data, excluded = hand_bmp(rng, w, h)
        if rng.random() < 0.12:
            cut = rng.randint(2, len(data) - 1)
            data = data[:cut]
            tag += f"_cut{cut}"
        yield f"bmp_{i:04d}_{w}x{h}_{tag}.bmp", data, excluded


if __name__ == "__main__":
    reference.run(cases)
