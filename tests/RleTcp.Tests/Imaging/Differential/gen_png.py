#!/usr/bin/python3
"""PNG: files Pillow writes (modes 1, L, LA, P, RGB, RGBA, I;16, optimize and compress levels) and files written
here by hand (every colour type x bit depth, Adam7 or not, every filter type chosen at random per row, tRNS, short
and missing palettes, IDAT split in many chunks, compression method ignored), sizes from 1x1 (widths 1..4 often,
where ImageSharp 2.1.13 failed on Adam7), plus cuts at random points (Pillow refuses a file cut before its last row,
and reads one cut after it). See reference.py for the contract."""
import struct
import zlib

import reference
from PIL import Image

LAYOUTS = [(0, 1), (0, 2), (0, 4), (0, 8), (0, 16), (2, 8), (2, 16), (3, 1), (3, 2), (3, 4), (3, 8),
           (4, 8), (4, 16), (6, 8), (6, 16)]
CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def filtered(rng, raw, prev, bpp):
    kind = rng.randrange(5)
    out = bytearray([kind])
    for i, v in enumerate(raw):
        a = raw[i - bpp] if i >= bpp else 0
        b = prev[i] if prev else 0
        c = prev[i - bpp] if prev and i >= bpp else 0
        pred = [0, a, b, (a + b) // 2, paeth(a, b, c)][kind]
        out.append((v - pred) & 0xFF)
    return bytes(out)


def pack_row(samples, depth):
    if depth == 8:
        return bytes(samples)
    if depth == 16:
        return b"".join(struct.pack(">H", s) for s in samples)
    out, acc, bits = bytearray(), 0, 0
    for s in samples:
        acc = (acc << depth) | s
        bits += depth
        if bits == 8:
            out.append(acc)
            acc, bits = 0, 0
    if bits:
        out.append(acc << (8 - bits))
    return bytes(out)


def sample_grid(rng, w, h, ct, depth):
    """Per pixel a tuple of samples in range for the depth."""
    n = CHANNELS[ct]
    top = (1 << depth) - 1
    kind = rng.choice(["noise", "gradient", "near", "blocks", "flat"])
    planes = []
    for _ in range(n):
        base = reference.pixels(rng, w, h, kind if rng.random() < 0.7 else None)
        if depth == 16:
            # Around the values that matter: Pillow clips 16-bit grey to 255, and takes RGB's high byte.
            mode = rng.choice(["low", "full", "near"])
            if mode == "low":
                plane = [min(top, v + rng.choice([0, 0, 1, 200])) for v in base]
            elif mode == "near":
                plane = [(v << 8) | rng.randrange(256) for v in base]
            else:
                plane = [rng.randrange(65536) for _ in base]
        elif depth == 8:
            plane = base
        else:
            plane = [v * top // 255 for v in base]
        planes.append(plane)
    return [tuple(p[i] for p in planes) for i in range(w * h)]


def hand_png(rng, w, h, ct, depth, interlace):
    grid = sample_grid(rng, w, h, ct, depth)
    n = CHANNELS[ct]
    bpp = max(1, n * depth // 8)

    def rows_of(xs, ys):
        data, prev = bytearray(), None
        for y in ys:
            samples = [s for x in xs for s in grid[y * w + x]]
            raw = pack_row(samples, depth)
            data += filtered(rng, raw, prev, bpp)
            prev = raw
        return data

    if interlace:
        stream = bytearray()
        for x0, y0, dx, dy in ADAM7:
            xs, ys = list(range(x0, w, dx)), list(range(y0, h, dy))
            if xs and ys:
                stream += rows_of(xs, ys)
    else:
        stream = rows_of(range(w), range(h))

    body = struct.pack(">IIBBBBB", w, h, depth, ct, rng.choice([0, 0, 0, 1]), 0, 1 if interlace else 0)
    out = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", body)
    if rng.random() < 0.2:
        out += chunk(b"tEXt", b"Comment\0made by gen_png")
    if ct == 3:
        entries = rng.choice([1 << depth, 1 << depth, rng.randint(0, 1 << depth), 256])
        palette = bytes(rng.choice([0, 255, rng.randrange(256)]) for _ in range(3 * entries))
        if entries or rng.random() < 0.5:
            out += chunk(b"PLTE", palette)
        if rng.random() < 0.3:
            out += chunk(b"tRNS", bytes(rng.randrange(256) for _ in range(rng.randint(1, max(1, entries)))))
    elif ct in (0, 2) and rng.random() < 0.3:
        out += chunk(b"tRNS", bytes(rng.randrange(256) for _ in range(2 * CHANNELS[ct])))
    compressed = zlib.compress(bytes(stream), rng.choice([0, 1, 6, 9]))
    pieces = rng.choice([1, 1, 2, 7])
    step = max(1, len(compressed) // pieces)
    for at in range(0, len(compressed), step):
        out += chunk(b"IDAT", compressed[at:at + step])
    return out + chunk(b"IEND", b"")


def pillow_png(rng, w, h):
    mode = rng.choice(["1", "L", "LA", "P", "RGB", "RGBA", "I"])
    if mode == "1":
        im = reference.grey_image(rng, w, h).point(lambda v: 255 if v >= 128 else 0).convert("1")
    elif mode == "L":
        im = reference.grey_image(rng, w, h)
    elif mode == "LA":
        im = reference.grey_image(rng, w, h).convert("LA")
        im.putalpha(reference.grey_image(rng, w, h))
    elif mode == "P":
        im = reference.rgb_image(rng, w, h).convert("P", palette=1, colors=rng.choice([2, 4, 16, 256]))
    elif mode == "RGB":
        im = reference.rgb_image(rng, w, h)
    elif mode == "RGBA":
        im = reference.rgb_image(rng, w, h).convert("RGBA")
        im.putalpha(reference.grey_image(rng, w, h))
    else:
        # Mode "I" is saved as 16-bit grey; values around 255 (where Pillow's clip on reading matters) and above.
        scale = rng.choice([1, 2, 257])
        im = Image.new("I", (w, h))
        im.putdata([v * scale for v in reference.pixels(rng, w, h)])
    kw = rng.choice([{}, {"optimize": True}, {"compress_level": 0}, {"compress_level": 9}])
    if mode == "P" and rng.random() < 0.3:
        kw = dict(kw, transparency=rng.randrange(2))
    tag = mode.replace(";", "") + "_" + "_".join(f"{k}{v}" for k, v in kw.items())
    return tag, reference.saved(im, "PNG", **kw)


def cases(rng, count):
    for i in range(count):
        w, h = reference.size_class(rng)
        if rng.random() < 0.25:
            w = rng.randint(1, 4)
        if w * h > 20000:
            h = max(1, 20000 // w)
        r = rng.random()
        if r < 0.3:
            tag, data = pillow_png(rng, w, h)
            tag = "pillow_" + tag
        else:
            ct, depth = rng.choice(LAYOUTS)
            interlace = rng.random() < 0.6
            data = hand_png(rng, w, h, ct, depth, interlace)
            tag = f"hand_ct{ct}_d{depth}_{'adam7' if interlace else 'plain'}"
        if rng.random() < 0.15:
            cut = rng.randint(8, len(data) - 1)
            data = data[:cut]
            tag += f"_cut{cut}"
        yield f"png_{i:04d}_{w}x{h}_{tag}.png", data


if __name__ == "__main__":
    reference.run(cases)
