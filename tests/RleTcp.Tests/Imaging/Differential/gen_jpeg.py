#!/usr/bin/python3
"""Whole JPEGs, byte-identical: Pillow 9.4 writes grey and colour JPEGs (baseline, progressive, optimized, every
subsampling, several qualities) and the reference is what Pillow makes of them. RleTcp decodes grey and YCbCr JPEG
with the same libjpeg-turbo as Debian's Pillow (libturbojpeg0), with the same defaults (islow IDCT, fancy
upsampling), so the pixels and therefore the bits must be equal. See reference.py for the contract."""
import reference


def cases(rng, count):
    i = 0
    while i < count:
        w, h = reference.size_class(rng)
        im = reference.grey_image(rng, w, h) if rng.random() < 0.4 else reference.rgb_image(rng, w, h)
        kw = {"quality": rng.choice([30, 75, 85, 95])}
        if rng.random() < 0.3:
            kw["progressive"] = True
        if rng.random() < 0.3:
            kw["optimize"] = True
        if im.mode == "RGB":
            kw["subsampling"] = rng.choice([0, 1, 2])
        try:
            data = reference.saved(im, "JPEG", **kw)
        except OSError:
            continue  # libjpeg's "Suspension not allowed here": Pillow cannot write some tiny progressive files
        tag = "_".join(k if v is True else f"{k}{v}" for k, v in kw.items())
        yield f"jpeg_{i:04d}_{w}x{h}_{im.mode}_{tag}.jpg", data
        i += 1


if __name__ == "__main__":
    reference.run(cases)
