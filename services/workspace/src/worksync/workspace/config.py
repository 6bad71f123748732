"""Workspace settings: `WORKSPACE_<NAME>` overrides `WORKSYNC_<NAME>` overrides the default."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from worksync.common.config import CommonSettings


class WorkspaceSettings(CommonSettings):
    service_env_prefix: ClassVar[str] = "WORKSPACE_"
    # Only identity and the gateway use the internal secret; this service never receives it.
    production_secrets: ClassVar[tuple[str, ...]] = ()

    service_name: str = "workspace"
    port: int = Field(default=8002, ge=0, le=65535)

    invitation_ttl_seconds: int = Field(default=7 * 24 * 3600, ge=60)
    # The worker republishes workspaces, members, projects, project members, clients and
    # teams this often, so that every consumer's projection converges even after a lost
    # event (0: never).
    republish_interval_hours: float = Field(default=24.0, ge=0, le=24 * 365)
