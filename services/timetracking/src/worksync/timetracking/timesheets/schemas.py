"""Timesheets as the API reads and acts on them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Self
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from worksync.common.examples import body_examples
from worksync.common.fields import IsoDate
from worksync.timetracking.entries.schemas import Entry
from worksync.timetracking.models import Timesheet as TimesheetRow
from worksync.timetracking.models import TimesheetState

Comment = Annotated[str, Field(min_length=1, max_length=2000, pattern=r"\S")]


class TimesheetSubmit(BaseModel):
    """Submit the caller's timesheet of the period holding `date` (in their zone)."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra=body_examples({"date": "2026-03-02"})
    )

    date: IsoDate


class TimesheetRejection(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=body_examples(
            {"comment": "Tuesday has 11 hours on WEB-42; please check the end time"}
        ),
    )

    comment: Comment = Field(description="What to fix; shown to the submitter")


class TimesheetReopening(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=body_examples(
            {"reason": "The client moved two days of work to another project"}
        ),
    )

    reason: Comment = Field(description="Why an approved timesheet opens again")


class Timesheet(BaseModel):
    id: UUID
    workspace_id: UUID
    user_id: UUID
    period_start: date
    period_end: date
    state: TimesheetState
    submitted_at: datetime | None
    decided_by: UUID | None = Field(description="Who made the last decision")
    decided_at: datetime | None
    comment: str | None = Field(description="The rejection's comment or the reopening's reason")
    version: int

    @classmethod
    def of(cls, sheet: TimesheetRow) -> Self:
        return cls(
            id=sheet.id,
            workspace_id=sheet.workspace_id,
            user_id=sheet.user_id,
            period_start=sheet.period_start,
            period_end=sheet.period_end,
            state=TimesheetState(sheet.state),
            submitted_at=sheet.submitted_at,
            decided_by=sheet.decided_by,
            decided_at=sheet.decided_at,
            comment=sheet.comment,
            version=sheet.version,
        )


class TimesheetDetail(Timesheet):
    """A timesheet with the finished entries of its period and their rounded totals."""

    total_seconds: int = Field(description="Rounded seconds of the period's entries")
    billable_seconds: int
    entries: list[Entry]


@dataclass(frozen=True)
class TimesheetFilters:
    state: TimesheetState | None = None
    user_id: UUID | None = None
    from_date: date | None = None
    to_date: date | None = None
