"""Forwarding one request upstream and streaming the answer back, on the shared session."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass

from starlette.types import Message, Receive, Send

from worksync.gateway.responses import GATEWAY_OWNED_RESPONSE_HEADERS, Headers, send_problem
from worksync.gateway.upstream import (
    RawHeaders,
    UpstreamError,
    UpstreamGroup,
    UpstreamPool,
    UpstreamResponse,
    UpstreamTimeout,
    UpstreamUnavailable,
)

logger = logging.getLogger(__name__)

# Hop-by-hop headers (RFC 9110 §7.6.1) and the ones the gateway rewrites itself.
DROPPED_REQUEST_HEADERS = frozenset(
    {
        b"connection",
        b"keep-alive",
        b"proxy-connection",
        b"proxy-authorization",
        b"te",
        b"trailer",
        b"transfer-encoding",
        b"upgrade",
        b"expect",
        b"host",
        b"content-length",
        b"authorization",
        b"forwarded",
        b"x-forwarded-for",
        b"x-forwarded-host",
        b"x-forwarded-proto",
        b"x-real-ip",
        b"x-request-id",
        # Only the gateway itself may speak to /internal endpoints with this.
        b"x-internal-secret",
    }
)
CONNECTION_CLOSE = (b"connection", b"close")
DROPPED_RESPONSE_HEADERS = GATEWAY_OWNED_RESPONSE_HEADERS | {
    b"connection",
    b"keep-alive",
    b"proxy-connection",
    b"proxy-authenticate",
    b"te",
    b"trailer",
    b"transfer-encoding",
    b"upgrade",
    # The gateway's server writes its own.
    b"date",
    b"server",
}


class BodyTooLarge(Exception):
    pass


class BodyTimeout(Exception):
    """The client stalled: a body piece or the whole body did not arrive in time."""


class ClientGone(Exception):
    pass


@dataclass(frozen=True, slots=True)
class BodyLimits:
    """How much body a client may send, and how long it may take: a body is read whole
    within these before an upstream connection is taken, so a stalled upload holds only
    its own client connection, never an upstream slot."""

    max_bytes: int
    idle_seconds: float
    total_seconds: float


async def read_body(receive: Receive, limits: BodyLimits) -> bytes:
    """The whole request body (Content-Length or chunked), counted against the size limit
    (a client may send more than it announced) and read within the time limits."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limits.total_seconds
    parts: list[bytes] = []
    size = 0
    while True:
        wait = min(limits.idle_seconds, deadline - loop.time())
        try:
            async with asyncio.timeout(wait):
                message = await receive()
        except TimeoutError as exc:
            raise BodyTimeout() from exc
        if message["type"] == "http.disconnect":
            raise ClientGone()
        chunk: bytes = message.get("body", b"")
        size += len(chunk)
        if size > limits.max_bytes:
            raise BodyTooLarge()
        if not message.get("more_body", False):
            if not parts:
                return chunk
            parts.append(chunk)
            return b"".join(parts)
        parts.append(chunk)


class Forwarder:
    def __init__(self, pool: UpstreamPool) -> None:
        self._pool = pool

    async def forward(
        self,
        *,
        upstream: UpstreamGroup,
        method: bytes,
        target: bytes,
        headers: RawHeaders,
        body: bytes | None,
        receive: Receive,
        send: Send,
        response_headers: Headers,
    ) -> int:
        """Proxy one exchange (the body already read); returns the status sent (0 if none
        could be)."""
        try:
            answer = await upstream.request(self._pool, method, target, headers, body)
        except UpstreamError as exc:
            return await self._send_failure(exc, method, target, send, response_headers)
        try:
            out = list(response_headers)
            for name, value in answer.headers:
                if name not in DROPPED_RESPONSE_HEADERS:
                    out.append((name, value))
            status = answer.status
            await send({"type": "http.response.start", "status": status, "headers": out})
            # A body of unknown length may run long: stop pulling it once the client is
            # gone (the request body is already read, so `receive` is free to watch).
            if not answer.has_length and not answer.drained:
                await self._stream_until_disconnect(answer, receive, send)
            else:
                await self._stream(answer, send)
            return status
        except UpstreamError as exc:
            # Too late for an error response: the connection closes on the short body.
            logger.warning("upstream broke off its answer to %s %s: %r", method, target, exc)
            return 0
        finally:
            self._pool.release(answer)

    async def _send_failure(
        self,
        exc: UpstreamError,
        method: bytes,
        target: bytes,
        send: Send,
        response_headers: Headers,
    ) -> int:
        if isinstance(exc, UpstreamUnavailable):
            status, detail, code = 503, "The service is unavailable", "upstream_unavailable"
        elif isinstance(exc, UpstreamTimeout):
            status, detail, code = 504, "The service did not answer in time", "upstream_timeout"
        else:
            status, detail, code = 502, "The service answered badly", "bad_gateway"
        logger.warning("upstream %s on %s %s: %r", code, method, target, exc)
        await send_problem(send, response_headers, status, detail, code)
        return status

    @staticmethod
    async def too_large(send: Send, response_headers: Headers) -> int:
        # The rest of the body is not read: the connection closes after the answer.
        headers = [*response_headers, CONNECTION_CLOSE]
        await send_problem(send, headers, 413, "The request body is too large", "payload_too_large")
        return 413

    @staticmethod
    async def too_slow(send: Send, response_headers: Headers) -> int:
        headers = [*response_headers, CONNECTION_CLOSE]
        await send_problem(
            send, headers, 408, "The request body did not arrive in time", "request_timeout"
        )
        return 408

    @staticmethod
    async def _stream(upstream: UpstreamResponse, send: Send) -> None:
        # The last chunk carries more_body=False, saving one ASGI message (and a write)
        # for the common small answer that arrived in one piece.
        chunk = await upstream.read_chunk()
        while chunk and not upstream.drained:
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
            chunk = await upstream.read_chunk()
        await send({"type": "http.response.body", "body": chunk, "more_body": False})

    async def _stream_until_disconnect(
        self, upstream: UpstreamResponse, receive: Receive, send: Send
    ) -> None:
        streaming = asyncio.ensure_future(self._stream(upstream, send))
        watcher = asyncio.ensure_future(_wait_for_disconnect(receive))
        try:
            await asyncio.wait({streaming, watcher}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            watcher.cancel()
            if not streaming.done():
                streaming.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher
            with contextlib.suppress(asyncio.CancelledError):
                await streaming


async def _wait_for_disconnect(receive: Receive) -> None:
    while True:
        message: Message = await receive()
        if message["type"] == "http.disconnect":
            return
