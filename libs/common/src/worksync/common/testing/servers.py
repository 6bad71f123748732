"""Serving a stand-in ASGI app over real HTTP inside a test's event loop (and a URL where
nothing answers)."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn
from starlette.types import ASGIApp

STARTUP_POLL_SECONDS = 0.01
STARTUP_POLLS = 1000


@asynccontextmanager
async def serve(app: ASGIApp) -> AsyncIterator[str]:
    """Serve `app` with uvicorn on a free 127.0.0.1 port in this loop; yields its base URL."""
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
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
            raise RuntimeError("the stand-in server did not start")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
        sock.close()


def closed_port_url() -> str:
    """The URL of a local port nobody listens on: connections are refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"
