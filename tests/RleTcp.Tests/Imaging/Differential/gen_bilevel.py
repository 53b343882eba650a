#!/usr/bin/python3
"""Bilevel (mode 1) images Pillow writes in every format that stores them: PNG, BMP, TIFF (raw, PackBits, LZW,
Group 3, Group 4), PBM; random sizes and contents. See reference.py for the contract."""
import reference


def cases(rng, count):
    for i in range(count):
        w, h = reference.size_class(rng)
        im = reference.grey_image(rng, w, h).point(lambda v: 255 if v >= 128 else 0).convert("1")
        fmt, ext, kw = rng.choice([
            ("PNG", "png", {}),
            ("BMP", "bmp", {}),
            ("PPM", "pbm", {}),
            ("TIFF", "tif", {}),
            ("TIFF", "tif", {"compression": "packbits"}),
            ("TIFF", "tif", {"compression": "tiff_lzw"}),
            ("TIFF", "tif", {"compression": "group4"}),
            ("TIFF", "tif", {"compression": "group3"}),
        ])
        tag = kw.get("compression", "raw")
        yield f"bilevel_{i:04d}_{w}x{h}_{tag}.{ext}", reference.saved(im, fmt, **kw), None


if __name__ == "__main__":
    reference.run(cases)
