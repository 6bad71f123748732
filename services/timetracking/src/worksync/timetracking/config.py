"""Timetracking settings: `TIMETRACKING_<NAME>` overrides `WORKSYNC_<NAME>` overrides the
default."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from worksync.common.config import CommonSettings


class TimetrackingSettings(CommonSettings):
    service_env_prefix: ClassVar[str] = "TIMETRACKING_"

    service_name: str = "timetracking"
    port: int = Field(default=8004, ge=0, le=65535)

    # Where an issue the projection has not heard of yet is looked up (work-items, or the
    # gateway in front of it), with the caller's token.
    work_items_api_url: str = "http://127.0.0.1:8003"
