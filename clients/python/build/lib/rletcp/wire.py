"""The RleTcp wire formats (docs/PROTOCOL.md): v1 frames, and v2's HELLO, requests, options and answers."""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import Dict, List, Mapping, Optional, Union

FRAME_HEADER = struct.Struct(">Q")  # u64 big-endian payload length
HELLO_MAGIC = b"RLETCPv2"
HELLO_PAYLOAD = HELLO_MAGIC + bytes([2])
CONNECTION_LEVEL_OP = 0xFF

STATUS_NAMES = {
    0: "Ok", 1: "InvalidImage", 2: "FrameTooLarge", 3: "ImageTooLarge", 4: "Busy",
    5: "Timeout", 6: "InternalError", 7: "BadRequest", 8: "Cancelled",
}
OK, INVALID_IMAGE, FRAME_TOO_LARGE, IMAGE_TOO_LARGE, BUSY, TIMEOUT, INTERNAL_ERROR, BAD_REQUEST, CANCELLED = range(9)


class Op:
    """v2 op bytes."""

    HELLO = 0
    COMPRESS = 1
    INFO = 2
    DECOMPRESS = 3
    CANCEL = 4
    PING = 5


# name -> (tag, kind); kinds: u8, u16, u32, u64, flag, text, conversion
OPTION_TAGS: Dict[str, tuple] = {
    "conversion": (0x01, "conversion"),
    "threshold": (0x02, "u8"),
    "invert": (0x03, "flag"),
    "page": (0x04, "u32"),
    "width": (0x05, "u16"),
    "height": (0x06, "u16"),
    "filter": (0x07, "text"),
    "codec": (0x08, "text"),
    "deadline_ms": (0x09, "u32"),
    "max_pixels": (0x0A, "u64"),
    "format": (0x0B, "text"),
}
_INT_FORMATS = {"u8": ">B", "u16": ">H", "u32": ">I", "u64": ">Q"}

OptionValue = Union[int, str, bool]


class RleTcpError(Exception):
    """The server answered with a status other than Ok."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"{STATUS_NAMES.get(status, f'status {status}')}: {message}")
        self.status = status
        self.message = message


class ProtocolError(ConnectionError):
    """The server sent something the protocol does not allow."""


def frame(payload: bytes) -> bytes:
    """A whole frame: the 8-byte length, then the payload."""
    return FRAME_HEADER.pack(len(payload)) + payload


def encode_options(options: Optional[Mapping[str, OptionValue]]) -> bytes:
    """The options block of a v2 request. Unknown names raise ValueError before anything is sent."""
    out = bytearray()
    for name, value in (options or {}).items():
        if value is None or value is False:
            continue
        if name not in OPTION_TAGS:
            raise ValueError(f"unknown option {name!r}; known: {', '.join(OPTION_TAGS)}")
        tag, kind = OPTION_TAGS[name]
        if kind == "flag":
            raw = b""
        elif kind == "text":
            raw = str(value).encode("utf-8")
        elif kind == "conversion":
            raw = bytes([{"pillow": 0, "threshold": 1}[str(value)]])
        else:
            raw = struct.pack(_INT_FORMATS[kind], int(value))
        if len(raw) > 255:
            raise ValueError(f"the {name} value is longer than 255 bytes")
        out += bytes([tag, len(raw)]) + raw
    return bytes(out)


def request(op: int, request_id: int, options: Optional[Mapping[str, OptionValue]] = None, body: bytes = b"") -> bytes:
    """A whole v2 request frame."""
    block = encode_options(options)
    return frame(struct.pack(">BIH", op, request_id, len(block)) + block + body)


@dataclass
class ServerInfo:
    """What a v2 server announced in its HELLO answer."""

    protocol_version: int = 0
    server_version: str = ""
    max_frame_bytes: int = 0
    max_pixels: int = 0
    max_in_flight: int = 0
    request_timeout_ms: int = 0
    ops: List[str] = field(default_factory=list)
    options: List[str] = field(default_factory=list)
    codecs: List[str] = field(default_factory=list)
    formats: List[str] = field(default_factory=list)
    filters: List[str] = field(default_factory=list)


@dataclass
class Answer:
    """One v2 answer: status, the request's id and op, its typed fields and its body."""

    status: int
    id: int
    op: int
    fields: Dict[str, object]
    body: bytes

    @property
    def ok(self) -> bool:
        return self.status == OK

    @property
    def message(self) -> str:
        return self.body.decode("utf-8", "replace")

    def raise_for_status(self) -> "Answer":
        if self.status != OK:
            raise RleTcpError(self.status, self.message)
        return self


_FIELD_TAGS = {
    0x01: ("width", "int"), 0x02: ("height", "int"), 0x03: ("codec", "text"), 0x04: ("format", "text"),
    0x05: ("mode", "text"), 0x06: ("frames", "int"), 0x07: ("cancelled", "bool"),
    0x10: ("protocol_version", "int"), 0x11: ("server_version", "text"), 0x12: ("max_frame_bytes", "int"),
    0x13: ("max_pixels", "int"), 0x14: ("max_in_flight", "int"), 0x1A: ("request_timeout_ms", "int"),
    0x15: ("ops", "list"), 0x16: ("options", "list"), 0x17: ("codecs", "list"), 0x18: ("formats", "list"),
    0x19: ("filters", "list"),
}


def parse_answer(payload: bytes) -> Answer:
    """Parses a v2 answer payload (one whole frame's payload)."""
    if len(payload) < 8:
        raise ProtocolError(f"a v2 answer has at least 8 bytes; this one has {len(payload)}")
    status, request_id, op, fields_length = struct.unpack(">BIBH", payload[:8])
    if 8 + fields_length > len(payload):
        raise ProtocolError("the answer's fields block runs past its end")
    fields: Dict[str, object] = {}
    block = payload[8:8 + fields_length]
    i = 0
    while i < len(block):
        if i + 2 > len(block) or i + 2 + block[i + 1] > len(block):
            raise ProtocolError("an answer field runs past the fields block")
        tag, size = block[i], block[i + 1]
        value = block[i + 2:i + 2 + size]
        i += 2 + size
        if tag not in _FIELD_TAGS:
            continue  # a field from a newer server
        name, kind = _FIELD_TAGS[tag]
        if kind == "int" or kind == "bool":
            number = int.from_bytes(value, "big")
            fields[name] = bool(number) if kind == "bool" else number
        elif kind == "text":
            fields[name] = value.decode("utf-8")
        else:
            text = value.decode("utf-8")
            fields[name] = text.split(",") if text else []
    return Answer(status, request_id, op, fields, payload[8 + fields_length:])


def server_info(answer: Answer) -> ServerInfo:
    """The HELLO answer's fields as a ServerInfo."""
    names = ServerInfo.__dataclass_fields__.keys()
    return ServerInfo(**{k: v for k, v in answer.fields.items() if k in names})  # type: ignore[arg-type]


def read_rle_size(rle: bytes) -> tuple:
    """(width, height) from an RLE body's header (u16 LE each)."""
    if len(rle) < 4:
        raise ProtocolError("an RLE body starts with 4 header bytes")
    return struct.unpack("<HH", rle[:4])
