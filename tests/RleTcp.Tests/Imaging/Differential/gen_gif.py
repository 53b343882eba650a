#!/usr/bin/python3
"""GIF: files Pillow writes (L, P, RGB quantized, with transparency, optimize, several frames with each disposal) and
files written here by hand: a first frame smaller than the logical screen at an offset, or larger than it; global
and local colour tables, short ones (indices past the table), identity-grey tables (Pillow drops them: mode L),
transparency, interlace, LZW minimum code sizes 2..8; several frames with disposal 0..3 (carried over as Pillow does)
and transparent indices, read at a random page (Pillow's seek(K): later frames are RGB, dithered); cuts at random
points (Pillow refuses a frame whose pixels are not all in the data). See reference.py for the contract."""
import struct

import reference


def lzw_literal(indices, min_code_size):
    """An LZW stream giving every index as a literal code, with a clear code before the table would widen them."""
    clear = 1 << min_code_size
    end = clear + 1
    size = min_code_size + 1
    out = bytearray()
    acc = nbits = 0

    def emit(code):
        nonlocal acc, nbits
        acc |= code << nbits
        nbits += size
        while nbits >= 8:
            out.append(acc & 255)
            acc >>= 8
            nbits -= 8

    emit(clear)
    n = 0
    limit = (1 << size) - end - 2
    for i in indices:
        if n >= limit:
            emit(clear)
            n = 0
        emit(i)
        n += 1
    emit(end)
    if nbits:
        out.append(acc & 255)
    return bytes(out)


def subblocks(data, rng):
    out = bytearray()
    step = rng.choice([255, 255, 7, 1])
    for i in range(0, len(data), step):
        piece = data[i:i + step]
        out.append(len(piece))
        out += piece
    out.append(0)
    return bytes(out)


