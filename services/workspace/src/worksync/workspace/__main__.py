"""`python -m worksync.workspace`: serve the workspace API with uvicorn."""

from __future__ import annotations

from worksync.common.serving import serve
from worksync.workspace.config import WorkspaceSettings

if __name__ == "__main__":
    serve("worksync.workspace.main:create_app_from_environment", WorkspaceSettings())
