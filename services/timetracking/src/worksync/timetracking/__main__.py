"""`python -m worksync.timetracking`: serve the timetracking API with uvicorn."""

from __future__ import annotations

from worksync.common.serving import serve
from worksync.timetracking.config import TimetrackingSettings

if __name__ == "__main__":
    serve("worksync.timetracking.main:create_app_from_environment", TimetrackingSettings())
