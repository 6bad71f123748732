"""Work-items settings: `WORK_ITEMS_<NAME>` overrides `WORKSYNC_<NAME>` overrides the default."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from worksync.common.config import CommonSettings


class WorkItemsSettings(CommonSettings):
    service_env_prefix: ClassVar[str] = "WORK_ITEMS_"
    # Only identity and the gateway use the internal secret; this service never receives it.
    production_secrets: ClassVar[tuple[str, ...]] = ()

    service_name: str = "work-items"
    port: int = Field(default=8003, ge=0, le=65535)
