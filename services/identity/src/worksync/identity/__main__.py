"""`python -m worksync.identity`: serve the identity API with uvicorn."""

from __future__ import annotations

from worksync.common.serving import serve
from worksync.identity.config import IdentitySettings

if __name__ == "__main__":
    serve("worksync.identity.main:create_app_from_environment", IdentitySettings())
