"""`python -m worksync.work_items`: serve the work-items API with uvicorn."""

from __future__ import annotations

from worksync.common.serving import serve
from worksync.work_items.config import WorkItemsSettings

if __name__ == "__main__":
    serve("worksync.work_items.main:create_app_from_environment", WorkItemsSettings())
