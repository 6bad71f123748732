"""CORS: preflight and actual requests, for allowed and other origins."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from .serving import GatewayFactory

ALLOWED = "https://app.worksync.example"
OTHER = "https://evil.example"


@pytest.fixture(scope="module")
async def cors_gateway(gateway_factory: GatewayFactory) -> AsyncIterator[httpx.AsyncClient]:
    async with gateway_factory(cors_origins=ALLOWED) as client:
        yield client


async def test_preflight_for_an_allowed_origin(cors_gateway: httpx.AsyncClient) -> None:
    response = await cors_gateway.options(
        "/api/v1/auth/me",
        headers={
            "Origin": ALLOWED,
            "Access-Control-Request-Method": "PATCH",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == ALLOWED
    assert "PATCH" in response.headers["access-control-allow-methods"]
    assert "authorization" in response.headers["access-control-allow-headers"].lower()
    assert "access-control-allow-credentials" not in response.headers
    assert "Origin" in response.headers["vary"]


async def test_preflight_for_another_origin(cors_gateway: httpx.AsyncClient) -> None:
    response = await cors_gateway.options(
        "/api/v1/auth/me",
        headers={"Origin": OTHER, "Access-Control-Request-Method": "GET"},
    )
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"
    assert "access-control-allow-origin" not in response.headers


async def test_actual_request_carries_cors_headers(
    cors_gateway: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    response = await cors_gateway.get("/api/v1/auth/me", headers={**auth, "Origin": ALLOWED})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == ALLOWED
    exposed = {
        name.strip() for name in response.headers["access-control-expose-headers"].split(",")
    }
    # ETag: a browser client reads it to send If-Match with its next write.
    assert {"X-Request-ID", "ETag"} <= exposed
    # Errors too, so that a browser can read them.
    response = await cors_gateway.get("/api/v1/auth/me", headers={"Origin": ALLOWED})
    assert response.status_code == 401
    assert response.headers["access-control-allow-origin"] == ALLOWED


async def test_actual_request_from_another_origin(
    cors_gateway: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    response = await cors_gateway.get("/api/v1/auth/me", headers={**auth, "Origin": OTHER})
    assert "access-control-allow-origin" not in response.headers


async def test_no_cors_without_configured_origins(gateway: httpx.AsyncClient) -> None:
    response = await gateway.options(
        "/api/v1/auth/me", headers={"Origin": ALLOWED, "Access-Control-Request-Method": "GET"}
    )
    assert response.status_code == 403
