"""Reference figures for `RleTcp.Benchmarks codecs`: for every NAME.pbm in the folder, libtiff's G4 (through Debian's
Pillow 9.4) and Pillow's optimised PNG of the same bits; prints one TSV row per file:
name, libtiff G4 TIFF bytes, libtiff G4 strip bytes, Pillow optimised PNG bytes, libtiff G4 encode ms (best of N,
Pillow's save to memory, which is libtiff's encoder plus Pillow's small per-call overhead)."""
import io
import os
import sys
import time

from PIL import Image


def best_ms(fn, repeat):
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best * 1000


def main(folder, repeat):
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".pbm"):
            continue
        with Image.open(os.path.join(folder, name)) as im:
            im = im.convert("1")
            im.load()
            buf = io.BytesIO()
            im.save(buf, format="TIFF", compression="group4")
            tiff = buf.getvalue()
            with Image.open(io.BytesIO(tiff)) as t:
                strip = sum(t.tag_v2[279])
            png = io.BytesIO()
            im.save(png, format="PNG", optimize=True)
            ms = best_ms(lambda: im.save(io.BytesIO(), format="TIFF", compression="group4"), repeat)
            print(f"{name[:-4]}\t{len(tiff)}\t{strip}\t{len(png.getvalue())}\t{ms:.3f}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 5)
