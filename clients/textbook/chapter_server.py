#!/usr/bin/python3
"""A server written from the textbook chapter: asyncio start_server, read(8) for the length, readexactly for the
image, the work in a ProcessPoolExecutor through run_in_executor, then write the .rle bytes and close. The work is
the reference pipeline: Pillow's Image.open(...).convert('1') and the textbook run-length encoder in pure Python.

    /usr/bin/python3 chapter_server.py PORT [WORKERS]     (PORT 0 = a free port)

Prints "listening on 127.0.0.1:PORT" once bound, then serves until killed (SIGTERM or SIGINT). Run it with Debian's
Pillow 9.4 (/usr/bin/python3 with python3-pil) for answers byte-identical to RleTcp's.
"""
import asyncio
import concurrent.futures
import io
import multiprocessing
import re
import signal
import sys

from PIL import Image


RUNS = re.compile(r"0+|1+")


def encode(data):
    """The textbook case study's work: decode, convert to 1 bit, write u16 LE width and height, then per row and
    127-pixel chunk one byte per run (bit 7 = white, bits 0-6 = the length)."""
    bw = Image.open(io.BytesIO(data)).convert("1")
    w, h = bw.size
    raw = bw.tobytes()
    stride = (w + 7) // 8
    out = bytearray(w.to_bytes(2, "little") + h.to_bytes(2, "little"))
    for y in range(h):
        bits = "".join(format(b, "08b") for b in raw[y * stride:(y + 1) * stride])[:w]
        for start in range(0, w, 127):
            for run in RUNS.finditer(bits, start, min(start + 127, w)):
                out.append((0x80 if run.group()[0] == "1" else 0) | (run.end() - run.start()))
    return bytes(out)


async def main():
    port = int(sys.argv[1])
    workers = int(sys.argv[2]) if len(sys.argv) > 2 else None
    # forkserver, not Linux's default fork: a worker forked while a connection is open inherits that socket, and
    # then writer.close() sends no FIN, so a client reading to EOF waits forever (found by this project's tests).
    pool = concurrent.futures.ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("forkserver"))
    loop = asyncio.get_running_loop()

    async def handle(reader, writer):
        try:
            header = await reader.read(8)
            size = int.from_bytes(header, "big")
            data = await reader.readexactly(size)
            result = await loop.run_in_executor(pool, encode, data)
            writer.write(result)
            await writer.drain()
        except Exception:  # the chapter's protocol has no error status: close without an answer
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", port)
    bound = server.sockets[0].getsockname()[1]
    print(f"listening on 127.0.0.1:{bound}", flush=True)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with server:
        await stop.wait()
    pool.shutdown(cancel_futures=True)


if __name__ == "__main__":
    asyncio.run(main())
