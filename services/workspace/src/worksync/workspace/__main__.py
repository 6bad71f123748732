"""`python -m worksync.workspace`: serve the workspace API with uvicorn."""

from __future__ import annotations

import uvicorn

from worksync.workspace.config import WorkspaceSettings


def main() -> None:
    settings = WorkspaceSettings()
    uvicorn.run(
        "worksync.workspace.main:create_app_from_environment",
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
