"""The reference side of the randomized differential tests (PillowDifferentialTests.cs).

Each generator gen_*.py in this folder is run as `/usr/bin/python3 gen_NAME.py OUTDIR SEED COUNT` with Debian's
Pillow 9.4 (the reference pipeline). It calls `run(cases)` below, where `cases(rng, count)` yields
(name, file bytes[, exclusion reason[, page]]). For every case `write_case` stores the file as OUTDIR/NAME and beside
it what the reference makes of it:
  NAME.expected.rle    Image.open(BytesIO(b)) + load() + convert('1') + the textbook RLE encoder, or
  NAME.expected.error  the exception's class and message when Pillow refuses the file (RleTcp must refuse it too),
  NAME.expected.mode   for page 0: the mode of the image convert('1') works on (im.im.mode after load(); it differs
                       from im.mode for a GIF whose grey-ramp first frame gets the global palette), which protocol
                       v2's INFO (ImageHeaderInfo) must name by its conversion class ("1", "P", "L" or "RGB"),
  NAME.expected.frames for page 0 of a GIF or TIFF: Pillow's n_frames (when it can count them), which INFO's frame
                       count must equal,
  NAME.excluded        a documented difference (docs/IMAGING.md "Known differences"): the reason; not compared.
  NAME.page            the page K (decimal) when it is not 0: the reference is seek(K) before load(), RleTcp is given
                       IntakeOptions.Page = K.
Generators are deterministic for a given SEED, so a failure names a file that can be made again.
"""
import io
import os
import random
import sys

from PIL import Image


def rle_of(im):
    """The textbook encoder over Pillow's convert('1'): per row, chunks of 127 from x = 0, one byte per run
    (bit 7 = white, bits 0-6 = length)."""
    bw = im.convert("1")
    w, h = bw.size
    raw = bw.tobytes()  # packed rows, MSB first, 1 = white, each row padded to a whole byte
    stride = (w + 7) // 8
    out = bytearray(w.to_bytes(2, "little") + h.to_bytes(2, "little"))
    for y in range(h):
        bits = "".join(format(b, "08b") for b in raw[y * stride:(y + 1) * stride])[:w]
        for start in range(0, w, 127):
            chunk = bits[start:start + 127]
            i = 0
            while i < len(chunk):
                j = i
                while j < len(chunk) and chunk[j] == chunk[i]:
                    j += 1
                out.append((0x80 if chunk[i] == "1" else 0) | (j - i))
                i = j
    return bytes(out)


def saved(im, fmt, **kw):
    """The bytes Pillow writes for `im` as `fmt` (save options passed through)."""
    buf = io.BytesIO()
    im.save(buf, fmt, **kw)
    return buf.getvalue()


def write_case(folder, name, data, excluded=None, page=0):
    path = os.path.join(folder, name)
    with open(path, "wb") as f:
        f.write(data)
    if page:
        with open(path + ".page", "w") as f:
            f.write(str(page))
    if excluded:
        with open(path + ".excluded", "w") as f:
            f.write(excluded)
        return "excluded"
    try:
        with Image.open(io.BytesIO(data)) as im:
            if page:
                im.seek(page)
            im.load()
            mode = im.im.mode
            result = rle_of(im)
        try:
            with Image.open(io.BytesIO(data)) as counted:
                # RleTcp reads pages of GIF and TIFF only (an animated WebP is its first frame, docs/IMAGING.md).
                frames = getattr(counted, "n_frames", 1) if counted.format in ("GIF", "TIFF") else None
        except Exception:  # Pillow fails to seek through the later frames: no count to compare
            frames = None
    except Exception as e:  # the reference refuses the file: RleTcp must refuse it too
        with open(path + ".expected.error", "w") as f:
            f.write(type(e).__name__ + ": " + str(e))
        return "error"
    with open(path + ".expected.rle", "wb") as f:
        f.write(result)
    if not page:
        with open(path + ".expected.mode", "w") as f:
            f.write(mode)
        if frames is not None:
            with open(path + ".expected.frames", "w") as f:
                f.write(str(frames))
    return "rle"


def size_class(rng):
    """Random sizes from 1x1 up: mostly small, some around byte/word/chunk edges, a few larger."""
    r = rng.random()
    if r < 0.15:
        return rng.randint(1, 4), rng.randint(1, 4)
    if r < 0.55:
        return rng.randint(1, 40), rng.randint(1, 40)
    if r < 0.85:
        edge = rng.choice([7, 8, 9, 63, 64, 65, 126, 127, 128, 129, 254, 255])
        return edge + rng.randint(-1, 1), rng.randint(1, 24)
    return rng.randint(100, 400), rng.randint(50, 200)


def pixels(rng, w, h, kind=None):
    """Sample values 0..255 for a w x h plane: noise, gradients, flat near-threshold greys, or bilevel blocks."""
    kind = kind or rng.choice(["noise", "gradient", "near", "blocks", "flat"])
    if kind == "noise":
        return [rng.randrange(256) for _ in range(w * h)]
    if kind == "gradient":
        return [(x * 255 // max(1, w - 1) + y * 7) % 256 for y in range(h) for x in range(w)]
    if kind == "near":
        return [rng.randint(124, 132) for _ in range(w * h)]
    if kind == "flat":
        v = rng.choice([0, 127, 128, 255])
        return [v] * (w * h)
    return [255 if ((x // 3) + (y // 2)) % 2 else 0 for y in range(h) for x in range(w)]


def grey_image(rng, w, h, kind=None):
    im = Image.new("L", (w, h))
    im.putdata(pixels(rng, w, h, kind))
    return im


def rgb_image(rng, w, h):
    kinds = [rng.choice(["noise", "gradient", "near", "blocks", "flat"]) for _ in range(3)]
    planes = [grey_image(rng, w, h, k) for k in kinds]
    return Image.merge("RGB", planes)


def mode_image(rng, mode, w, h, palette_sizes=(2, 16, 256)):
    """A random w x h image in Pillow mode 1, L, LA, P (adaptive palette of one of `palette_sizes`), RGB, RGBA or
    CMYK, its planes drawn by grey_image."""
    if mode == "1":
        return grey_image(rng, w, h).point(lambda v: 255 if v >= 128 else 0).convert("1")
    if mode == "L":
        return grey_image(rng, w, h)
    if mode == "P":
        return rgb_image(rng, w, h).convert("P", palette=Image.ADAPTIVE, colors=rng.choice(list(palette_sizes)))
    if mode == "RGB":
        return rgb_image(rng, w, h)
    if mode == "RGBA":
        return Image.merge("RGBA", list(rgb_image(rng, w, h).split()) + [grey_image(rng, w, h)])
    bands = {"LA": 2, "CMYK": 4}[mode]
    return Image.merge(mode, [grey_image(rng, w, h) for _ in range(bands)])


def run(cases):
    folder, seed, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    rng = random.Random(seed)
    tally = {}
    for case in cases(rng, count):
        name, data = case[0], case[1]
        excluded = case[2] if len(case) > 2 else None
        page = case[3] if len(case) > 3 else 0
        outcome = write_case(folder, name, data, excluded, page)
        tally[outcome] = tally.get(outcome, 0) + 1
    print(" ".join(f"{k}={v}" for k, v in sorted(tally.items())))
