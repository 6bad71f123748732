"""Conflicts as the API shows them."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

from pydantic import BaseModel, Field

from worksync.resources.fields import Hours, Percent
from worksync.resources.models import ConflictStatus


class ConflictRead(BaseModel):
    id: UUID
    workspace_id: UUID
    user_id: UUID
    start_date: date
    end_date: date
    capacity_hours_per_week: Hours
    allocated_hours_per_week: Hours
    over_allocation_percent: Percent = Field(
        description="(allocated - capacity) / capacity * 100; null when the capacity is 0"
    )
    status: ConflictStatus
    allocation_ids: list[UUID]
    detected_at: datetime
    resolved_at: datetime | None
    resolved_by_id: UUID | None
    ignored_at: datetime | None
    ignored_by_id: UUID | None
    version: int


class ConflictSort(StrEnum):
    START_DATE = "start_date"
    NEWEST_FIRST = "-detected_at"
