"""Several replicas of one upstream: round robin, a replica that refuses is skipped and
marked down, and a request that may have reached a replica is never sent to another."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack

import httpx
import pytest

from worksync.gateway.config import GatewaySettings
from worksync.gateway.upstream import (
    Origin,
    UpstreamError,
    UpstreamGroup,
    UpstreamPool,
    UpstreamUnavailable,
    fetch,
)

from .fakes import FakeUpstream, closed_port
from .serving import GatewayFactory

DOWN_SECONDS = 30.0


class CountingServer:
    """A raw HTTP/1.1 server answering `ok`, or, with `answer=False`, reading each request
    and closing without a word; counts the requests it read."""

    def __init__(self, *, answer: bool = True, port: int = 0) -> None:
        self.answer = answer
        self.port = port
        self.requests = 0
        self._server: asyncio.Server | None = None

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                await reader.readuntil(b"\r\n\r\n")
                self.requests += 1
                if not self.answer:
                    break
                writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok")
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def start(self) -> Origin:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)
        port = self._server.sockets[0].getsockname()[1]
        return Origin.parse(f"http://127.0.0.1:{port}")

    def close(self) -> None:
        if self._server is not None:
            self._server.close()


@pytest.fixture
async def pool() -> AsyncIterator[UpstreamPool]:
    upstream_pool = UpstreamPool(
        max_connections_per_origin=4,
        connect_timeout=0.5,
        read_timeout=2.0,
        keepalive_seconds=30.0,
    )
    yield upstream_pool
    upstream_pool.close()


@pytest.fixture
async def servers() -> AsyncIterator[list[CountingServer]]:
    started: list[CountingServer] = []
    yield started
    for server in started:
        server.close()


async def _origins(servers: list[CountingServer], *made: CountingServer) -> list[Origin]:
    servers.extend(made)
    return [await server.start() for server in made]


def _refused() -> Origin:
    return Origin.parse(f"http://127.0.0.1:{closed_port()}")


async def test_requests_go_round_robin(pool: UpstreamPool, servers: list[CountingServer]) -> None:
    first, second = CountingServer(), CountingServer()
    group = UpstreamGroup("svc", await _origins(servers, first, second), down_seconds=DOWN_SECONDS)

    for _ in range(10):
        assert await fetch(pool, group, b"GET", b"/", seconds=5) == (200, b"ok")

    assert (first.requests, second.requests) == (5, 5)


async def test_a_refused_replica_is_skipped_and_tried_last_while_down(
    pool: UpstreamPool, servers: list[CountingServer], caplog: pytest.LogCaptureFixture
) -> None:
    live = CountingServer()
    (origin,) = await _origins(servers, live)
    group = UpstreamGroup("svc", [_refused(), origin], down_seconds=DOWN_SECONDS)

    with caplog.at_level(logging.WARNING, logger="worksync.gateway.upstream"):
        for _ in range(10):
            # POST too: nothing of it left the gateway, so the next replica may have it.
            assert await fetch(pool, group, b"POST", b"/", body=b"{}", seconds=5) == (200, b"ok")

    assert live.requests == 10
    # Marked down once: the other nine requests went to the live replica first.
    assert len([r for r in caplog.records if "is down" in r.getMessage()]) == 1


async def test_a_replica_is_asked_again_once_its_time_down_is_over(
    pool: UpstreamPool, servers: list[CountingServer]
) -> None:
    live = CountingServer()
    (origin,) = await _origins(servers, live)
    port = closed_port()
    group = UpstreamGroup(
        "svc", [Origin.parse(f"http://127.0.0.1:{port}"), origin], down_seconds=0.3
    )
    assert await fetch(pool, group, b"GET", b"/", seconds=5) == (200, b"ok")
    back = CountingServer(port=port)
    await _origins(servers, back)

    for _ in range(4):  # still marked down: asked only if the others fail
        assert await fetch(pool, group, b"GET", b"/", seconds=5) == (200, b"ok")
    assert back.requests == 0
    await asyncio.sleep(0.35)
    for _ in range(4):
        assert await fetch(pool, group, b"GET", b"/", seconds=5) == (200, b"ok")
    assert back.requests == 2


async def test_every_replica_refusing_is_unavailable(pool: UpstreamPool) -> None:
    group = UpstreamGroup("svc", [_refused(), _refused()], down_seconds=DOWN_SECONDS)
    for _ in range(2):  # also once both are marked down: they are still tried
        with pytest.raises(UpstreamUnavailable):
            await fetch(pool, group, b"GET", b"/", seconds=5)


async def test_a_request_that_may_have_arrived_is_not_sent_to_another_replica(
    pool: UpstreamPool, servers: list[CountingServer]
) -> None:
    silent, other = CountingServer(answer=False), CountingServer()
    group = UpstreamGroup("svc", await _origins(servers, silent, other), down_seconds=DOWN_SECONDS)

    with pytest.raises(UpstreamError):
        # Round robin starts at the silent replica, which reads the request and hangs up.
        await fetch(pool, group, b"GET", b"/", seconds=5)

    assert (silent.requests, other.requests) == (1, 0)


def test_replicas_are_listed_in_the_upstream_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GATEWAY_WORK_ITEMS_URL", "http://a:8003, http://b:8003/")
    monkeypatch.delenv("GATEWAY_JWKS_URL", raising=False)
    monkeypatch.delenv("WORKSYNC_JWKS_URL", raising=False)
    settings = GatewaySettings(identity_url="http://id-a:8001,http://id-b:8001")

    assert settings.upstream_replicas()["work-items"] == ["http://a:8003", "http://b:8003"]
    assert settings.upstream_urls()["work-items"] == "http://a:8003,http://b:8003"
    assert settings.jwks_url == "http://id-a:8001/.well-known/jwks.json"


async def test_the_gateway_serves_from_the_replica_that_answers(
    gateway_factory: GatewayFactory,
    workspace: FakeUpstream,
    down_url: str,
    auth: dict[str, str],
) -> None:
    async with AsyncExitStack() as stack:
        client: httpx.AsyncClient = await stack.enter_async_context(
            gateway_factory(workspace_url=f"{down_url},{workspace.url}")
        )
        answers = [await client.get("/api/v1/workspaces", headers=auth) for _ in range(6)]
        ready = await client.get("/readyz")

    assert [answer.status_code for answer in answers] == [200] * 6
    assert {answer.json()["upstream"] for answer in answers} == {"workspace"}
    # One replica of two is enough to be ready; the check says which one is not.
    assert ready.status_code == 200
    assert ready.json()["checks"]["workspace"].startswith("1 of 2 replicas ready")
