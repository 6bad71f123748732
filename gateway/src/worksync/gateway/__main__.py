"""`python -m worksync.gateway`: serve the gateway with uvicorn (uvloop + httptools)."""

from __future__ import annotations

from worksync.common.serving import serve
from worksync.common.telemetry import configure_logging
from worksync.gateway.config import GatewaySettings
from worksync.gateway.main import server_options

if __name__ == "__main__":
    settings = GatewaySettings()
    configure_logging(settings)
    serve(
        "worksync.gateway.main:create_app_from_environment",
        settings,
        backlog=2048,
        **server_options(settings),
    )
