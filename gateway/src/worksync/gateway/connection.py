"""One keep-alive HTTP/1.1 connection to an upstream, and the answer read from it.

An asyncio protocol around httptools' C parser (the one uvicorn uses): a request is one
`write` of bytes prepared by the pool, a small answer one `data_received`.
"""

from __future__ import annotations

import asyncio
import collections
import select
from collections.abc import Callable
from dataclasses import dataclass
from typing import cast
from urllib.parse import urlsplit

from httptools import HttpParserError, HttpParserUpgrade, HttpResponseParser

# Reading pauses when this much body is buffered and the client has not taken it yet.
HIGH_WATER_BYTES = 256 * 1024
RawHeaders = list[tuple[bytes, bytes]]


class UpstreamError(Exception):
    pass


class UpstreamUnavailable(UpstreamError):
    """No connection could be made (refused, unreachable, connect timeout)."""


class UpstreamNotSent(UpstreamUnavailable):
    """Nothing of the request left the gateway, so another replica may be asked:
    `connect_failed` (refused, unreachable, connect timeout) or every connection busy."""

    def __init__(self, message: str, *, connect_failed: bool) -> None:
        super().__init__(message)
        self.connect_failed = connect_failed


class UpstreamTimeout(UpstreamError):
    """Connected, but no answer (or no next body chunk) within the read timeout."""


class UpstreamBroken(UpstreamError):
    """The connection failed or the answer was not valid HTTP."""


@dataclass(frozen=True, slots=True)
class Origin:
    host: str
    port: int
    tls: bool
    host_header: bytes

    @classmethod
    def parse(cls, base_url: str) -> Origin:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {base_url!r}")
        if parts.path not in ("", "/") or parts.query:
            raise ValueError(f"an upstream URL has no path: {base_url!r}")
        tls = parts.scheme == "https"
        port = parts.port or (443 if tls else 80)
        return cls(parts.hostname, port, tls, parts.netloc.encode())


class UpstreamResponse:
    """Status and headers once known; the body is pulled with `read_chunk`."""

    __slots__ = (
        "_buffer",
        "_buffered",
        "_connection",
        "_error",
        "_waiter",
        "complete",
        "delimited_by_close",
        "has_length",
        "headers",
        "status",
    )

    def __init__(self, connection: UpstreamConnection) -> None:
        self._connection = connection
        self.status = 0
        self.headers: RawHeaders = []
        self.complete = False
        # Content-Length given / body ends when the connection does (neither length nor
        # chunked); set with the status.
        self.has_length = False
        self.delimited_by_close = False
        self._buffer: collections.deque[bytes] = collections.deque()
        self._buffered = 0
        self._error: UpstreamError | None = None
        self._waiter: asyncio.Future[None] | None = None

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def _feed(self, chunk: bytes) -> None:
        self._buffer.append(chunk)
        self._buffered += len(chunk)
        if self._buffered > HIGH_WATER_BYTES:
            self._connection.pause_reading()
        self._wake()

    def _fail(self, error: UpstreamError) -> None:
        if self._error is None and not self.complete:
            self._error = error
            self._wake()

    async def _wait(self, seconds: float) -> None:
        # A bare timer rather than asyncio.timeout, and the connection's loop rather than
        # asyncio.get_running_loop() (a getpid() system call): this runs for every exchange.
        loop = self._connection.loop
        waiter = self._waiter = loop.create_future()
        timer = loop.call_later(seconds, self._time_out, waiter)
        try:
            await waiter
        finally:
            timer.cancel()
            self._waiter = None

    def _time_out(self, waiter: asyncio.Future[None]) -> None:
        if not waiter.done():
            self._fail(UpstreamTimeout("no answer in time"))

    async def read_chunk(self) -> bytes:
        """The next piece of body; b"" once the body is complete."""
        while not self._buffer:
            if self._error is not None:
                raise self._error
            if self.complete:
                return b""
            await self._wait(self._connection.read_timeout)
        chunk = self._buffer.popleft()
        self._buffered -= len(chunk)
        if self._buffered <= HIGH_WATER_BYTES:
            self._connection.resume_reading()
        return chunk

    @property
    def drained(self) -> bool:
        """Everything has arrived and been read: the next read_chunk returns b""."""
        return self.complete and not self._buffer

    async def read_all(self, limit: int) -> bytes:
        parts: list[bytes] = []
        size = 0
        while chunk := await self.read_chunk():
            size += len(chunk)
            if size > limit:
                raise UpstreamBroken("the answer is too large")
            parts.append(chunk)
        return b"".join(parts)


