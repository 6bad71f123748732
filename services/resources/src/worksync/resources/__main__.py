"""`python -m worksync.resources`: serve the resources API with uvicorn."""

from __future__ import annotations

from worksync.common.serving import serve
from worksync.resources.config import ResourcesSettings

if __name__ == "__main__":
    serve("worksync.resources.main:create_app_from_environment", ResourcesSettings())
