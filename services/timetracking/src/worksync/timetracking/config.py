"""Timetracking settings: `TIMETRACKING_<NAME>` overrides `WORKSYNC_<NAME>` overrides the
default."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from worksync.common.config import CommonSettings


class TimetrackingSettings(CommonSettings):
    service_env_prefix: ClassVar[str] = "TIMETRACKING_"
    # Only identity and the gateway use the internal secret; this service never receives it.
    production_secrets: ClassVar[tuple[str, ...]] = ()

    service_name: str = "timetracking"
    port: int = Field(default=8004, ge=0, le=65535)

    # Where an issue the projection has not heard of yet is looked up (work-items, or the
    # gateway in front of it), with the caller's token.
    work_items_api_url: str = "http://127.0.0.1:8003"

    # After the local end of the workspace's lockdown date, how long its days stay open to
    # non-admins before they lock (Kimai's grace period).
    lockdown_grace_hours: int = Field(default=0, ge=0, le=24 * 366)

    # How often the worker looks for timers past their user's auto-stop limit.
    auto_stop_interval_seconds: float = Field(default=30.0, gt=0, le=3600)
