"""A user's time settings in a workspace."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from worksync.common.fields import Money
from worksync.timetracking.time_rules import is_known_zone


class TimeSettingsUpdate(BaseModel):
    """The whole settings (PUT replaces them)."""

    model_config = ConfigDict(extra="forbid")

    timezone: str | None = Field(
        default=None, description="IANA name, e.g. Europe/Berlin; null: the workspace's zone"
    )
    default_hourly_rate: Money | None = None
    default_billable: bool = False
    require_description: bool = False
    auto_stop_minutes: int | None = Field(
        default=None,
        ge=1,
        le=1440,
        description="Stop a timer running longer than this, at its start plus this; null: never",
    )

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is not None and not is_known_zone(value):
            raise ValueError("not an IANA time zone")
        return value


class TimeSettings(BaseModel):
    timezone: str | None
    effective_timezone: str = Field(description="The zone in use: yours, the workspace's, or UTC")
    default_hourly_rate: Money | None
    default_billable: bool
    require_description: bool
    auto_stop_minutes: int | None
