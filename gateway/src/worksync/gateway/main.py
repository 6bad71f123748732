"""How the gateway process runs: uvicorn options, logs, and the per-worker app factory."""

from __future__ import annotations

from functools import partial
from typing import Any

from starlette.types import ASGIApp

from worksync.common.serving import served_app
from worksync.gateway.app import create_app
from worksync.gateway.config import GatewaySettings

# How uvicorn serves the gateway (also in tests): httptools, with the edge limits of
# `edge.EdgeHttpProtocol` (head size and time), idle keep-alive connections closed after
# 5 s, no uvicorn access log (the gateway has its own, off by default), no `server` header,
# and no uvicorn X-Forwarded-For handling (the gateway decides whom to trust).
SERVER_OPTIONS: dict[str, Any] = {
    "http": "worksync.common.edge:EdgeHttpProtocol",
    "timeout_keep_alive": 5,
    "lifespan": "on",
    "access_log": False,
    "server_header": False,
    "proxy_headers": False,
}


def server_options(settings: GatewaySettings) -> dict[str, Any]:
    """SERVER_OPTIONS with the connection cap from the settings."""
    return {**SERVER_OPTIONS, "limit_concurrency": settings.max_connections}


def create_app_from_environment() -> ASGIApp:
    """The uvicorn factory: each worker process builds its app (`served_app`), which
    serves its metrics on the monitoring port."""
    return served_app(GatewaySettings(), partial(create_app, serve_metrics=True))
