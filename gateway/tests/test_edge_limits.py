"""Limits at the edge, through raw sockets: head size, slow and idle connections, and the
connection cap."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator

import pytest

from worksync.common.edge import EdgeHttpProtocol
from worksync.common.testing.tokens import TokenMinter
from worksync.gateway.main import SERVER_OPTIONS

from .fakes import FakeUpstream
from .serving import gateway_settings, serve_gateway

# Every wait for the gateway to act is bounded by this, so a missing limit fails, not hangs.
WAIT_SECONDS = 10.0
PIECE = 64 * 1024


class QuickEdge(EdgeHttpProtocol):
    """The production protocol with a head deadline short enough for a test."""

    head_timeout_seconds = 0.5


@pytest.fixture
async def port(identity: FakeUpstream, minter: TokenMinter) -> AsyncIterator[int]:
    settings = gateway_settings(identity, minter, max_connections=8)
    async with serve_gateway(settings, http=QuickEdge, timeout_keep_alive=1) as client:
        assert client.base_url.port is not None
        yield client.base_url.port


@contextlib.asynccontextmanager
async def connection(port: int) -> AsyncIterator[tuple[asyncio.StreamReader, asyncio.StreamWriter]]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        yield reader, writer
    finally:
        writer.close()


async def read_answer(reader: asyncio.StreamReader) -> tuple[int, dict[str, str], bytes]:
    """One answer read until the gateway closes the connection: status, headers, body."""
    raw = await asyncio.wait_for(reader.read(), WAIT_SECONDS)
    head, _, body = raw.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.lower().split(": ", 1) for line in lines)
    return int(status_line.split(" ")[1]), headers, body


async def closed_by_gateway(reader: asyncio.StreamReader) -> bool:
    with contextlib.suppress(ConnectionError):
        return await asyncio.wait_for(reader.read(), WAIT_SECONDS) == b""
    return True


async def test_the_gateway_is_served_with_the_edge_protocol() -> None:
    assert SERVER_OPTIONS["http"] == "worksync.common.edge:EdgeHttpProtocol"
    assert SERVER_OPTIONS["timeout_keep_alive"] > 0


async def test_huge_header_is_431(port: int) -> None:
    async with connection(port) as (reader, writer):
        writer.write(b"GET /livez HTTP/1.1\r\nhost: x\r\nx-big: " + b"a" * PIECE + b"\r\n\r\n")
        status, headers, body = await read_answer(reader)
    assert status == 431
    assert headers["content-type"] == "application/problem+json"
    assert headers["connection"] == "close"
    assert json.loads(body)["code"] == "request_header_fields_too_large"


async def test_many_headers_adding_up_are_431(port: int) -> None:
    fields = b"".join(b"x-h%d: %s\r\n" % (n, b"v" * 100) for n in range(200))
    async with connection(port) as (reader, writer):
        writer.write(b"GET /livez HTTP/1.1\r\nhost: x\r\n" + fields + b"\r\n")
        status, _, _ = await read_answer(reader)
    assert status == 431


async def test_huge_request_target_is_414(port: int) -> None:
    async with connection(port) as (reader, writer):
        writer.write(b"GET /api/v1/auth/me?q=" + b"a" * PIECE + b" HTTP/1.1\r\nhost: x\r\n\r\n")
        status, _, body = await read_answer(reader)
    assert status == 414
    assert json.loads(body)["code"] == "uri_too_long"


async def test_an_endless_header_is_cut_off(port: int) -> None:
    """32 MiB of one header value: the gateway stops listening long before the end."""
    async with connection(port) as (reader, writer):
        writer.write(b"GET /livez HTTP/1.1\r\nhost: x\r\nx-big: ")
        sent = 0
        with contextlib.suppress(ConnectionError):
            while sent < 32 * 1024 * 1024:
                writer.write(b"a" * PIECE)
                await asyncio.wait_for(writer.drain(), WAIT_SECONDS)
                sent += PIECE
        assert await closed_by_gateway(reader)
    assert sent < 32 * 1024 * 1024


async def test_slow_headers_are_timed_out(port: int) -> None:
    async def trickle(writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError):
            for n in range(1000):
                writer.write(b"x-h%d: 1\r\n" % n)
                await writer.drain()
                await asyncio.sleep(0.05)

    async with connection(port) as (reader, writer):
        writer.write(b"GET /livez HTTP/1.1\r\nhost: x\r\n")
        trickling = asyncio.create_task(trickle(writer))
        status, _, body = await read_answer(reader)
        trickling.cancel()
    assert status == 408
    assert json.loads(body)["code"] == "request_timeout"


async def test_a_silent_connection_is_closed(port: int) -> None:
    async with connection(port) as (reader, _):
        assert await closed_by_gateway(reader)


async def test_an_idle_keep_alive_connection_is_closed(port: int) -> None:
    async with connection(port) as (reader, writer):
        writer.write(b"GET /livez HTTP/1.1\r\nhost: x\r\n\r\n")
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), WAIT_SECONDS)
        assert head.startswith(b"HTTP/1.1 200")
        # The body, then the end of the connection once it has been idle a second.
        assert await asyncio.wait_for(reader.read(), WAIT_SECONDS) == b'{"status":"ok"}'


async def test_connections_past_the_cap_get_503(
    identity: FakeUpstream, minter: TokenMinter
) -> None:
    settings = gateway_settings(identity, minter, max_connections=4)
    async with serve_gateway(settings) as client:
        port = client.base_url.port
        assert port is not None
        async with contextlib.AsyncExitStack() as stack:
            held = [await stack.enter_async_context(connection(port)) for _ in range(4)]
            # Four connections is the cap, not past it: they are served.
            reader, writer = held[0]
            writer.write(b"GET /livez HTTP/1.1\r\nhost: x\r\n\r\n")
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), WAIT_SECONDS)
            assert head.startswith(b"HTTP/1.1 200")
            # Refused on arrival, before it sends anything.
            async with connection(port) as (reader, _):
                status, headers, body = await read_answer(reader)
        assert status == 503
        assert headers["retry-after"] == "1"
        assert json.loads(body)["code"] == "overloaded"
        # Once the held connections are gone, the gateway answers again.
        for _ in range(50):
            response = await client.get("/livez")
            if response.status_code == 200:
                break
            await asyncio.sleep(0.1)
        assert response.status_code == 200
