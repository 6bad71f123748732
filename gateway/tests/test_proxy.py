"""Forwarding: headers both ways, bodies, streaming, and upstream failures."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator

import httpx

from .fakes import FakeUpstream
from .serving import GatewayFactory

API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


async def test_request_id_is_generated_and_forwarded(
    gateway: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    response = await gateway.get("/api/v1/auth/me", headers=auth)
    request_id = response.headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    assert response.json()["headers"]["x-request-id"] == request_id


async def test_request_id_from_the_client_is_kept(
    gateway: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    response = await gateway.get("/api/v1/auth/me", headers={**auth, "X-Request-ID": "abc-123"})
    assert response.headers["x-request-id"] == "abc-123"
    assert response.json()["headers"]["x-request-id"] == "abc-123"
    # Something unfit to log is replaced.
    response = await gateway.get("/api/v1/auth/me", headers={**auth, "X-Request-ID": 'a b"c'})
    assert response.headers["x-request-id"] != 'a b"c'
    assert response.json()["headers"]["x-request-id"] == response.headers["x-request-id"]


async def test_request_id_on_gateway_errors(gateway: httpx.AsyncClient) -> None:
    response = await gateway.get("/nowhere", headers={"X-Request-ID": "trace-me"})
    assert response.status_code == 404
    assert response.headers["x-request-id"] == "trace-me"


async def test_traceparent_is_forwarded(gateway: httpx.AsyncClient, auth: dict[str, str]) -> None:
    response = await gateway.get(
        "/api/v1/auth/me", headers={**auth, "traceparent": TRACEPARENT, "tracestate": "k=v"}
    )
    headers = response.json()["headers"]
    assert headers["traceparent"] == TRACEPARENT
    assert headers["tracestate"] == "k=v"


async def test_security_headers(gateway: httpx.AsyncClient, auth: dict[str, str]) -> None:
    for response in (
        await gateway.get("/api/v1/auth/me", headers=auth),
        await gateway.get("/api/v1/auth/me"),
        await gateway.get("/nowhere"),
        await gateway.get("/livez"),
    ):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"  # the upstream's is replaced
        assert response.headers["referrer-policy"] == "no-referrer"
        assert response.headers["content-security-policy"] == API_CSP
        assert "strict-transport-security" not in response.headers
        assert "server" not in response.headers


async def test_hsts_when_configured(gateway_factory: GatewayFactory) -> None:
    async with gateway_factory(hsts_max_age_seconds=31536000) as client:
        response = await client.get("/livez")
    assert response.headers["strict-transport-security"].startswith("max-age=31536000")


async def test_hop_by_hop_and_spoofable_headers_are_not_forwarded(
    gateway: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    response = await gateway.get(
        "/api/v1/auth/me",
        headers={
            **auth,
            "Connection": "keep-alive, X-Secret-Hop",
            "X-Secret-Hop": "1",
            "X-Internal-Secret": "guess",
            "X-Forwarded-For": "1.2.3.4",
            "X-Custom": "kept",
        },
    )
    headers = response.json()["headers"]
    assert "x-secret-hop" not in headers
    assert "x-internal-secret" not in headers
    assert headers["x-forwarded-for"] == "127.0.0.1"  # no trusted proxies: the peer only
    assert headers["x-forwarded-proto"] == "http"
    assert headers["x-custom"] == "kept"


async def test_request_body_is_forwarded(gateway: httpx.AsyncClient, auth: dict[str, str]) -> None:
    body = b"x" * 50_000
    response = await gateway.post("/api/v1/auth/echo", content=body, headers=auth)
    assert response.status_code == 200
    assert response.json()["body"] == body.decode()


async def test_chunked_request_body_is_forwarded_whole(
    gateway: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    """Read before an upstream connection is taken, and sent with its length."""

    async def chunks() -> AsyncIterator[bytes]:
        for part in (b"one,", b"two,", b"three"):
            yield part

    response = await gateway.post("/api/v1/auth/echo", content=chunks(), headers=auth)
    assert response.status_code == 200
    assert response.json()["body"] == "one,two,three"
    assert response.json()["chunked"] is False
    assert response.json()["headers"]["content-length"] == "13"


async def test_body_over_the_limit_is_413(
    gateway_factory: GatewayFactory, auth: dict[str, str]
) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(4):
            yield b"y" * 512

    async with gateway_factory(max_body_bytes=1024) as client:
        response = await client.post("/api/v1/auth/echo", content=b"x" * 1024, headers=auth)
        assert response.status_code == 200
        response = await client.post("/api/v1/auth/echo", content=b"x" * 1025, headers=auth)
        assert response.status_code == 413
        assert response.headers["content-type"] == "application/problem+json"
        response = await client.post("/api/v1/auth/echo", content=chunks(), headers=auth)
        assert response.status_code == 413
        assert response.headers["content-type"] == "application/problem+json"


async def test_upstream_timeout_is_504(
    gateway_factory: GatewayFactory, auth: dict[str, str]
) -> None:
    async with gateway_factory(upstream_timeout_seconds=0.2) as client:
        response = await client.get("/api/v1/users/slow", headers=auth)
    assert response.status_code == 504
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "upstream_timeout"


async def test_upstream_down_is_503(
    gateway_factory: GatewayFactory, auth: dict[str, str], down_url: str
) -> None:
    async with gateway_factory(workspace_url=down_url) as client:
        response = await client.get("/api/v1/workspaces", headers=auth)
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "upstream_unavailable"


async def test_response_is_streamed(
    gateway: httpx.AsyncClient, auth: dict[str, str], identity: FakeUpstream
) -> None:
    identity.stream_gate.clear()
    async with gateway.stream("GET", "/api/v1/users/stream", headers=auth) as response:
        assert response.status_code == 200
        chunks = response.aiter_raw()
        # The upstream holds its second chunk back until the first arrived here, so a
        # gateway that buffered whole responses would never deliver this one.
        first = await asyncio.wait_for(anext(chunks), 20)
        assert first == b"first\n"
        identity.stream_gate.set()
        rest = b"".join([chunk async for chunk in chunks])
    assert rest == b"second\n"
