"""A user's time settings in a workspace."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from worksync.common.examples import body_examples
from worksync.common.fields import JsonInteger, Money, TimeZone


class TimeSettingsUpdate(BaseModel):
    """The whole settings (PUT replaces them)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=body_examples(
            {
                "timezone": "Europe/Berlin",
                "default_hourly_rate": "85.00",
                "default_billable": True,
                "require_description": True,
                "auto_stop_minutes": 600,
            }
        ),
    )

    timezone: TimeZone | None = Field(
        default=None, description="IANA name, e.g. Europe/Berlin; null: the workspace's zone"
    )
    default_hourly_rate: Money | None = None
    default_billable: StrictBool = False
    require_description: StrictBool = False
    auto_stop_minutes: Annotated[int, Field(ge=1, le=1440), JsonInteger] | None = Field(
        default=None,
        description="Stop a timer running longer than this, at its start plus this; null: never",
    )


class TimeSettings(BaseModel):
    version: int = Field(
        description="Rises with every replacement, 0 until the first; the `ETag` for `If-Match`"
    )
    timezone: str | None
    effective_timezone: str = Field(description="The zone in use: yours, the workspace's, or UTC")
    default_hourly_rate: Money | None
    default_billable: bool
    require_description: bool
    auto_stop_minutes: int | None
