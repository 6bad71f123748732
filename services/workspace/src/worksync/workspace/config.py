"""Workspace settings: `WORKSPACE_<NAME>` overrides `WORKSYNC_<NAME>` overrides the default."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field, SecretStr

from worksync.common.config import CommonSettings


class WorkspaceSettings(CommonSettings):
    service_env_prefix: ClassVar[str] = "WORKSPACE_"

    service_name: str = "workspace"
    host: str = "0.0.0.0"  # noqa: S104 - a service in a container listens on every interface
    port: int = Field(default=8002, ge=1, le=65535)
    workers: int = Field(default=1, ge=1)
    # Proxies whose X-Forwarded-For uvicorn trusts (the gateway).
    forwarded_allow_ips: str = "127.0.0.1"

    invitation_ttl_seconds: int = Field(default=7 * 24 * 3600, ge=60)

    # The login role migrations create for this service (both or neither).
    db_role: str | None = None
    db_password: SecretStr | None = None

    @property
    def migration_role(self) -> tuple[str, str] | None:
        if self.db_role and self.db_password is not None:
            return self.db_role, self.db_password.get_secret_value()
        return None
