"""An httpx client on an ASGI app with its lifespan running, for API tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from starlette.types import ASGIApp

from worksync.common.testing.problem_codes import problem_code_check


@asynccontextmanager
async def asgi_client(
    app: ASGIApp, base_url: str = "http://testserver"
) -> AsyncIterator[httpx.AsyncClient]:
    """A service's every problem answer is checked against the codes its document lists
    (`testing.problem_codes`)."""
    check = problem_code_check(app) if isinstance(app, FastAPI) else None
    async with LifespanManager(app) as manager:
        # A server answers 500 and logs; the test sees what a client would see.
        transport = httpx.ASGITransport(app=manager.app, raise_app_exceptions=False)
        async with httpx.AsyncClient(
            transport=transport,
            base_url=base_url,
            event_hooks={"response": [check] if check else []},
        ) as client:
            yield client
