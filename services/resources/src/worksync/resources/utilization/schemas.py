"""The utilization report as the API shows it."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from uuid import UUID

from pydantic import BaseModel, Field

from worksync.resources.fields import Hours, Percent


class Granularity(StrEnum):
    WEEK = "week"
    MONTH = "month"


class UtilizationPeriod(BaseModel):
    user_id: UUID
    display_name: str | None
    period_start: date = Field(
        description="First day of the week (workspace's week start) or month"
    )
    period_end: date
    capacity_hours: Hours = Field(
        description="Working days of the period within the range, less time off, * hours per day"
    )
    allocated_hours: Hours = Field(
        description="Allocations pro rata over the working days they cover in the period"
    )
    actual_hours: Hours = Field(description="Tracked time on days of the period within the range")
    utilization_percent: Percent = Field(
        description="actual / capacity * 100; null without capacity"
    )
    allocation_percent: Percent = Field(
        description="allocated / capacity * 100; null without capacity"
    )


class UtilizationReport(BaseModel):
    from_date: date
    to_date: date
    granularity: Granularity
    items: list[UtilizationPeriod]
