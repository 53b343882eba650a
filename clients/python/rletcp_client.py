#!/usr/bin/env python3
"""A client for the RleTcp protocol v1, using only the Python standard library.

Protocol (docs/PROTOCOL.md): every frame is an unsigned 64-bit big-endian length N, then N bytes.
A request of N = 0 is a ping; otherwise its payload is one encoded image (PNG, BMP, GIF, TIFF, PBM, ...).
Each request gets exactly one answer frame, in order; the answer's first byte is a status, the rest is the
RLE image (status 0) or a UTF-8 message.

Library use:
    with RleTcpClient("127.0.0.1", 2015) as client:
        client.ping()
        rle = client.compress_file("page.png")   # bytes: u16 LE width, u16 LE height, runs
Command line:
    python3 rletcp_client.py [--host H] [--port P] [-o DIR] [--hex] [--ping] FILE...
"""

import argparse
import os
import socket
import struct
import sys
import time

STATUS_NAMES = {
    0: "Ok",
    1: "InvalidImage",
    2: "FrameTooLarge",
    3: "ImageTooLarge",
    4: "Busy",
    5: "Timeout",
    6: "InternalError",
}
HEADER = struct.Struct(">Q")  # u64 big-endian frame length


class RleTcpError(Exception):
    """The server answered with a status other than Ok."""

    def __init__(self, status, message):
        super().__init__(f"{STATUS_NAMES.get(status, f'status {status}')}: {message}")
        self.status = status
        self.message = message


class RleTcpClient:
    """One connection. Requests are sent one at a time and each answer is read before the next request."""

    def __init__(self, host="127.0.0.1", port=2015, timeout=30.0, max_response_bytes=256 << 20):
        self.max_response_bytes = max_response_bytes
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def request(self, payload):
        """Sends one frame and returns (status, body) of its answer."""
        self.sock.sendall(HEADER.pack(len(payload)) + payload)
        (length,) = HEADER.unpack(self._read_exactly(HEADER.size))
        if length == 0:
            raise ConnectionError("the server sent an empty frame (an answer always has a status byte)")
        if length > self.max_response_bytes:
            # Never buffer what a hostile or broken server declares without a bound.
            raise ConnectionError(f"the server declared a {length}-byte answer, over the {self.max_response_bytes}-byte limit")
        answer = self._read_exactly(length)
        return answer[0], answer[1:]

    def ping(self):
        """Sends a ping and returns the round-trip time in seconds."""
        start = time.perf_counter()
        status, body = self.request(b"")
        if status != 0:
            raise RleTcpError(status, body.decode("utf-8", "replace"))
        return time.perf_counter() - start

    def compress(self, image):
        """Compresses encoded image bytes; returns the RLE bytes or raises RleTcpError."""
        if not image:
            raise ValueError("the image is empty (an empty frame is a ping)")
        status, body = self.request(image)
        if status != 0:
            raise RleTcpError(status, body.decode("utf-8", "replace"))
        return body

    def compress_file(self, path):
        with open(path, "rb") as f:
            return self.compress(f.read())

    def close(self):
        """Half-closes (the server then answers anything pending and closes), drains, and closes."""
        try:
            self.sock.shutdown(socket.SHUT_WR)
            while self.sock.recv(65536):
                pass
        except OSError:
            pass
        finally:
            self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _read_exactly(self, n):
        chunks, remaining = [], n
        while remaining:
            chunk = self.sock.recv(min(remaining, 1 << 20))
            if not chunk:
                raise ConnectionError("the server closed the connection in the middle of an answer")
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)


def rle_size(rle):
    """Width and height from an RLE image's header (two u16 little-endian values)."""
    return struct.unpack_from("<HH", rle)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Compress images to .rle through an RleTcp server.")
    parser.add_argument("files", nargs="*", metavar="FILE", help="image files to compress")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=2015)
    parser.add_argument("-o", "--output", metavar="DIR", help="write NAME.rle here instead of beside each input")
    parser.add_argument("--hex", action="store_true", help="print the RLE bytes as hex instead of writing files")
    parser.add_argument("--ping", action="store_true", help="ping the server first")
    args = parser.parse_args(argv)
    if not args.files and not args.ping:
        parser.error("give at least one FILE, or --ping")

    try:
        client = RleTcpClient(args.host, args.port)
    except OSError as e:
        print(f"rletcp_client: cannot reach the server at {args.host}:{args.port}: {e}", file=sys.stderr)
        return 3

    failed = 0
    with client:
        if args.ping:
            print(f"ping {args.host}:{args.port}: {client.ping() * 1000:.3f} ms")
        for path in args.files:
            try:
                rle = client.compress_file(path)
            except (OSError, RleTcpError) as e:
                print(f"rletcp_client: {path}: {e}", file=sys.stderr)
                failed += 1
                continue
            width, height = rle_size(rle)
            if args.hex:
                print(f"{path} {width}x{height} {len(rle)} bytes {rle.hex()}")
                continue
            name = os.path.splitext(os.path.basename(path))[0] + ".rle"
            target = os.path.join(args.output or os.path.dirname(os.path.abspath(path)), name)
            if args.output:
                os.makedirs(args.output, exist_ok=True)
            with open(target, "wb") as f:
                f.write(rle)
            print(f"{path} -> {target} {width}x{height} {len(rle)} bytes")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
