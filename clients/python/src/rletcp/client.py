"""The blocking client: one TCP connection, protocol v2 when the server offers it, else v1."""

from __future__ import annotations

import socket
import struct
import time
from dataclasses import dataclass
from typing import Dict, Mapping, Optional

from . import wire
from .wire import Answer, Op, OptionValue, ProtocolError, RleTcpError, ServerInfo


class UnsupportedByServer(Exception):
    """The request needs protocol v2 and the server speaks only v1."""


@dataclass
class CompressResult:
    """An encoded image from COMPRESS: the bytes (``rle``: exactly v1's answer), its size and codec."""

    data: bytes
    width: int
    height: int
    codec: str = "rle"


class RleTcpClient:
    """
    One connection. ``protocol`` is ``"auto"`` (send HELLO, fall back to v1 when it is answered InvalidImage),
    ``"v1"`` or ``"v2"`` (fail when the server does not speak v2).

    In v2, :meth:`send` and :meth:`receive` pipeline any number of requests and answers arrive in completion order;
    :meth:`call` (and the helpers built on it) waits for one id and keeps other answers for later calls.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 2015, *, protocol: str = "auto",
                 timeout: Optional[float] = 30.0, max_response_bytes: int = 256 << 20) -> None:
        if protocol not in ("auto", "v1", "v2"):
            raise ValueError("protocol must be 'auto', 'v1' or 'v2'")
        self.max_response_bytes = max_response_bytes
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server: Optional[ServerInfo] = None
        self._next_id = 0
        self._early: Dict[int, Answer] = {}
        try:
            if protocol != "v1":
                self.server = self._negotiate(protocol == "v2")
        except BaseException:
            self.sock.close()
            raise

    @property
    def protocol_version(self) -> int:
        """2 after an accepted HELLO, else 1."""
        return 1 if self.server is None else 2

    def __enter__(self) -> "RleTcpClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.sock.close()

    # -- frames -----------------------------------------------------------------------------------------------

    def _read_exactly(self, n: int) -> bytes:
        chunks = bytearray()
        while len(chunks) < n:
            chunk = self.sock.recv(min(n - len(chunks), 1 << 20))
            if not chunk:
                raise ConnectionError("the server closed the connection")
            chunks += chunk
        return bytes(chunks)

    def _read_frame(self) -> bytes:
        (length,) = wire.FRAME_HEADER.unpack(self._read_exactly(wire.FRAME_HEADER.size))
        if length == 0:
            raise ProtocolError("the server sent an empty frame (an answer always has a status byte)")
        if length > self.max_response_bytes:
            # Never buffer what a hostile or broken server declares without a bound.
            raise ProtocolError(f"the server declared a {length}-byte answer, over the {self.max_response_bytes}-byte limit")
        return self._read_exactly(length)

    def _negotiate(self, required: bool) -> Optional[ServerInfo]:
        self.sock.sendall(wire.frame(wire.HELLO_PAYLOAD))
        payload = self._read_frame()
        if payload[0] == wire.OK:
            try:
                answer = wire.parse_answer(payload)
                if answer.id == 0 and answer.op == Op.HELLO and answer.fields.get("protocol_version") == 2:
                    return wire.server_info(answer)
            except ProtocolError:
                pass
        # InvalidImage (every v1 server) or a v1 OK: the connection goes on in v1.
        if required:
            raise ProtocolError("the server does not speak protocol v2 (it answered the HELLO as a v1 request)")
        return None

    # -- v2 -----------------------------------------------------------------------------------------------------

    def send(self, op: int, options: Optional[Mapping[str, OptionValue]] = None, body: bytes = b"",
             request_id: Optional[int] = None) -> int:
        """Sends one v2 request without waiting; returns its id."""
        self._require_v2(f"op {op}")
        if request_id is None:
            self._next_id = (self._next_id + 1) & 0xFFFFFFFF or 1
            request_id = self._next_id
        self.sock.sendall(wire.request(op, request_id, options, body))
        return request_id

    def send_raw(self, payload: bytes) -> None:
        """Sends one frame with exactly this payload (for conformance checks of malformed requests)."""
        self.sock.sendall(wire.frame(payload))

    def receive(self) -> Answer:
        """The next v2 answer, whatever its id (one kept by :meth:`call` first)."""
        if self._early:
            return self._early.pop(next(iter(self._early)))
        return self._receive_wire()

    def _receive_wire(self) -> Answer:
        answer = wire.parse_answer(self._read_frame())
        if answer.id == 0 and answer.op == wire.CONNECTION_LEVEL_OP:
            raise ConnectionError(f"the server ended the connection: {wire.STATUS_NAMES.get(answer.status)}: {answer.message}")
        return answer

    def call(self, op: int, options: Optional[Mapping[str, OptionValue]] = None, body: bytes = b"") -> Answer:
        """Sends one v2 request and returns its answer (other answers that arrive first are kept)."""
        request_id = self.send(op, options, body)
        return self.wait(request_id)

    def wait(self, request_id: int) -> Answer:
        """The answer to ``request_id``."""
        if request_id in self._early:
            return self._early.pop(request_id)
        while True:
            answer = self._receive_wire()
            if answer.id == request_id:
                return answer
            self._early[answer.id] = answer

    def cancel(self, request_id: int) -> bool:
        """Sends CANCEL for ``request_id``; True when the server stopped it (its answer is then Cancelled)."""
        body = struct.pack(">I", request_id)
        return bool(self.call(Op.CANCEL, None, body).raise_for_status().fields.get("cancelled"))

    # -- both protocols ---------------------------------------------------------------------------------------

    def ping(self) -> float:
        """Sends a ping; returns the round-trip time in seconds."""
        start = time.perf_counter()
        if self.server is None:
            status, body = self._v1_request(b"")
            if status != wire.OK:
                raise RleTcpError(status, body.decode("utf-8", "replace"))
        else:
            self.call(Op.PING).raise_for_status()
        return time.perf_counter() - start

    def compress(self, image: bytes, **options: OptionValue) -> CompressResult:
        """
        Compresses encoded image bytes. Options (v2 only): conversion ("pillow"/"threshold"), threshold (0-255),
        invert, page, width, height, filter, codec, deadline_ms, max_pixels.
        """
        if not image:
            raise ValueError("the image is empty (an empty frame is a ping)")
        if self.server is None:
            if any(v not in (None, False) for v in options.values()):
                raise UnsupportedByServer("per-request options need protocol v2; the server speaks v1")
            status, body = self._v1_request(image)
            if status != wire.OK:
                raise RleTcpError(status, body.decode("utf-8", "replace"))
            width, height = wire.read_rle_size(body)
            return CompressResult(body, width, height)
        answer = self.call(Op.COMPRESS, options, image).raise_for_status()
        return CompressResult(answer.body, int(answer.fields.get("width", 0)), int(answer.fields.get("height", 0)),  # type: ignore[arg-type]
                              str(answer.fields.get("codec", "rle")))

    def compress_file(self, path: str, **options: OptionValue) -> CompressResult:
        with open(path, "rb") as f:
            return self.compress(f.read(), **options)

    def info(self, image: bytes) -> Dict[str, object]:
        """Format, width, height, mode and frames from the image's header (v2 INFO)."""
        self._require_v2("INFO")
        return self.call(Op.INFO, None, image).raise_for_status().fields

    def decompress(self, data: bytes, **options: OptionValue) -> bytes:
        """An encoded bilevel image (codec, default rle) as a png/bmp/pbm/tiff file (format, default png)."""
        self._require_v2("DECOMPRESS")
        return self.call(Op.DECOMPRESS, options, data).raise_for_status().body

    def _v1_request(self, payload: bytes) -> tuple:
        self.sock.sendall(wire.frame(payload))
        answer = self._read_frame()
        return answer[0], answer[1:]

    def _require_v2(self, what: str) -> None:
        if self.server is None:
            raise UnsupportedByServer(f"{what} needs protocol v2; the server speaks v1")
