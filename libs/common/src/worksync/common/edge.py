"""uvicorn's httptools protocol with the limits an edge server needs.

uvicorn with httptools accepts a request line and headers of any size, waits for them for
ever, and starts no timer on a fresh connection that never sends anything; its
`limit_concurrency` answers plain text. This protocol adds, per connection:

- the request target (path and query) at most `max_target_bytes` → 414, the whole head
  (request line and headers) at most `max_head_bytes` → 431;
- the head complete within `head_timeout_seconds` of the connection opening or of the
  request's first byte (slow headers, silent connections) → closed, with a 408 if a head
  had begun;
- at most uvicorn's `limit_concurrency` connections (and running requests): past it a
  503 problem+json with `Retry-After`.

Idle keep-alive connections are closed by uvicorn's own `timeout_keep_alive`. Refusals are
problem+json written straight to the connection, which then closes (a refused pipelined
request instead ends the connection after the answer in flight). The module needs only
uvicorn and the kit's problem documents, so services can be served with it too.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.server import ServerState

from worksync.common.errors import PROBLEM_JSON, problem_for_status

OVERLOAD_RETRY_AFTER_SECONDS = 1
_REFUSALS: dict[int, tuple[str, str]] = {
    408: ("The request head did not arrive in time", "request_timeout"),
    414: ("The request target is too long", "uri_too_long"),
    431: ("The request headers are too large", "request_header_fields_too_large"),
    503: ("The server is busy; try again shortly", "overloaded"),
}


def _raw_answer(status: int) -> bytes:
    """A refusal written straight to the transport, before the connection is closed."""
    detail, code = _REFUSALS[status]
    problem = problem_for_status(status, detail, code)
    body = json.dumps(problem.model_dump(exclude_none=True)).encode()
    lines = [
        f"HTTP/1.1 {status} {problem.title}\r\n".encode(),
        b"content-type: " + PROBLEM_JSON.encode() + b"\r\n",
        b"content-length: %d\r\n" % len(body),
        b"connection: close\r\n",
    ]
    if status == 503:
        lines.append(b"retry-after: %d\r\n" % OVERLOAD_RETRY_AFTER_SECONDS)
    return b"".join([*lines, b"\r\n", body])


RAW_ANSWERS = {status: _raw_answer(status) for status in _REFUSALS}


class EdgeHttpProtocol(HttpToolsProtocol):
    """Pass as uvicorn's `http` ("worksync.common.edge:EdgeHttpProtocol")."""

    max_target_bytes = 8 * 1024
    max_head_bytes = 16 * 1024
    head_timeout_seconds = 10.0
    # After a refusal, what the client still sends is read and dropped this long before the
    # connection closes: closing with unread input makes the kernel answer with a reset,
    # which can destroy the refusal before the client has read it.
    linger_seconds = 1.0
    # …but no more than this: a client that keeps sending is cut off at once.
    linger_max_bytes = 64 * 1024

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        # The cap is checked here, in `_overloaded`; uvicorn's own check (plain text, and
        # counting one connection fewer) is switched off.
        self._max_connections = self.limit_concurrency
        self.limit_concurrency = None
        # Bytes received while a head is incomplete (it may run a little over: the rest of
        # the piece that completes it is counted too, and checked by the callbacks).
        self._in_head = True
        self._head_bytes = 0
        self._target_bytes = 0
        self._fields_bytes = 0
        self._head_timer: asyncio.TimerHandle | None = None
        # Once refused, the rest of what the parser has is ignored.
        self._refused = False
        self._lingering = False
        self._lingered_bytes = 0

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if self._overloaded():
            self._refuse(503)
            return
        self._head_timer = self.loop.call_later(self.head_timeout_seconds, self._head_too_slow)

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_head_timer()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._lingering:
            self._lingered_bytes += len(data)
            if self._lingered_bytes > self.linger_max_bytes:
                self._close_after_linger()
            return
        if self._in_head:
            self._head_bytes += len(data)
        super().data_received(data)
        if self._in_head and self._head_bytes > self.max_head_bytes:
            self._refuse(414 if self._target_bytes > self.max_target_bytes else 431)

    def on_message_begin(self) -> None:
        if self._refused:
            return
        super().on_message_begin()
        self._target_bytes = self._fields_bytes = 0
        if self._head_timer is None:
            self._head_timer = self.loop.call_later(self.head_timeout_seconds, self._head_too_slow)

    def on_url(self, url: bytes) -> None:
        self._target_bytes += len(url)
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._fields_bytes += len(name) + len(value) + 4
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self._cancel_head_timer()
        self._in_head = False
        self._head_bytes = 0
        if self._refused:
            return
        if self._target_bytes > self.max_target_bytes:
            self._refuse(414)
        elif self._target_bytes + self._fields_bytes > self.max_head_bytes:
            self._refuse(431)
        elif self._overloaded():
            self._refuse(503)
        else:
            super().on_headers_complete()

    def on_body(self, body: bytes) -> None:
        if not self._refused:
            super().on_body(body)

    def on_message_complete(self) -> None:
        if not self._refused:
            super().on_message_complete()
        self._in_head = True

    def _overloaded(self) -> bool:
        limit = self._max_connections
        return limit is not None and (len(self.connections) > limit or len(self.tasks) >= limit)

    def _head_too_slow(self) -> None:
        self._head_timer = None
        if self._head_bytes:
            self._refuse(408)
        elif not self.transport.is_closing():
            self.transport.close()

    def _cancel_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _refuse(self, status: int) -> None:
        self._refused = True
        self._cancel_head_timer()
        if self.transport.is_closing():
            return
        cycle = self.cycle
        if cycle is not None and not cycle.response_complete:
            # Refusing a pipelined request: finish the answer in flight, then close.
            cycle.keep_alive = False
            self.flow.pause_reading()
            return
        self.transport.write(RAW_ANSWERS[status])
        self._linger()

    def _linger(self) -> None:
        """Send the answer and end our side, drop what still arrives, close a moment later."""
        self._lingering = True
        if self.transport.can_write_eof():
            self.transport.write_eof()
        self.loop.call_later(self.linger_seconds, self._close_after_linger)

    def _close_after_linger(self) -> None:
        if not self.transport.is_closing():
            self.transport.close()
