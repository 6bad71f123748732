"""A TCP hop in front of a real server that a test can cut or take down like a failing network.

Point a client at `link.url` instead of the server's URL; `cut()` drops the connections
open now (a network blip, a failover), `down()` also refuses new ones until `up()` (an
outage), all without touching the server that other tests share.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import urlsplit


class TcpLink:
    def __init__(self, server_url: str, default_port: int) -> None:
        self._server_url = urlsplit(server_url)
        self._target = (
            self._server_url.hostname or "localhost",
            self._server_url.port or default_port,
        )
        self._writers: set[asyncio.StreamWriter] = set()
        self._server: asyncio.Server | None = None
        self._down = False
        self.url = ""

    async def open(self) -> None:
        self._server = await asyncio.start_server(self._forward, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        userinfo, _, _ = self._server_url.netloc.rpartition("@")
        netloc = f"{userinfo}@127.0.0.1:{port}" if userinfo else f"127.0.0.1:{port}"
        self.url = self._server_url._replace(netloc=netloc).geturl()

    def cut(self) -> None:
        """Abort every open connection; new connections still get through."""
        for writer in list(self._writers):
            writer.transport.abort()

    def down(self) -> None:
        """Abort every open connection and every new one until `up()`."""
        self._down = True
        self.cut()

    def up(self) -> None:
        self._down = False

    async def close(self) -> None:
        self.down()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def _forward(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self._down:
            writer.transport.abort()
            return
        try:
            server_reader, server_writer = await asyncio.open_connection(*self._target)
        except OSError:
            writer.transport.abort()
            return
        self._writers |= {writer, server_writer}
        try:
            await asyncio.gather(
                self._pipe(reader, server_writer), self._pipe(server_reader, writer)
            )
        finally:
            self._writers -= {writer, server_writer}

    @staticmethod
    async def _pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError):
            while data := await source.read(65536):
                sink.write(data)
                await sink.drain()
        sink.close()


@asynccontextmanager
async def tcp_link(server_url: str, default_port: int) -> AsyncIterator[TcpLink]:
    """An open `TcpLink` to `server_url`, closed on exit."""
    link = TcpLink(server_url, default_port)
    await link.open()
    try:
        yield link
    finally:
        await link.close()