def table(colours):
    bits = max(1, (len(colours) // 3 - 1).bit_length())
    return bits, colours + bytes(3 * (1 << bits) - len(colours))


def hand_gif(rng, sw, sh, frames, gct=None, bg=0):
    out = bytearray(b"GIF89a")
    flags, body = 0, b""
    if gct is not None:
        bits, body = table(gct)
        flags = 0x80 | (bits - 1)
    out += struct.pack("<HHBBB", sw, sh, flags, bg, 0) + body
    for f in frames:
        if f.get("trans") is not None or f.get("disposal") is not None:
            t = f.get("trans")
            packed = ((f.get("disposal") or 0) << 2) | (1 if t is not None else 0)
            out += b"\x21\xf9\x04" + bytes([packed]) + struct.pack("<H", 0) + bytes([t or 0]) + b"\0"
        if rng.random() < 0.1:
            out += b"\x21\xfe" + subblocks(b"a comment", rng)
        lflags, lbody = 0, b""
        if f.get("lct") is not None:
            bits, lbody = table(f["lct"])
            lflags = 0x80 | (bits - 1)
        if f.get("interlace"):
            lflags |= 0x40
        out += b"," + struct.pack("<HHHHB", f["x"], f["y"], f["w"], f["h"], lflags) + lbody
        out += bytes([f["mcs"]]) + subblocks(lzw_literal(interlaced(f) if f.get("interlace") else f["indices"], f["mcs"]), rng)
    return bytes(out + b";")


def interlaced(f):
    w, h, idx = f["w"], f["h"], f["indices"]
    order = [y for start, step in ((0, 8), (4, 8), (2, 4), (1, 2)) for y in range(start, h, step)]
    return [idx[y * w + x] for y in order for x in range(w)]


def colours(rng, n):
    kind = rng.choice(["random", "grey", "bw", "identity"])
    if kind == "identity":
        return bytes(v for i in range(n) for v in (i, i, i))
    if kind == "grey":
        return bytes(v for _ in range(n) for v in [rng.randrange(256)] * 3)
    if kind == "bw":
        return bytes(v for _ in range(n) for v in [rng.choice([0, 255])] * 3)
    return bytes(rng.randrange(256) for _ in range(3 * n))


def frame(rng, sw, sh, first, ncol, place="inside"):
    if place == "larger":
        w, h = sw + rng.randint(0, 40), sh + rng.randint(0, 40)
        x, y = rng.randint(0, 3), rng.randint(0, 3)
    else:
        w, h = rng.randint(1, sw), rng.randint(1, sh)
        x, y = rng.randint(0, sw - w), rng.randint(0, sh - h)
    top = ncol - 1
    if rng.random() < 0.1:
        top = min(255, ncol + rng.randint(1, 60))  # indices past the table: Pillow's grey ramp
    base = reference.pixels(rng, w, h)
    f = dict(x=x, y=y, w=w, h=h, indices=[v * top // 255 for v in base], interlace=rng.random() < 0.3)
    f["mcs"] = max(2, top.bit_length(), rng.choice([2, 8]) if top < 4 else top.bit_length())
    if rng.random() < 0.4:
        f["trans"] = rng.randrange(top + 1)
    if not first or rng.random() < 0.3:
        f["disposal"] = rng.choice([None, 0, 1, 2, 3])
    return f


def hand_case(rng, sw, sh):
    ncol = rng.choice([2, 4, 16, 256])
    gct = colours(rng, ncol) if rng.random() < 0.85 else None
    count = rng.choice([1, 1, 2, 3, 5])
    frames = [frame(rng, sw, sh, True, ncol, rng.choice(["inside", "inside", "larger"]))]
    if gct is None or rng.random() < 0.2:
        frames[0]["lct"] = colours(rng, ncol)
    for _ in range(count - 1):
        f = frame(rng, sw, sh, False, ncol)
        if rng.random() < 0.2 and gct is not None:
            f["lct"] = colours(rng, ncol)
        frames.append(f)
    page = rng.randrange(count + (1 if rng.random() < 0.05 else 0))
    data = hand_gif(rng, sw, sh, frames, gct, bg=rng.randrange(ncol))
    tag = f"hand_{count}f_p{page}"
    return tag, data, exclusion(frames, gct, page, sw, sh), page


def exclusion(frames, gct, page, sw, sh):
    """Compositions where Pillow 9.4 does something RleTcp does not follow (docs/IMAGING.md, "Known differences")."""
    if page == 0:
        return None
    first = frames[0]
    first_palette = first.get("lct") if first.get("lct") is not None else gct
    first_needed = first_palette is not None and not identity(first_palette)
    if first.get("lct") is not None and identity(first["lct"]) and gct is not None and not identity(gct):
        return ("later GIF frame after a grey-table first frame with a global palette: Pillow 9.4 mixes modes "
                "(L in name, P in the image, RGB from frame 2); RleTcp keeps drawing indices")
    cw, ch = max(sw, first["x"] + first["w"]), max(sh, first["y"] + first["h"])
    for f in frames[1:page + 1]:
        if f["x"] + f["w"] > cw or f["y"] + f["h"] > ch:
            return "later GIF frame beyond the canvas: Pillow 9.4 grows its size but not its image; RleTcp clips"
        own = f.get("lct") if f.get("lct") is not None else gct
        if not first_needed and own is not None and not identity(own):
            return "GIF frame with a colour table after a first frame without one: Pillow 9.4 starts a black P image; refused"
        if first_needed and (own is None or identity(own)) and f.get("trans") is not None:
            return "grey later GIF frame with a transparent index: Pillow 9.4 fails on putpalettealpha of an L image"
    return None


def identity(p):
    return all(p[i] == p[i + 1] == p[i + 2] == i // 3 for i in range(0, len(p), 3))


def pillow_case(rng, w, h):
    kind = rng.choice(["L", "P", "RGB", "frames"])
    if kind == "L":
        return kind, reference.saved(reference.grey_image(rng, w, h), "GIF"), 0
    if kind == "P":
        im = reference.rgb_image(rng, w, h).convert("P", palette=1, colors=rng.choice([2, 16, 256]))
        kw = {"transparency": rng.randrange(2)} if rng.random() < 0.3 else {}
        return kind, reference.saved(im, "GIF", **kw), 0
    if kind == "RGB":
        return kind, reference.saved(reference.rgb_image(rng, w, h), "GIF", optimize=rng.random() < 0.5), 0
    ims = [reference.rgb_image(rng, w, h).convert("P", palette=1, colors=16) for _ in range(rng.randint(2, 4))]
    kw = {"save_all": True, "append_images": ims[1:], "disposal": rng.choice([0, 1, 2, 3]), "duration": 40}
    return f"frames{len(ims)}_d{kw['disposal']}", reference.saved(ims[0], "GIF", **kw), rng.randrange(len(ims))


def cases(rng, count):
    for i in range(count):
        w, h = reference.size_class(rng)
        if w * h > 20000:
            h = max(1, 20000 // w)
        excluded, page = None, 0
        if rng.random() < 0.25:
            tag, data, page = pillow_case(rng, w, h)
            tag = "pillow_" + tag + f"_p{page}"
        else:
            tag, data, excluded, page = hand_case(rng, w, h)
        if rng.random() < 0.12:
            cut = rng.randint(6, len(data) - 1)
            data = data[:cut]
            tag += f"_cut{cut}"
        yield f"gif_{i:04d}_{w}x{h}_{tag}.gif", data, excluded, page


if __name__ == "__main__":
    reference.run(cases)
