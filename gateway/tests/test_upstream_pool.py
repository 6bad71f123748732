"""The upstream client against a raw TCP server that misbehaves on purpose."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from worksync.gateway.upstream import (
    Origin,
    UpstreamError,
    UpstreamPool,
    UpstreamTimeout,
    UpstreamUnavailable,
    fetch,
)

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter, int], Awaitable[None]]
OK = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok"


async def _read_request(reader: asyncio.StreamReader) -> bytes:
    return await reader.readuntil(b"\r\n\r\n")


class RawServer:
    """Runs `handler(reader, writer, connection_number)` for each connection."""

    def __init__(self, handler: Handler) -> None:
        self._handler = handler
        self.connections = 0
        self._server: asyncio.Server | None = None
        self._writers: list[asyncio.StreamWriter] = []
        self._done: list[asyncio.Event] = []

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self._writers.append(writer)
        done = asyncio.Event()
        self._done.append(done)
        try:
            await self._handler(reader, writer, self.connections)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()
            done.set()

    async def __aenter__(self) -> Origin:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        return Origin.parse(f"http://127.0.0.1:{port}")

    async def __aexit__(self, *_: object) -> None:
        assert self._server is not None
        self._server.close()
        for writer in self._writers:
            writer.close()  # handlers waiting on their reader see the end and return
        for done in self._done:
            await done.wait()
        await self._server.wait_closed()


@pytest.fixture
async def pool() -> AsyncIterator[UpstreamPool]:
    upstream_pool = UpstreamPool(
        max_connections_per_origin=4,
        connect_timeout=0.5,
        read_timeout=0.5,
        keepalive_seconds=30.0,
    )
    yield upstream_pool
    upstream_pool.close()


async def test_keep_alive_reuses_one_connection(pool: UpstreamPool) -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, _: int) -> None:
        while True:
            await _read_request(reader)
            writer.write(OK)

    server = RawServer(handler)
    async with server as origin:
        for _ in range(5):
            assert await fetch(pool, origin, b"GET", b"/", seconds=5) == (200, b"ok")
    assert server.connections == 1


async def test_a_stale_connection_is_retried_for_idempotent_requests(pool: UpstreamPool) -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, _: int) -> None:
        await _read_request(reader)
        writer.write(OK)
        await writer.drain()
        await _read_request(reader)  # the next request on this connection goes unanswered

    server = RawServer(handler)
    async with server as origin:
        assert await fetch(pool, origin, b"GET", b"/", seconds=5) == (200, b"ok")
        assert await fetch(pool, origin, b"GET", b"/", seconds=5) == (200, b"ok")
        assert server.connections == 2
        # A POST is not repeated: it might have had its effect.
        with pytest.raises(UpstreamError):
            await fetch(pool, origin, b"POST", b"/", body=b"{}", seconds=5)


async def test_body_delimited_by_the_end_of_the_connection(pool: UpstreamPool) -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, _: int) -> None:
        await _read_request(reader)
        writer.write(b"HTTP/1.0 200 OK\r\ncontent-type: text/plain\r\n\r\nuntil the end")

    async with RawServer(handler) as origin:
        assert await fetch(pool, origin, b"GET", b"/", seconds=5) == (200, b"until the end")


async def test_truncated_chunked_body_is_an_error(pool: UpstreamPool) -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, _: int) -> None:
        await _read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n")

    async with RawServer(handler) as origin:
        with pytest.raises(UpstreamError):
            await fetch(pool, origin, b"GET", b"/", seconds=5)


async def test_interim_answers_are_skipped(pool: UpstreamPool) -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, _: int) -> None:
        await _read_request(reader)
        writer.write(b"HTTP/1.1 103 Early Hints\r\nlink: </a.css>\r\n\r\n" + OK)
        await _read_request(reader)

    async with RawServer(handler) as origin:
        response = await pool.request(origin, b"GET", b"/", [])
        try:
            assert response.status == 200
            assert response.headers == [(b"content-length", b"2")]
            assert await response.read_all(100) == b"ok"
        finally:
            pool.release(response)


async def test_head_answer_has_no_body_and_keeps_the_connection(pool: UpstreamPool) -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, _: int) -> None:
        await _read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 1234\r\n\r\n")
        await _read_request(reader)
        writer.write(OK)
        await _read_request(reader)

    server = RawServer(handler)
    async with server as origin:
        assert await fetch(pool, origin, b"HEAD", b"/", seconds=5) == (200, b"")
        assert await fetch(pool, origin, b"GET", b"/", seconds=5) == (200, b"ok")
    assert server.connections == 1


async def test_no_answer_is_a_timeout(pool: UpstreamPool) -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, _: int) -> None:
        await _read_request(reader)
        await reader.read()  # says nothing until the client gives up

    async with RawServer(handler) as origin:
        with pytest.raises(UpstreamTimeout):
            await pool.request(origin, b"GET", b"/", [])


async def test_refused_connection_is_unavailable(pool: UpstreamPool) -> None:
    server = await asyncio.start_server(lambda _r, _w: None, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    server.close()
    await server.wait_closed()
    with pytest.raises(UpstreamUnavailable):
        await pool.request(Origin.parse(f"http://127.0.0.1:{port}"), b"GET", b"/", [])


async def test_busy_pool_gives_up_after_the_connect_timeout() -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, _: int) -> None:
        await _read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n1\r\na\r\n")
        await reader.read()

    pool = UpstreamPool(
        max_connections_per_origin=1, connect_timeout=0.2, read_timeout=5, keepalive_seconds=30
    )
    async with RawServer(handler) as origin:
        held = await pool.request(origin, b"GET", b"/", [])
        try:
            with pytest.raises(UpstreamUnavailable):
                await pool.request(origin, b"GET", b"/", [])
        finally:
            pool.release(held)
            pool.close()


async def test_large_body_arrives_whole(pool: UpstreamPool) -> None:
    payload = bytes(range(256)) * 8192  # 2 MiB, past the read pause threshold

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, _: int) -> None:
        await _read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: %d\r\n\r\n" % len(payload))
        writer.write(payload)
        await writer.drain()
        await reader.read()

    async with RawServer(handler) as origin:
        response = await pool.request(origin, b"GET", b"/", [])
        try:
            await asyncio.sleep(0.05)  # let the buffer fill past the threshold
            assert await response.read_all(len(payload)) == payload
        finally:
            pool.release(response)


async def test_request_is_sent_as_given(pool: UpstreamPool) -> None:
    received: list[bytes] = []

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, _: int) -> None:
        head = await _read_request(reader)
        received.append(head + await reader.readexactly(5))
        writer.write(OK)
        await reader.read()

    async with RawServer(handler) as origin:
        await fetch(
            pool,
            origin,
            b"PUT",
            b"/a%20b?x=1",
            headers=[(b"x-one", b"1")],
            body=b"hello",
            seconds=5,
        )
    host = origin.host_header
    assert received == [
        b"PUT /a%20b?x=1 HTTP/1.1\r\nhost: " + host + b"\r\nx-one: 1\r\n"
        b"content-length: 5\r\n\r\nhello"
    ]


def _read_request_blocking(conn: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        data += conn.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            while len(body) < int(line.split(b":")[1]):
                body += conn.recv(65536)
    return head + b"\r\n\r\n" + body


async def test_a_connection_the_upstream_closed_while_idle_is_not_used(
    pool: UpstreamPool,
) -> None:
    """The upstream ends an idle keep-alive connection and its close reaches this host
    while the event loop is busy: a POST taken out right then must go on a live connection
    (not be written into the closed one and lost)."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    close_idle = threading.Event()
    idle_closed = threading.Event()
    received: list[bytes] = []

    def upstream() -> None:
        first, _ = listener.accept()
        with first:
            _read_request_blocking(first)
            first.sendall(OK)
            close_idle.wait(10)
        idle_closed.set()
        second, _ = listener.accept()
        with second:
            received.append(_read_request_blocking(second))
            second.sendall(OK)

    thread = threading.Thread(target=upstream, daemon=True)
    thread.start()
    try:
        origin = Origin.parse(f"http://127.0.0.1:{port}")
        assert await fetch(pool, origin, b"GET", b"/", seconds=5) == (200, b"ok")
        # Blocking calls: the loop does not run until the POST below has been written.
        close_idle.set()
        assert idle_closed.wait(10)
        time.sleep(0.05)
        answer = await fetch(pool, origin, b"POST", b"/orders", body=b"{}", seconds=5)
        assert answer == (200, b"ok")
        assert len(received) == 1
        assert received[0].startswith(b"POST /orders ")
    finally:
        close_idle.set()
        listener.close()
        thread.join(10)
