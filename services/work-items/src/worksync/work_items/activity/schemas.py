"""The activity feed as the API shows it, and its filters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, JsonValue

from worksync.work_items.enums import ActivityKind


class ActivityEntry(BaseModel):
    """One change: for `updated`, the field with its old and new value; for comments the
    comment's id; for time the entry's id and its minutes (rounded down) and seconds."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    issue_id: UUID
    actor_id: UUID | None = Field(description="Who did it; for time, who logged it")
    kind: ActivityKind
    field: str | None
    old_value: JsonValue
    new_value: JsonValue
    occurred_at: datetime


class ActivitySort(StrEnum):
    NEWEST_FIRST = "-occurred_at"
    OLDEST_FIRST = "occurred_at"


@dataclass(frozen=True)
class ActivityFilters:
    kinds: list[ActivityKind]
    actor_id: UUID | None = None
    since: datetime | None = None
