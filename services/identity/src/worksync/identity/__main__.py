"""`python -m worksync.identity`: serve the identity API with uvicorn."""

from __future__ import annotations

import uvicorn

from worksync.identity.config import IdentitySettings


def main() -> None:
    settings = IdentitySettings()
    uvicorn.run(
        "worksync.identity.main:create_app_from_environment",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        loop="uvloop",
        http="httptools",
        proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips,
        log_config=None,
        access_log=False,
    )


if __name__ == "__main__":
    main()
