#!/usr/bin/python3
"""TGA as Pillow 9.4 writes it (modes 1, L, LA, P, RGB, RGBA; raw and RLE; bottom-up and top-down) and by hand
(colour maps that start past index 0, 16-bit true colour, right-to-left rows, image ID fields), with truncations at
random cut points (header only, inside the colour map, inside the pixels, RLE packets stopping early). See
reference.py for the contract. Exclusions (also in docs/IMAGING.md): 16-bit colour maps (entry size 15/16) are not
compared (not corrected); a 1-bit RLE TGA (Pillow reads its packets with a 0-byte pixel); a 32-bit colour map
(Pillow 9.4 refuses it: "unrecognized raw mode"; RleTcp reads it)."""
import struct

import reference


def rle_packets(rng, pixels, bpp):
    """TGA RLE over a flat list of pixel byte strings: random mixes of repeat and raw packets (max 128)."""
    out = bytearray()
    i = 0
    while i < len(pixels):
        j = i
        while j < len(pixels) and j - i < 128 and pixels[j] == pixels[i]:
            j += 1
        if j - i >= 2 and rng.random() < 0.9:
            out.append(0x80 | (j - i - 1))
            out += pixels[i]
            i = j
        else:
            n = min(rng.randint(1, 128), len(pixels) - i)
            out.append(n - 1)
            for p in pixels[i:i + n]:
                out += p
            i += n
    return bytes(out)


def hand_written(rng, w, h):
    """Colour-mapped (start past 0, 24/32-bit entries) or 16-bit true colour, raw or RLE, any origin/direction."""
    kind = rng.choice(["palette", "palette", "rgb16"])
    flags = rng.choice([0x00, 0x20, 0x10, 0x30])
    rle = rng.random() < 0.4
    id_field = bytes(rng.randrange(256) for _ in range(rng.choice([0, 0, 5])))
    if kind == "palette":
        start = rng.choice([0, 1, 7, 100])
        size = rng.randint(1, 256 - start)
        entry = rng.choice([3, 4])
        cmap = bytes(rng.randrange(256) for _ in range(size * entry))
        pixels = [bytes([rng.randrange(start, start + size)]) for _ in range(w * h)]
        header = struct.pack("<BBBHHBHHHHBB", len(id_field), 1, 9 if rle else 1, start, size, entry * 8, 0, 0, w, h, 8, flags)
        body = cmap
        tag = f"pal_start{start}_size{size}_e{entry * 8}"
        if entry == 4:
            tag += "_excluded"
    else:
        header = struct.pack("<BBBHHBHHHHBB", len(id_field), 0, 10 if rle else 2, 0, 0, 0, 0, 0, w, h, 16, flags)
        pixels = [struct.pack("<H", rng.randrange(1 << 15)) for _ in range(w * h)]
        body = b""
        tag = "rgb16"
    data = header + id_field + body + (rle_packets(rng, pixels, len(pixels[0])) if rle else b"".join(pixels))
    return data, f"hand_{tag}_{'rle' if rle else 'raw'}_f{flags:02x}"


def cases(rng, count):
    for i in range(count):
        w, h = reference.size_class(rng)
        excluded = None
        if rng.random() < 0.25:
            data, tag = hand_written(rng, w, h)
            if "_excluded" in tag:
                tag = tag.replace("_excluded", "")
                excluded = "32-bit TGA colour map: Pillow 9.4 refuses it (unrecognized raw mode BGRA); RleTcp reads it"
        else:
            mode = rng.choice(["1", "L", "LA", "P", "RGB", "RGBA"])
            kw = {}
            if rng.random() < 0.5:
                kw["compression"] = "tga_rle"
            if rng.random() < 0.5:
                kw["orientation"] = 1
            data = reference.saved(reference.mode_image(rng, mode, w, h, (2, 16, 200)), "TGA", **kw)
            tag = mode + "_" + "_".join(f"{k}{v}" for k, v in kw.items())
            if mode == "1" and "compression" in kw:
                excluded = "1-bit RLE TGA: Pillow reads its packets with 0-byte pixels (docs/IMAGING.md)"
        if rng.random() < 0.2:
            cut = rng.choice([18, rng.randint(1, len(data) - 1)]) if len(data) > 19 else len(data) - 1
            data = data[:cut]
            tag += f"_cut{cut}"
        yield f"tga_{i:04d}_{w}x{h}_{tag}.tga", data, excluded


if __name__ == "__main__":
    reference.run(cases)
