"""Serving ASGI apps with uvicorn (httptools, as in production) on free local ports."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import TYPE_CHECKING, Any

import httpx
import uvicorn
from starlette.types import ASGIApp

from worksync.common.config import Environment
from worksync.common.testing.tokens import TokenMinter
from worksync.gateway import create_app
from worksync.gateway.config import GatewaySettings
from worksync.gateway.main import SERVER_OPTIONS, server_options

if TYPE_CHECKING:
    from .fakes import FakeUpstream

STARTUP_POLL_SECONDS = 0.01
STARTUP_POLLS = 1000
INTERNAL_SECRET = "gateway-test-internal-secret"

# `async with gateway_factory(**settings) as client:` a gateway of one's own.
GatewayFactory = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]


@asynccontextmanager
async def serve_asgi(app: ASGIApp, **options: Any) -> AsyncIterator[int]:
    """Serve `app` on 127.0.0.1 in this event loop (uvicorn `options` over the gateway's
    SERVER_OPTIONS); yields the port."""
    config = uvicorn.Config(app, log_level="warning", **{**SERVER_OPTIONS, **options})
    server = uvicorn.Server(config)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port: int = sock.getsockname()[1]
    task = asyncio.create_task(server.serve(sockets=[sock]))
    for _ in range(STARTUP_POLLS):
        if server.started or task.done():
            break
        await asyncio.sleep(STARTUP_POLL_SECONDS)
    try:
        if not server.started:
            raise RuntimeError("the server did not start")
        yield port
    finally:
        server.should_exit = True
        await task
        sock.close()


def gateway_settings(
    identity: FakeUpstream, minter: TokenMinter, **overrides: Any
) -> GatewaySettings:
    """Settings trusting the fake identity, with limits high enough to stay out of the way
    of tests that are not about them."""
    values: dict[str, Any] = {
        "environment": Environment.TEST,
        "identity_url": identity.url,
        "internal_secret": INTERNAL_SECRET,
        "jwt_issuer": minter.issuer,
        "jwt_audience": minter.audience,
        "jwks_refresh_min_interval_seconds": 0.0,
        "auth_burst": 100_000,
        "principal_burst": 100_000,
        "upstream_timeout_seconds": 10.0,
        "log_json": False,
    }
    values.update(overrides)
    return GatewaySettings(**values)


@asynccontextmanager
async def serve_gateway(
    settings: GatewaySettings, **options: Any
) -> AsyncIterator[httpx.AsyncClient]:
    """A running gateway, served as in production (uvicorn `options` over those), and an
    httpx client pointed at it."""
    async with (
        serve_asgi(create_app(settings), **{**server_options(settings), **options}) as port,
        httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30.0) as client,
    ):
        yield client
