"""Request bodies are read whole, within limits, before an upstream connection is taken;
the gateway's own calls have connections of their own."""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
from collections.abc import AsyncIterator
from uuid import uuid4

import httpx

from .fakes import FakeUpstream
from .serving import GatewayFactory

STALLED_CLIENTS = 300
# Long enough for the gateway to have taken in every stalled request.
SETTLE_SECONDS = 1.0
ANSWER_WAIT_SECONDS = 20.0
STALLED_LOGIN = (
    b"POST /api/v1/auth/login HTTP/1.1\r\nhost: gateway\r\n"
    b"content-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n"
    b'5\r\n{"ema\r\n'
)


@contextlib.asynccontextmanager
async def stalled_clients(port: int, count: int, request: bytes) -> AsyncIterator[None]:
    """`count` connections that each send `request` and then nothing more."""
    writers: list[asyncio.StreamWriter] = []
    try:
        for _ in range(count):
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(request)
            writers.append(writer)
        await asyncio.sleep(SETTLE_SECONDS)
        yield
    finally:
        for writer in writers:
            writer.close()


async def test_stalled_chunked_logins_leave_identity_reachable(
    gateway_factory: GatewayFactory,
) -> None:
    async with gateway_factory(
        upstream_max_connections=16, upstream_connect_timeout_seconds=1.0
    ) as client:
        port = client.base_url.port
        assert port is not None
        async with stalled_clients(port, STALLED_CLIENTS, STALLED_LOGIN):
            response = await client.post(
                "/api/v1/auth/login", json={"email": "a@example.com", "password": "secret"}
            )
            assert response.status_code == 200
            assert response.json()["upstream"] == "identity"


async def _answer(reader: asyncio.StreamReader) -> tuple[bytes, bytes]:
    """(status line, body) of one answer read until the gateway closes the connection."""
    answer = await asyncio.wait_for(reader.read(), ANSWER_WAIT_SECONDS)
    head, _, body = answer.partition(b"\r\n\r\n")
    return head.split(b"\r\n")[0], body


async def test_a_stalled_body_is_answered_408_and_closed(gateway_factory: GatewayFactory) -> None:
    async with gateway_factory(body_idle_timeout_seconds=0.3) as client:
        assert client.base_url.port is not None
        reader, writer = await asyncio.open_connection("127.0.0.1", client.base_url.port)
        writer.write(STALLED_LOGIN)
        status, body = await _answer(reader)
        writer.close()
    assert status == b"HTTP/1.1 408 Request Timeout"
    assert json.loads(body)["code"] == "request_timeout"


async def test_a_trickling_body_is_cut_off_at_the_total_timeout(
    gateway_factory: GatewayFactory,
) -> None:
    async def trickle(writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError):
            for _ in range(600):
                writer.write(b"1\r\n \r\n")
                await writer.drain()
                await asyncio.sleep(0.05)

    async with gateway_factory(body_idle_timeout_seconds=5.0, body_timeout_seconds=0.5) as client:
        assert client.base_url.port is not None
        reader, writer = await asyncio.open_connection("127.0.0.1", client.base_url.port)
        writer.write(STALLED_LOGIN)
        trickling = asyncio.create_task(trickle(writer))
        status, _ = await _answer(reader)
        trickling.cancel()
        writer.close()
    assert status == b"HTTP/1.1 408 Request Timeout"


async def test_token_exchange_does_not_wait_for_client_connections(
    gateway_factory: GatewayFactory,
    identity: FakeUpstream,
    workspace: FakeUpstream,
    auth: dict[str, str],
) -> None:
    api_token = "wsp_" + secrets.token_urlsafe(32)
    identity.api_tokens[api_token] = uuid4()
    identity.release_slow.clear()
    async with gateway_factory(
        workspace_url=workspace.url,
        upstream_max_connections=4,
        upstream_connect_timeout_seconds=1.0,
    ) as client:
        # Every client connection to identity is busy with a request that does not end.
        busy = [
            asyncio.create_task(client.get("/api/v1/users/slow", headers=auth)) for _ in range(4)
        ]
        await asyncio.sleep(SETTLE_SECONDS)
        try:
            response = await client.get(
                "/api/v1/workspaces", headers={"Authorization": f"Bearer {api_token}"}
            )
            assert response.status_code == 200
            assert response.json()["upstream"] == "workspace"
        finally:
            identity.release_slow.set()
            answers: list[httpx.Response] = await asyncio.gather(*busy)
            identity.release_slow.clear()
    assert [answer.status_code for answer in answers] == [200] * 4
