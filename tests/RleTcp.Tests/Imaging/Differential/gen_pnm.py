#!/usr/bin/python3
"""Netpbm: files Pillow writes (P4, P5 8- and 16-bit, P6) and files written here by hand: plain P1 with and without
whitespace between the digits, P2/P3 with any maxval, comments in the header and raster (also inside tokens), binary
P5/P6 of any maxval whose first samples are whitespace-valued bytes (9, 10, 11, 12, 13, 32), odd whitespace, maxval
65535/65536 and 20-digit ones, samples over maxval, and cuts at random points (Pillow refuses a raster cut short).
See reference.py for the contract."""
import io
import struct

import reference
from PIL import Image

WHITESPACE = [9, 10, 11, 12, 13, 32]


def sep(rng):
    return rng.choice([b" ", b"\n", b"\t", b"\r\n", b"  ", b"\x0b", b"\x0c", b"\n# a comment\n", b" #c\r"])


def header(rng, magic, w, h, maxval=None):
    out = magic + sep(rng) + str(w).encode() + sep(rng) + str(h).encode()
    if maxval is not None:
        out += sep(rng) + (maxval if isinstance(maxval, bytes) else str(maxval).encode())
    # Exactly one whitespace byte ends the header (a comment here would run on into the raster).
    return out + bytes([rng.choice(WHITESPACE)])


def samples_for(rng, w, h, bands, maxval):
    planes = [reference.pixels(rng, w, h) for _ in range(bands)]
    values = [planes[b][i] * maxval // 255 for i in range(w * h) for b in range(bands)]
    if rng.random() < 0.4:
        # Whitespace-valued samples first: the raster must not be taken for more header.
        for i in range(min(len(values), rng.randint(1, 6))):
            values[i] = min(maxval, rng.choice(WHITESPACE))
    if maxval > 255 and rng.random() < 0.5:
        values = [min(maxval, v + rng.randrange(256)) for v in values]
    return values


def plain_bitmap(rng, w, h):
    bits = [1 if v < 128 else 0 for v in reference.pixels(rng, w, h)]
    style = rng.choice(["packed", "spaced", "rows", "comments"])
    if style == "packed":
        body = b"".join(b"%d" % b for b in bits)
    elif style == "spaced":
        body = b" ".join(b"%d" % b for b in bits)
    elif style == "rows":
        body = b"\n".join(b"".join(b"%d" % b for b in bits[y * w:(y + 1) * w]) for y in range(h))
    else:
        body = b"".join(b"%d" % b + (b"#x\n" if rng.random() < 0.1 else b"") for b in bits)
    return header(rng, b"P1", w, h) + body + rng.choice([b"", b"\n"]), style


def plain_samples(rng, w, h, magic, maxval):
    bands = 3 if magic == b"P3" else 1
    values = samples_for(rng, w, h, bands, maxval)
    parts = []
    for v in values:
        token = str(v).encode()
        if rng.random() < 0.02:
            token = b"0" + token  # leading zeros are a number still
        parts.append(token)
        parts.append(rng.choice([b" ", b"\n", b"\t", b"  "]) if rng.random() > 0.02 else b" #x\n")
    return header(rng, magic, w, h, maxval) + b"".join(parts)


def raw_samples(rng, w, h, magic, maxval):
    bands = 3 if magic == b"P6" else 1
    values = samples_for(rng, w, h, bands, maxval)
    fmt = "B" if maxval < 256 else ">H"
    return header(rng, magic, w, h, maxval) + b"".join(struct.pack(fmt, v) for v in values)


def pillow_written(rng, w, h):
    kind = rng.choice(["1", "L", "I", "RGB"])
    if kind == "1":
        im = reference.grey_image(rng, w, h).point(lambda v: 255 if v >= 128 else 0).convert("1")
    elif kind == "L":
        im = reference.grey_image(rng, w, h)
    elif kind == "I":
        im = reference.grey_image(rng, w, h).convert("I").point(lambda v: v * 3)
    else:
        im = reference.rgb_image(rng, w, h)
    return kind, reference.saved(im, "PPM")


def cases(rng, count):
    for i in range(count):
        w, h = reference.size_class(rng)
        if w * h > 20000:
            h = max(1, 20000 // w)
        r = rng.random()
        if r < 0.2:
            kind, data = pillow_written(rng, w, h)
            tag = f"pillow_{kind}"
        elif r < 0.4:
            data, style = plain_bitmap(rng, w, h)
            tag = f"p1_{style}"
        else:
            magic = rng.choice([b"P2", b"P3", b"P5", b"P6"])
            maxval = rng.choice([1, 2, 15, 100, 127, 128, 255, 255, 256, 1000, 4095, 65535, 65535])
            odd = rng.random()
            if odd < 0.03:
                maxval = rng.choice([65536, 0, 10 ** 19, b"00000255", b"+255", b"2_55"])
            make = plain_samples if magic in (b"P2", b"P3") else raw_samples
            real = maxval if isinstance(maxval, int) and 0 < maxval < 65536 else 255
            if isinstance(maxval, int) and not 0 < maxval < 65536:
                data = header(rng, magic, w, h, maxval) + bytes(w * h * 3)
            elif isinstance(maxval, bytes):
                data = make(rng, w, h, magic, real)
                data = data.replace(b"255", maxval, 1) if b"255" in data[:40] else data
            else:
                data = make(rng, w, h, magic, maxval)
            tag = f"{magic.decode()}_max{maxval.decode() if isinstance(maxval, bytes) else maxval}"
        excluded = None
        if rng.random() < 0.15:
            cut = rng.randint(3, len(data) - 1)
            data = data[:cut]
            tag += f"_cut{cut}"
            if data[1:2] in (b"2", b"3") and data[-1] not in WHITESPACE and pillow_reads(data):
                excluded = PLAIN_CUT_IN_TOKEN
        yield f"pnm_{i:04d}_{w}x{h}_{tag}.pnm", data, excluded


# docs/IMAGING.md, "Known differences": Pillow 9.4's PpmPlainDecoder never clears the token it kept aside at the end
# of the data, so a plain PGM/PPM cut short inside (or right after) a token is filled with that token, repeated.
PLAIN_CUT_IN_TOKEN = ("plain PGM/PPM cut short without trailing whitespace: Pillow 9.4 repeats the last token to fill "
                      "the image (PpmPlainDecoder bug); RleTcp refuses it as truncated")


def pillow_reads(data):
    try:
        with Image.open(io.BytesIO(data)) as im:
            im.load()
        return True
    except Exception:
        return False


if __name__ == "__main__":
    reference.run(cases)
