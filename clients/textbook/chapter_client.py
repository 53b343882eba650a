#!/usr/bin/env python3
"""The textbook chapter's client, as the chapter writes it: connect, send an 8-byte big-endian length and the
image, read until end of stream. The answer is the .rle file's bytes (empty when the server refused the image).

    python3 chapter_client.py HOST PORT IMAGE [OUT.rle]

Prints the answer's length; writes it to OUT.rle when given. Exit 0 with an answer, 1 with an empty one.
"""
import asyncio
import sys


async def compress(host, port, data):
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(len(data).to_bytes(8, "big") + data)
    await writer.drain()
    result = await reader.read()  # until EOF: the server closes after the last byte
    writer.close()
    await writer.wait_closed()
    return result


def main():
    host, port, image = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    with open(image, "rb") as f:
        data = f.read()
    result = asyncio.run(compress(host, port, data))
    if len(sys.argv) > 4:
        with open(sys.argv[4], "wb") as f:
            f.write(result)
    print(len(result))
    return 0 if result else 1


if __name__ == "__main__":
    sys.exit(main())
