#!/usr/bin/python3
"""WebP as Pillow 9.4 (libwebp 1.2.4) writes it: lossless RGB and RGBA, still and animated (first frame; Pillow
reads it through WebPAnimDecoder), random sizes; VP8X files whose canvas disagrees with the bitstream (by hand);
and truncations at random cut points of lossless and lossy files. Lossy pixels are not compared (libwebp's are not
ImageSharp's): a lossy file appears only cut, where Pillow refuses it. See reference.py for the contract."""
import struct

from PIL import Image

import reference


def lossless(rng, w, h):
    im = reference.rgb_image(rng, w, h)
    if rng.random() < 0.4:
        im = Image.merge("RGBA", list(im.split()) + [reference.grey_image(rng, w, h)])
    return im


def vp8x_mismatch(rng, still):
    """A VP8X header declaring another canvas than the still image's own bitstream."""
    chunks = still[12:]
    cw, ch = rng.choice([(65536, 1), (16777216, 16777216), (2, 2), (1, 3)])
    vp8x = b"VP8X" + struct.pack("<I", 10) + bytes([0, 0, 0, 0]) + (cw - 1).to_bytes(3, "little") + (ch - 1).to_bytes(3, "little")
    body = b"WEBP" + vp8x + chunks
    return b"RIFF" + struct.pack("<I", len(body)) + body, f"vp8x{cw}x{ch}"


def cases(rng, count):
    for i in range(count):
        w, h = reference.size_class(rng)
        w, h = min(w, 200), min(h, 200)
        kind = rng.random()
        cut = rng.random() < 0.3
        if kind < 0.15:
            # Lossy, always cut (the refusal half only).
            data = reference.saved(reference.rgb_image(rng, w, h), "WEBP", quality=rng.choice([50, 90]))
            c = rng.randint(1, len(data) - 1)
            yield f"webp_{i:04d}_{w}x{h}_lossy_cut{c}.webp", data[:c]
            continue
        if kind < 0.3:
            frames = [lossless(rng, w, h) for _ in range(rng.randint(2, 3))]
            data = reference.saved(frames[0], "WEBP", lossless=True, save_all=True, append_images=frames[1:], duration=50)
            tag = f"anim{len(frames)}"
        else:
            data = reference.saved(lossless(rng, w, h), "WEBP", lossless=True)
            tag = "lossless"
            if kind < 0.4 and w * h < 4:
                data, tag = vp8x_mismatch(rng, data)
        if cut:
            c = rng.randint(1, len(data) - 1)
            data = data[:c]
            tag += f"_cut{c}"
        yield f"webp_{i:04d}_{w}x{h}_{tag}.webp", data


if __name__ == "__main__":
    reference.run(cases)
