"""Clients for the RleTcp service (docs/PROTOCOL.md), protocol v1 and v2, standard library only.

Blocking::

    from rletcp import RleTcpClient
    with RleTcpClient("127.0.0.1", 2015) as client:          # v2 when offered, else v1
        result = client.compress(open("page.png", "rb").read(), threshold=140, invert=True, width=384)
        print(result.width, result.height, len(result.data))

asyncio::

    from rletcp import AsyncRleTcpClient
    client = await AsyncRleTcpClient.connect("127.0.0.1", 2015)
    small, big = await asyncio.gather(client.compress(tiny), client.compress(huge))
"""

from .aio import AsyncRleTcpClient
from .client import CompressResult, RleTcpClient, UnsupportedByServer
from .wire import STATUS_NAMES, Answer, Op, ProtocolError, RleTcpError, ServerInfo

__all__ = [
    "AsyncRleTcpClient", "Answer", "CompressResult", "Op", "ProtocolError", "RleTcpClient", "RleTcpError",
    "STATUS_NAMES", "ServerInfo", "UnsupportedByServer",
]
__version__ = "0.2.0"