class UpstreamConnection(asyncio.Protocol):
    """One keep-alive connection; carries one exchange at a time."""

    def __init__(
        self,
        origin: Origin,
        read_timeout: float,
        on_lost: Callable[[UpstreamConnection], None],
    ) -> None:
        self.origin = origin
        self.read_timeout = read_timeout
        self._on_lost = on_lost
        self.transport: asyncio.Transport | None = None
        self.loop = asyncio.get_running_loop()
        self.closed = False
        self.reused = False
        self.idle_since = 0.0
        self._parser = HttpResponseParser(self)
        self._response: UpstreamResponse | None = None
        self.received_any = False
        self._keep_alive = True
        self._head = False
        self._reading_paused = False

    # --- asyncio protocol ---------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports are not asyncio.Transport subclasses, only alike.
        self.transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        self.received_any = True
        if self._response is None:  # nothing asked: a confused upstream
            self.close()
            return
        try:
            self._parser.feed_data(data)
        except (HttpParserError, HttpParserUpgrade) as exc:
            self._response._fail(UpstreamBroken(f"invalid HTTP from upstream: {exc}"))
            self.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self._on_lost(self)
        response = self._response
        if response is not None and not response.complete:
            if response.status and exc is None and response.delimited_by_close:
                response.complete = True
                response._wake()
            else:
                response._fail(UpstreamBroken("the upstream closed the connection"))

    # --- httptools callbacks --------------------------------------------------------

    def on_header(self, name: bytes, value: bytes) -> None:
        assert self._response is not None
        self._response.headers.append((name.lower(), value))

    def on_headers_complete(self) -> None:
        response = self._response
        assert response is not None
        status = self._parser.get_status_code()
        if 100 <= status < 200:  # interim answers (103 Early Hints) are not forwarded
            response.headers = []
            return
        response.status = status
        chunked = False
        for name, value in response.headers:
            if name == b"content-length":
                response.has_length = True
            elif name == b"transfer-encoding":
                chunked = b"chunked" in value.lower()
        response.delimited_by_close = not response.has_length and not chunked
        self._keep_alive = self._parser.should_keep_alive()
        if self._head or status in (204, 304):
            response.complete = True
        response._wake()

    def on_body(self, body: bytes) -> None:
        assert self._response is not None
        if not self._response.complete:
            self._response._feed(body)

    def on_message_complete(self) -> None:
        response = self._response
        if response is not None and response.status and not response.complete:
            response.complete = True
            response._wake()

    # --- used by the pool -----------------------------------------------------------

    def pause_reading(self) -> None:
        if not self._reading_paused and self.transport is not None:
            self._reading_paused = True
            self.transport.pause_reading()

    def resume_reading(self) -> None:
        if self._reading_paused and self.transport is not None:
            self._reading_paused = False
            self.transport.resume_reading()

    def dropped(self) -> bool:
        """Whether the upstream has ended (or written to) this idle connection, looking at
        the socket itself: its close may have arrived while the event loop was busy and
        not yet been seen here. Writing a request into it would lose the request."""
        if self.closed or self.transport is None or self.transport.is_closing():
            return True
        sock = self.transport.get_extra_info("socket")
        if sock is None:
            return False
        poller = select.poll()
        try:
            poller.register(sock.fileno(), select.POLLIN)
            return bool(poller.poll(0))
        except (OSError, ValueError):
            return True

    def close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.close()

    async def exchange(self, head: bytes, body: bytes | None, is_head: bool) -> UpstreamResponse:
        assert self.transport is not None
        response = self._response = UpstreamResponse(self)
        self._parser = HttpResponseParser(self)
        self.received_any = False
        self._head = is_head
        self.transport.write(head + body if body else head)
        while response.status == 0:
            if response._error is not None:
                raise response._error
            await response._wait(self.read_timeout)
        return response

    def finished(self, response: UpstreamResponse) -> bool:
        """Whether the connection may carry another exchange after `response`."""
        return response.drained and self._keep_alive and not self.closed
