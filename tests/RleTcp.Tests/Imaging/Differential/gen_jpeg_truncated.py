#!/usr/bin/python3
"""JPEG cut short: Pillow 9.4 writes grey and colour JPEGs (baseline, progressive, optimized, every subsampling)
and each is cut at a random point. JPEG is lossy and libjpeg's pixels are not ImageSharp's,
so only the refusal half of the contract applies: only cuts Pillow refuses ("image file is truncated") are
written, and RleTcp must refuse every one as InvalidImage. One case in five is not cut but given a short JFIF APP0
or Adobe APP14 segment before the first scan (0..11 bytes); those Pillow refuses ("cannot identify image file": its
APP handler reads a version past the end) are written the same way. See reference.py for the contract."""
import io

from PIL import Image

import reference


def pillow_refuses(data):
    try:
        with Image.open(io.BytesIO(data)) as im:
            im.load()
        return False
    except Exception:
        return True


def cases(rng, count):
    made = 0
    attempt = 0
    while made < count:
        attempt += 1
        w, h = reference.size_class(rng)
        im = reference.grey_image(rng, w, h) if rng.random() < 0.4 else reference.rgb_image(rng, w, h)
        kw = {"quality": rng.choice([30, 75, 95])}
        if rng.random() < 0.3:
            kw["progressive"] = True
        if rng.random() < 0.3:
            kw["optimize"] = True
        if im.mode == "RGB":
            kw["subsampling"] = rng.choice([0, 1, 2])
        data = reference.saved(im, "JPEG", **kw)
        if rng.random() < 0.2:
            marker, prefix = rng.choice([(0xE0, b"JFIF\0"), (0xEE, b"Adobe")])
            body = (prefix + bytes(rng.randrange(256) for _ in range(6)))[:rng.randint(len(prefix) - 1, 11)]
            short = data[:2] + bytes([0xFF, marker, 0, len(body) + 2]) + body + data[2:]
            if not pillow_refuses(short):
                continue
            yield f"jpeg_{made:04d}_{w}x{h}_{im.mode}_short{marker:02X}_{len(body)}.jpg", short
            made += 1
            continue
        cut = rng.randint(2, len(data) - 1)
        if not pillow_refuses(data[:cut]):
            continue  # a cut Pillow still decodes (after the last scan's data): not a refusal case
        tag = "_".join(k if v is True else f"{k}{v}" for k, v in kw.items())
        yield f"jpeg_{made:04d}_{w}x{h}_{im.mode}_{tag}_cut{cut}of{len(data)}.jpg", data[:cut]
        made += 1


if __name__ == "__main__":
    reference.run(cases)
