"""The asyncio client: many concurrent requests on one connection, matched by id (v2) or order (v1)."""

from __future__ import annotations

import asyncio
import collections
import struct
from typing import Deque, Dict, Mapping, Optional

from . import wire
from .client import CompressResult, UnsupportedByServer
from .wire import Answer, Op, OptionValue, ProtocolError, RleTcpError, ServerInfo


class AsyncRleTcpClient:
    """
    Use :meth:`connect`. Requests may be awaited concurrently; in v2 their answers complete in any order and at most
    the server's max-in-flight are outstanding (the rest wait here, not at the server). Cancelling the awaiting task
    of a v2 request sends CANCEL, so the server stops its work.
    """

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, server: Optional[ServerInfo],
                 max_response_bytes: int) -> None:
        self._reader = reader
        self._writer = writer
        self.server = server
        self._max = max_response_bytes
        self._next_id = 0
        self._by_id: Dict[int, "asyncio.Future[Answer]"] = {}
        self._in_order: Deque["asyncio.Future[tuple]"] = collections.deque()
        self._slots = asyncio.Semaphore(max(1, server.max_in_flight) if server else 1 << 30)
        self._failure: Optional[BaseException] = None
        self._reading = asyncio.get_running_loop().create_task(self._read_loop())

    @classmethod
    async def connect(cls, host: str = "127.0.0.1", port: int = 2015, *, protocol: str = "auto",
                      max_response_bytes: int = 256 << 20, timeout: float = 30.0) -> "AsyncRleTcpClient":
        """Connects and negotiates like :class:`rletcp.RleTcpClient`."""
        reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
        server = None
        try:
            if protocol != "v1":
                writer.write(wire.frame(wire.HELLO_PAYLOAD))
                await writer.drain()
                payload = await asyncio.wait_for(cls._read_frame(reader, 1 << 16), timeout)
                if payload[0] == wire.OK:
                    try:
                        answer = wire.parse_answer(payload)
                        if answer.op == Op.HELLO and answer.fields.get("protocol_version") == 2:
                            server = wire.server_info(answer)
                    except ProtocolError:
                        pass
                if server is None and protocol == "v2":
                    raise ProtocolError("the server does not speak protocol v2")
        except BaseException:
            writer.close()
            raise
        return cls(reader, writer, server, max_response_bytes)

    @property
    def protocol_version(self) -> int:
        return 1 if self.server is None else 2

    async def __aenter__(self) -> "AsyncRleTcpClient":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        self._writer.close()
        try:
            await self._writer.wait_closed()
        except (ConnectionError, OSError):
            pass
        self._reading.cancel()
        try:
            await self._reading
        except (asyncio.CancelledError, Exception):
            pass

    @staticmethod
    async def _read_frame(reader: asyncio.StreamReader, limit: int) -> bytes:
        (length,) = wire.FRAME_HEADER.unpack(await reader.readexactly(8))
        if length == 0 or length > limit:
            raise ProtocolError(f"the server declared a {length}-byte answer")
        return await reader.readexactly(length)

    async def _read_loop(self) -> None:
        try:
            while True:
                payload = await self._read_frame(self._reader, self._max)
                if self.server is None:
                    if not self._in_order:
                        raise ProtocolError("an answer to no request")
                    future = self._in_order.popleft()
                    if not future.done():
                        future.set_result((payload[0], payload[1:]))
                    continue
                answer = wire.parse_answer(payload)
                if answer.id == 0 and answer.op == wire.CONNECTION_LEVEL_OP:
                    raise ConnectionError(f"the server ended the connection: {answer.message}")
                pending = self._by_id.pop(answer.id, None)
                if pending is not None and not pending.done():
                    pending.set_result(answer)
        except BaseException as e:  # the connection is over: fail whatever waits
            self._failure = e if isinstance(e, Exception) else ConnectionError("the client was closed")
            for future in list(self._by_id.values()) + list(self._in_order):
                if not future.done():
                    future.set_exception(ConnectionError(f"the connection ended: {self._failure}"))
            self._by_id.clear()
            self._in_order.clear()

    async def request(self, op: int, options: Optional[Mapping[str, OptionValue]] = None, body: bytes = b"") -> Answer:
        """Sends one v2 request and awaits its answer; cancelling the await sends CANCEL."""
        if self.server is None:
            raise UnsupportedByServer(f"op {op} needs protocol v2; the server speaks v1")
        counts = op not in (Op.CANCEL, Op.PING)
        if counts:
            await self._slots.acquire()
        try:
            if self._failure is not None:
                raise ConnectionError(f"the connection ended: {self._failure}")
            self._next_id = (self._next_id + 1) & 0xFFFFFFFF or 1
            while self._next_id in self._by_id:
                self._next_id = (self._next_id + 1) & 0xFFFFFFFF or 1
            request_id = self._next_id
            future: "asyncio.Future[Answer]" = asyncio.get_running_loop().create_future()
            self._by_id[request_id] = future
            self._writer.write(wire.request(op, request_id, options, body))
            try:
                await self._writer.drain()
                return await asyncio.shield(future)
            except asyncio.CancelledError:
                # Nobody awaits the answer any more: retrieve whatever ends the future, so asyncio does not warn.
                future.add_done_callback(lambda f: None if f.cancelled() else f.exception())
                if not future.done() and self._failure is None:
                    # The server stops the work; its Cancelled answer is dropped by the read loop.
                    self._writer.write(wire.request(Op.CANCEL, self._fresh_cancel_id(), None, struct.pack(">I", request_id)))
                raise
        finally:
            if counts:
                self._slots.release()

    def _fresh_cancel_id(self) -> int:
        self._next_id = (self._next_id + 1) & 0xFFFFFFFF or 1
        return self._next_id

    async def _v1(self, payload: bytes) -> tuple:
        future: "asyncio.Future[tuple]" = asyncio.get_running_loop().create_future()
        self._in_order.append(future)
        self._writer.write(wire.frame(payload))
        await self._writer.drain()
        return await future

    async def ping(self) -> None:
        if self.server is None:
            status, body = await self._v1(b"")
            if status != wire.OK:
                raise RleTcpError(status, body.decode("utf-8", "replace"))
        else:
            (await self.request(Op.PING)).raise_for_status()

    async def compress(self, image: bytes, **options: OptionValue) -> CompressResult:
        """As :meth:`rletcp.RleTcpClient.compress`."""
        if not image:
            raise ValueError("the image is empty (an empty frame is a ping)")
        if self.server is None:
            if any(v not in (None, False) for v in options.values()):
                raise UnsupportedByServer("per-request options need protocol v2; the server speaks v1")
            status, body = await self._v1(image)
            if status != wire.OK:
                raise RleTcpError(status, body.decode("utf-8", "replace"))
            width, height = wire.read_rle_size(body)
            return CompressResult(body, width, height)
        answer = (await self.request(Op.COMPRESS, options, image)).raise_for_status()
        return CompressResult(answer.body, int(answer.fields.get("width", 0)), int(answer.fields.get("height", 0)),  # type: ignore[arg-type]
                              str(answer.fields.get("codec", "rle")))

    async def info(self, image: bytes) -> Dict[str, object]:
        return (await self.request(Op.INFO, None, image)).raise_for_status().fields

    async def decompress(self, data: bytes, **options: OptionValue) -> bytes:
        return (await self.request(Op.DECOMPRESS, options, data)).raise_for_status().body
