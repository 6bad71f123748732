"""An httpx client on an ASGI app with its lifespan running, for API tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from asgi_lifespan import LifespanManager
from starlette.types import ASGIApp


@asynccontextmanager
async def asgi_client(
    app: ASGIApp, base_url: str = "http://testserver"
) -> AsyncIterator[httpx.AsyncClient]:
    async with LifespanManager(app) as manager:
        # A server answers 500 and logs; the test sees what a client would see.
        transport = httpx.ASGITransport(app=manager.app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url=base_url) as client:
            yield client
