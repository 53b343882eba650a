#!/usr/bin/python3
"""The Pillow peer of issue 14's intake rows: times Image.open(BytesIO(b)).convert('1') and nothing else (the file
is read into memory first), best and median of N runs per file, with Debian's Pillow 9.4 (run with /usr/bin/python3).

    /usr/bin/python3 bench/peers/pillow_convert.py [--runs N] FILES...

Prints TSV with the columns of `dotnet RleTcp.Benchmarks.dll intake` (tool, file, bytes, width, height, best_ms,
median_ms, runs), so the two outputs join on the file name."""
import io
import os
import sys
import time

from PIL import Image


def main(argv):
    runs = 5
    files = []
    i = 0
    while i < len(argv):
        if argv[i] == "--runs" and i + 1 < len(argv):
            runs = int(argv[i + 1])
            i += 2
        else:
            files.append(argv[i])
            i += 1
    if not files or runs < 1:
        print("usage: pillow_convert.py [--runs N] FILES...", file=sys.stderr)
        return 2
    print("tool\tfile\tbytes\twidth\theight\tbest_ms\tmedian_ms\truns")
    for path in files:
        with open(path, "rb") as f:
            data = f.read()
        Image.open(io.BytesIO(data)).convert("1")  # warm-up: imports the plugin, touches the allocator
        times = []
        size = (0, 0)
        for _ in range(runs):
            start = time.perf_counter()
            bw = Image.open(io.BytesIO(data)).convert("1")
            times.append((time.perf_counter() - start) * 1000.0)
            size = bw.size
        times.sort()
        print(f"pillow\t{os.path.basename(path)}\t{len(data)}\t{size[0]}\t{size[1]}\t{times[0]:.1f}\t{times[runs // 2]:.1f}\t{runs}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
