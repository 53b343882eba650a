"""The protocol conformance suite of docs/PROTOCOL.md, run with this package's clients against a real server.

    python -m rletcp.conformance --port P --v1-port Q

P is a server with v2 on (default limits, except MaxPixels 50,000,000); Q one with v2 switched off. Prints one
line per check and exits 1 when any fails.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import struct
import sys
import time
from typing import Callable, List, Tuple

from . import AsyncRleTcpClient, RleTcpClient, RleTcpError, UnsupportedByServer
from .wire import BAD_REQUEST, BUSY, CANCELLED, IMAGE_TOO_LARGE, INVALID_IMAGE, OK, TIMEOUT, Op

PBM = b"P4\n10 2\n\xf0\x00\x00\xc0"        # the worked example of docs/PROTOCOL.md
RLE = bytes([0x0A, 0, 0x02, 0, 0x04, 0x86, 0x88, 0x02])
RLE_INVERTED = bytes([0x0A, 0, 0x02, 0, 0x84, 0x06, 0x08, 0x82])
ONE_PIXEL = b"P4\n1 1\n\x80"
RAMP = b"P5\n256 1\n255\n" + bytes(range(256))


def huge_grey() -> bytes:
    header = b"P5\n7200 5600\n255\n"
    return header + random.Random(7).randbytes(7200 * 5600)


def over_budget() -> bytes:
    return b"P4\n8000 8000\n" + bytes(8000 * 1000)  # 64 megapixels (the data is judged only after the size)


def expect(condition: bool, what: str) -> None:
    if not condition:
        raise AssertionError(what)


def blocking_checks(host: str, port: int, v1_port: int) -> List[Tuple[str, Callable[[], None]]]:
    big = huge_grey()

    def negotiation() -> None:
        with RleTcpClient(host, port) as c:
            expect(c.protocol_version == 2, "v2 negotiated")
            s = c.server
            expect(s is not None and s.max_in_flight > 0 and "rle" in s.codecs and "compress" in s.ops, f"HELLO fields: {s}")
            expect(s is not None and s.max_pixels == 50_000_000, "max pixels announced")

    def fallback() -> None:
        with RleTcpClient(host, v1_port) as c:
            expect(c.protocol_version == 1, "fell back to v1")
            expect(c.compress(PBM).data == RLE, "v1 compress")
            c.ping()
            try:
                c.compress(PBM, invert=True)
                expect(False, "options refused on v1")
            except UnsupportedByServer:
                pass
        try:
            RleTcpClient(host, v1_port, protocol="v2")
            expect(False, "v2 required against a v1 server fails")
        except ConnectionError:
            pass

    def ids() -> None:
        with RleTcpClient(host, port) as c:
            rid = c.send(Op.PING, None, b"", request_id=0xDEADBEEF)
            a = c.receive()
            expect((a.id, a.op, a.status) == (rid, Op.PING, OK), f"echoed id {a.id:#x}")

    def out_of_order() -> None:
        with RleTcpClient(host, port) as c:
            first = c.send(Op.COMPRESS, None, big)
            second = c.send(Op.COMPRESS, None, ONE_PIXEL)
            a, b = c.receive(), c.receive()
            expect(a.id == second and a.body == bytes([1, 0, 1, 0, 1]), "the 1-pixel image is answered first")
            expect(b.id == first and (b.fields["width"], b.fields["height"]) == (7200, 5600), "then the 7200x5600 one")

    def ops() -> None:
        with RleTcpClient(host, port) as c:
            r = c.compress(PBM)
            expect((r.data, r.width, r.height, r.codec) == (RLE, 10, 2, "rle"), "COMPRESS bytes and fields")
            info = c.info(PBM)
            expect(info == {"width": 10, "height": 2, "format": "PBM", "mode": "1", "frames": 1}, f"INFO {info}")
            for fmt, magic in (("png", b"\x89PNG"), ("bmp", b"BM"), ("pbm", b"P4"), ("tiff", b"II*\x00")):
                expect(c.decompress(RLE, format=fmt).startswith(magic), f"DECOMPRESS to {fmt}")
            expect(c.ping() >= 0, "PING")
            expect(c.cancel(12345) is False, "CANCEL of an id not in flight")

    def options() -> None:
        with RleTcpClient(host, port) as c:
            r = c.compress(RAMP, conversion="threshold", threshold=140)
            expect(r.data == bytes([0, 1, 1, 0, 0x7F, 0x0D, 0xF2, 0x82]), f"threshold 140: {r.data.hex()}")
            expect(c.compress(PBM, invert=True).data == RLE_INVERTED, "invert")
            expect(c.compress(PBM, width=20, filter="nearest", conversion="threshold").data[:4] == bytes([20, 0, 4, 0]), "resize to width 20")
            expect(c.compress(PBM, codec="rle").data == RLE, "codec rle")
            a = c.call(Op.COMPRESS, {"page": 1}, PBM)
            expect(a.status == INVALID_IMAGE and "page" in a.message, "page out of range")
            a = c.call(Op.COMPRESS, {"max_pixels": 10}, PBM)
            expect(a.status == IMAGE_TOO_LARGE, "max_pixels tightens")
            a = c.call(Op.COMPRESS, {"max_pixels": 10 ** 12}, over_budget())
            expect(a.status == IMAGE_TOO_LARGE, "max_pixels cannot raise the server's limit")
            a = c.call(Op.COMPRESS, {"deadline_ms": 20}, big)
            expect(a.status == TIMEOUT, f"deadline: {a.status}")

    def bad_requests() -> None:
        with RleTcpClient(host, port) as c:
            c.send_raw(bytes([Op.COMPRESS]) + struct.pack(">IH", 77, 2) + b"\x63\x00" + PBM)
            a = c.wait(77)
            expect(a.status == BAD_REQUEST and "0x63" in a.message, "unknown option")
            a = c.call(Op.COMPRESS, {"width": 10, "filter": "sinc"}, PBM)
            expect(a.status == BAD_REQUEST and "sinc" in a.message, "unknown filter")
            a = c.call(Op.COMPRESS, {"format": "png"}, PBM)
            expect(a.status == BAD_REQUEST, "option the op does not use")
            a = c.call(Op.COMPRESS, {"codec": "nope"}, PBM)
            expect(a.status == BAD_REQUEST, "unknown codec")
            c.send_raw(bytes([42]) + struct.pack(">IH", 78, 0))
            a = c.wait(78)
            expect(a.status == BAD_REQUEST and "42" in a.message, "unknown op")
            expect(c.compress(PBM).data == RLE, "the connection stays usable")

    def cancel() -> None:
        with RleTcpClient(host, port) as c:
            rid = c.send(Op.COMPRESS, None, big)
            time.sleep(0.05)  # not an assertion's wait: only gives the request time to reach a worker
            found = c.cancel(rid)
            a = c.wait(rid)
            expect(a.status == (CANCELLED if found else OK), f"cancelled: {found}, {a.status}")

    def in_flight_cap() -> None:
        with RleTcpClient(host, port) as c:
            cap = c.server.max_in_flight if c.server else 0
            ids_ = [c.send(Op.COMPRESS, None, big if i == 0 else PBM) for i in range(cap + 1)]
            statuses = {}
            for _ in ids_:
                a = c.receive()
                statuses[a.id] = a.status
            expect(all(s in (OK, BUSY) for s in statuses.values()), "only OK or Busy")
            expect(statuses[ids_[0]] == OK, "the first one is processed")

    return [("negotiation", negotiation), ("fallback to v1", fallback), ("ids", ids), ("out of order", out_of_order),
            ("ops", ops), ("options", options), ("bad requests", bad_requests), ("cancel", cancel),
            ("in-flight cap", in_flight_cap)]


async def asyncio_checks(host: str, port: int, v1_port: int) -> None:
    big = huge_grey()
    client = await AsyncRleTcpClient.connect(host, port)
    async with client:
        expect(client.protocol_version == 2, "asyncio: v2 negotiated")
        done: List[str] = []

        async def run(name: str, image: bytes) -> None:
            await client.compress(image)
            done.append(name)

        await asyncio.gather(run("big", big), run("small", ONE_PIXEL))
        expect(done == ["small", "big"], f"asyncio: completion order {done}")
        expect((await client.compress(PBM, invert=True)).data == RLE_INVERTED, "asyncio: options")
        expect((await client.info(PBM))["format"] == "PBM", "asyncio: info")
        task = asyncio.ensure_future(client.compress(big))
        await asyncio.sleep(0.05)
        task.cancel()
        try:
            await task
            expect(False, "asyncio: the cancelled task raises")
        except asyncio.CancelledError:
            pass
        expect((await client.compress(PBM)).data == RLE, "asyncio: usable after a cancel")
        try:
            await client.compress(PBM, codec="nope")
            expect(False, "asyncio: bad codec refused")
        except RleTcpError as e:
            expect(e.status == BAD_REQUEST, "asyncio: BadRequest")
    v1 = await AsyncRleTcpClient.connect(host, v1_port)
    async with v1:
        expect(v1.protocol_version == 1, "asyncio: fallback to v1")
        results = await asyncio.gather(*(v1.compress(PBM) for _ in range(5)))
        expect(all(r.data == RLE for r in results), "asyncio: v1 pipelined")
        await v1.ping()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rletcp.conformance")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--v1-port", type=int, required=True)
    args = parser.parse_args(argv)
    failures = 0
    for name, check in blocking_checks(args.host, args.port, args.v1_port):
        try:
            check()
            print(f"ok   {name}")
        except Exception as e:  # report every check, then fail
            failures += 1
            print(f"FAIL {name}: {type(e).__name__}: {e}")
    try:
        asyncio.run(asyncio_checks(args.host, args.port, args.v1_port))
        print("ok   asyncio client")
    except Exception as e:
        failures += 1
        print(f"FAIL asyncio client: {type(e).__name__}: {e}")
    print(f"{failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
