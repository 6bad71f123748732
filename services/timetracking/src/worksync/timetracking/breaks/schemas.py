"""Breaks as the API reads and writes them."""

from __future__ import annotations

from datetime import datetime
from typing import Self
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from worksync.common.examples import body_examples
from worksync.timetracking.models import Break as BreakRow


class BreakCreate(BaseModel):
    """A break inside the entry's span; timestamps without an offset are the user's local
    time. Unpaid breaks reduce the worked duration, paid ones do not."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=body_examples(
            {
                "started_at": "2026-03-02T12:30:00+01:00",
                "ended_at": "2026-03-02T13:00:00+01:00",
                "is_paid": False,
            }
        ),
    )

    started_at: datetime
    ended_at: datetime
    is_paid: StrictBool = False


class Break(BaseModel):
    id: UUID
    entry_id: UUID
    started_at: datetime
    ended_at: datetime | None = Field(description="Null while the timer is paused")
    is_paid: bool

    @classmethod
    def of(cls, row: BreakRow) -> Self:
        return cls(
            id=row.id,
            entry_id=row.entry_id,
            started_at=row.started_at,
            ended_at=row.ended_at,
            is_paid=row.is_paid,
        )


class EntryBreaks(BaseModel):
    """An entry's breaks by start (the API adds up to `MAX_BREAKS`), and its worked and
    rounded seconds as they follow from them."""

    entry_id: UUID
    duration_seconds: int | None
    rounded_duration_seconds: int | None
    breaks: list[Break]
