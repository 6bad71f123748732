"""`python -m worksync.gateway`: serve the gateway with uvicorn (uvloop + httptools)."""

from __future__ import annotations

import uvicorn

from worksync.common.telemetry import configure_logging
from worksync.gateway.config import GatewaySettings
from worksync.gateway.main import SERVER_OPTIONS


def main() -> None:
    settings = GatewaySettings()
    configure_logging(settings)
    uvicorn.run(
        "worksync.gateway.main:create_app_from_environment",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        loop="uvloop",
        log_config=None,
        backlog=2048,
        **SERVER_OPTIONS,
    )


if __name__ == "__main__":
    main()
