"""The gateway's one HTTP/1.1 client: pooled keep-alive connections to the upstreams.

Why not aiohttp or httpx: measured on the 2-core benchmark machine, aiohttp's
`ClientSession.request` alone costs ~165 µs of CPU per request (httpx more), which is most
of the gateway's budget. This client is an asyncio protocol around httptools' C parser
(the one uvicorn uses): headers stay the bytes the server handed us, a request is one
`write`, a small response is one `data_received`. It does only what a reverse proxy
needs: no redirects, cookies, decompression or proxies.
"""

from __future__ import annotations

import asyncio
import ssl
import time

from worksync.gateway.connection import (
    Origin,
    RawHeaders,
    UpstreamBroken,
    UpstreamConnection,
    UpstreamError,
    UpstreamResponse,
    UpstreamTimeout,
    UpstreamUnavailable,
)

IDEMPOTENT_METHODS = frozenset({b"GET", b"HEAD", b"OPTIONS", b"PUT", b"DELETE"})

__all__ = [
    "Origin",
    "RawHeaders",
    "UpstreamError",
    "UpstreamPool",
    "UpstreamResponse",
    "UpstreamTimeout",
    "UpstreamUnavailable",
    "fetch",
]


class UpstreamPool:
    """Keep-alive connections per origin, most recently used first; idle connections
    older than `keepalive_seconds` are not reused (the upstream may be closing them), nor
    ones the upstream has closed or written to meanwhile (checked on the socket just before
    the request is written, so a request never goes into a connection already ended)."""

    def __init__(
        self,
        *,
        max_connections_per_origin: int,
        connect_timeout: float,
        read_timeout: float,
        keepalive_seconds: float,
    ) -> None:
        self.read_timeout = read_timeout
        self._connect_timeout = connect_timeout
        self._keepalive = keepalive_seconds
        self._max_connections = max_connections_per_origin
        self._idle: dict[Origin, list[UpstreamConnection]] = {}
        self._slots: dict[Origin, asyncio.Semaphore] = {}
        self._ssl: ssl.SSLContext | None = None

    async def request(
        self,
        origin: Origin,
        method: bytes,
        target: bytes,
        headers: RawHeaders,
        body: bytes | None = None,
    ) -> UpstreamResponse:
        """Send one request; the caller must `release` the response when done with it."""
        lines = [method, b" ", target, b" HTTP/1.1\r\nhost: ", origin.host_header, b"\r\n"]
        for name, value in headers:
            lines += (name, b": ", value, b"\r\n")
        if body is not None:
            lines += (b"content-length: ", str(len(body)).encode(), b"\r\n")
        lines.append(b"\r\n")
        head = b"".join(lines)
        slots = self._slots.get(origin)
        if slots is None:
            slots = self._slots[origin] = asyncio.Semaphore(self._max_connections)
        if slots.locked():
            # Every connection is busy: wait as long as a connect may take, then give up.
            try:
                async with asyncio.timeout(self._connect_timeout):
                    await slots.acquire()
            except TimeoutError as exc:
                raise UpstreamUnavailable("every upstream connection is busy") from exc
        else:
            await slots.acquire()
        connection: UpstreamConnection | None = None
        try:
            connection = self._idle_connection(origin) or await self._connect(origin)
            try:
                return await connection.exchange(head, body, method == b"HEAD")
            except UpstreamBroken:
                # A reused connection the upstream closed meanwhile: retry once on a fresh
                # one when that cannot repeat a side effect.
                replayable = method in IDEMPOTENT_METHODS
                if not (connection.reused and not connection.received_any and replayable):
                    raise
                connection.close()
                connection = await self._connect(origin)
                return await connection.exchange(head, body, method == b"HEAD")
        except BaseException:
            # Timed out, failed or cancelled mid-exchange: the connection's state is unknown.
            if connection is not None:
                connection.close()
            slots.release()
            raise

    def release(self, response: UpstreamResponse) -> None:
        connection = response._connection
        connection._response = None
        self._slots[connection.origin].release()
        if connection.finished(response):
            connection.reused = True
            connection.idle_since = time.monotonic()
            self._idle.setdefault(connection.origin, []).append(connection)
        else:
            connection.close()

    def _idle_connection(self, origin: Origin) -> UpstreamConnection | None:
        idle = self._idle.get(origin)
        now = time.monotonic()
        while idle:
            connection = idle.pop()
            if now - connection.idle_since < self._keepalive and not connection.dropped():
                return connection
            connection.close()
        return None

    async def _connect(self, origin: Origin) -> UpstreamConnection:
        loop = asyncio.get_running_loop()
        if origin.tls and self._ssl is None:
            self._ssl = ssl.create_default_context()
        try:
            _, connection = await asyncio.wait_for(
                loop.create_connection(
                    lambda: UpstreamConnection(origin, self.read_timeout, self._forget),
                    origin.host,
                    origin.port,
                    ssl=self._ssl if origin.tls else None,
                ),
                self._connect_timeout,
            )
        except (OSError, TimeoutError) as exc:
            raise UpstreamUnavailable(f"cannot connect to {origin.host}:{origin.port}") from exc
        return connection

    def _forget(self, connection: UpstreamConnection) -> None:
        idle = self._idle.get(connection.origin)
        if idle and connection in idle:
            idle.remove(connection)

    def close(self) -> None:
        for idle in self._idle.values():
            for connection in idle:
                connection.close()
        self._idle.clear()


async def fetch(
    pool: UpstreamPool,
    origin: Origin,
    method: bytes,
    target: bytes,
    *,
    headers: RawHeaders | None = None,
    body: bytes | None = None,
    seconds: float,
    limit: int = 16 * 1024 * 1024,
) -> tuple[int, bytes]:
    """A whole small exchange for the gateway's own calls: (status, body) within `seconds`."""
    async with asyncio.timeout(seconds):
        response = await pool.request(origin, method, target, headers or [], body)
        try:
            return response.status, await response.read_all(limit)
        finally:
            pool.release(response)
