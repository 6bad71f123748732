"""The caller's day and week, and the summaries."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from pydantic import BaseModel, Field

from worksync.timetracking.entries.schemas import Entry


class DayTotal(BaseModel):
    date: date
    seconds: int = Field(description="Worked seconds on this local day")


class Timesheet(BaseModel):
    """The caller's finished entries touching the days, and what each day holds (an entry
    across midnight counts on both days, split at the local midnight)."""

    timezone: str
    first_day: date
    last_day: date
    days: list[DayTotal]
    total_seconds: int
    entries: list[Entry]


class IssueLogged(BaseModel):
    issue_id: UUID
    key: str | None
    title: str | None
    estimate_minutes: int | None
    logged_minutes: int
    remaining_minutes: int | None = Field(description="Estimate less logged, not below 0")
    over_estimate: bool
    deleted: bool = Field(
        description="The issue was deleted: its time still counts, its estimate not in the total"
    )


class MemberLogged(BaseModel):
    user_id: UUID
    display_name: str | None
    logged_minutes: int


class WorklogSummary(BaseModel):
    """A project's logged time per issue and per member (minutes, rounded down)."""

    issues: list[IssueLogged]
    members: list[MemberLogged]
    total_minutes: int
    total_estimate_minutes: int = Field(
        description="The estimates of the issues listed, deleted issues left out"
    )


class ProjectTotal(BaseModel):
    project_id: UUID
    name: str | None
    seconds: int
    billable_seconds: int


class MemberTotal(BaseModel):
    user_id: UUID
    display_name: str | None
    seconds: int
    billable_seconds: int


class DayBillable(BaseModel):
    date: date
    seconds: int
    billable_seconds: int


class TimeSummary(BaseModel):
    """Finished entries by project, member and work date, with the totals."""

    by_project: list[ProjectTotal]
    by_member: list[MemberTotal]
    by_day: list[DayBillable]
    total_seconds: int
    billable_seconds: int
