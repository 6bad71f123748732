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
import logging
import ssl
import time
from collections.abc import Sequence

from worksync.gateway.connection import (
    Origin,
    RawHeaders,
    UpstreamBroken,
    UpstreamConnection,
    UpstreamError,
    UpstreamNotSent,
    UpstreamResponse,
    UpstreamTimeout,
    UpstreamUnavailable,
)

logger = logging.getLogger(__name__)

IDEMPOTENT_METHODS = frozenset({b"GET", b"HEAD", b"OPTIONS", b"PUT", b"DELETE"})

__all__ = [
    "Origin",
    "RawHeaders",
    "UpstreamError",
    "UpstreamGroup",
    "UpstreamNotSent",
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
                raise UpstreamNotSent(
                    "every upstream connection is busy", connect_failed=False
                ) from exc
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
                try:
                    connection = await self._connect(origin)
                except UpstreamNotSent as exc:
                    # The request may have reached the upstream: no other replica gets it.
                    raise UpstreamUnavailable(str(exc)) from exc
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
            message = f"cannot connect to {origin.host}:{origin.port}"
            raise UpstreamNotSent(message, connect_failed=True) from exc
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


class UpstreamGroup:
    """The replicas of one service, asked round robin. A request goes to the next replica
    only when nothing of it was sent (`UpstreamNotSent`: the connection failed or every
    connection stayed busy), never once it may have reached one. A replica whose
    connection failed is tried last for `down_seconds` (passive health): still tried, so a
    service whose every replica failed is asked again at once when it is back."""

    __slots__ = ("_down_seconds", "_down_until", "_next", "name", "origins")

    def __init__(self, name: str, origins: Sequence[Origin], *, down_seconds: float) -> None:
        if not origins:
            raise ValueError(f"upstream {name} has no address")
        self.name = name
        self.origins = tuple(origins)
        self._down_seconds = down_seconds
        self._down_until = [0.0] * len(self.origins)
        self._next = 0

    @classmethod
    def parse(cls, name: str, urls: Sequence[str], *, down_seconds: float) -> UpstreamGroup:
        return cls(name, [Origin.parse(url) for url in urls], down_seconds=down_seconds)

    def _order(self) -> list[int]:
        """Indexes of the replicas to try: round robin, replicas marked down last."""
        count = len(self.origins)
        start = self._next
        self._next = (start + 1) % count
        now = time.monotonic()
        rotated = [(start + offset) % count for offset in range(count)]
        return [i for i in rotated if self._down_until[i] <= now] + [
            i for i in rotated if self._down_until[i] > now
        ]

    async def request(
        self,
        pool: UpstreamPool,
        method: bytes,
        target: bytes,
        headers: RawHeaders,
        body: bytes | None = None,
    ) -> UpstreamResponse:
        """`pool.request` on one replica; the caller must `pool.release` the response."""
        if len(self.origins) == 1:
            return await pool.request(self.origins[0], method, target, headers, body)
        failures: list[UpstreamNotSent] = []
        for index in self._order():
            try:
                return await pool.request(self.origins[index], method, target, headers, body)
            except UpstreamNotSent as exc:
                failures.append(exc)
                if exc.connect_failed:
                    origin = self.origins[index]
                    logger.warning(
                        "%s replica %s:%s is down for %.0f s: %s",
                        self.name,
                        origin.host,
                        origin.port,
                        self._down_seconds,
                        exc,
                    )
                    self._down_until[index] = time.monotonic() + self._down_seconds
        raise failures[-1]


async def fetch(
    pool: UpstreamPool,
    origin: Origin | UpstreamGroup,
    method: bytes,
    target: bytes,
    *,
    headers: RawHeaders | None = None,
    body: bytes | None = None,
    seconds: float,
    limit: int = 16 * 1024 * 1024,
) -> tuple[int, bytes]:
    """A whole small exchange for the gateway's own calls: (status, body) within `seconds`;
    to one address, or to any replica of a group."""
    async with asyncio.timeout(seconds):
        if isinstance(origin, UpstreamGroup):
            response = await origin.request(pool, method, target, headers or [], body)
        else:
            response = await pool.request(origin, method, target, headers or [], body)
        try:
            return response.status, await response.read_all(limit)
        finally:
            pool.release(response)
