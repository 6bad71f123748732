"""Resources settings: `RESOURCES_<NAME>` overrides `WORKSYNC_<NAME>` overrides the default."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from worksync.common.config import CommonSettings


class ResourcesSettings(CommonSettings):
    service_env_prefix: ClassVar[str] = "RESOURCES_"
    # Only identity and the gateway use the internal secret; this service never receives it.
    production_secrets: ClassVar[tuple[str, ...]] = ()

    service_name: str = "resources"
    port: int = Field(default=8005, ge=0, le=65535)
    # The allocation optimiser's solver stops here and answers with the best plan found.
    optimizer_time_limit_seconds: float = Field(default=10.0, gt=0, le=120)
