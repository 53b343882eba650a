"""``rletcp-py HOST:PORT FILE... [--threshold N] [--invert] [--width W] ...``: compresses files through the server."""

from __future__ import annotations

import argparse
import os
import sys

from . import RleTcpClient, RleTcpError


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="rletcp-py", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=2015)
    parser.add_argument("--protocol", choices=["auto", "v1", "v2"], default="auto")
    parser.add_argument("--threshold", type=int)
    parser.add_argument("--invert", action="store_true")
    parser.add_argument("--page", type=int)
    parser.add_argument("--width", type=int)
    parser.add_argument("--height", type=int)
    parser.add_argument("--codec")
    parser.add_argument("-o", "--output-dir", default=".")
    parser.add_argument("files", nargs="+")
    args = parser.parse_args(argv)
    options = {k: v for k, v in {"threshold": args.threshold, "invert": args.invert, "page": args.page,
                                 "width": args.width, "height": args.height, "codec": args.codec}.items() if v}
    failed = 0
    with RleTcpClient(args.host, args.port, protocol=args.protocol) as client:
        for path in args.files:
            try:
                result = client.compress_file(path, **options)
            except RleTcpError as e:
                print(f"{path}: {e}", file=sys.stderr)
                failed += 1
                continue
            out = os.path.join(args.output_dir, os.path.splitext(os.path.basename(path))[0] + ".rle")
            with open(out, "wb") as f:
                f.write(result.data)
            print(f"{path}: {result.width}x{result.height} -> {out} ({len(result.data)} bytes)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
