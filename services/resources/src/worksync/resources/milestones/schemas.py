"""Milestones, their dependencies, the critical path and the report as the API shows them."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from worksync.common.examples import body_examples
from worksync.common.fields import JsonInteger, NotNull
from worksync.resources.fields import Day
from worksync.resources.models import (
    MAX_ASSIGNEES,
    MAX_LAG_DAYS,
    MAX_LINKED_ISSUES,
    MilestonePriority,
    MilestoneStatus,
)

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Description = Annotated[str, StringConstraints(max_length=10000)]
Percent = Annotated[int, Field(ge=0, le=100), JsonInteger]


def _distinct(ids: list[UUID]) -> list[UUID]:
    """Duplicates are dropped, the first occurrence's order kept."""
    return list(dict.fromkeys(ids))


AssigneeIds = Annotated[
    list[UUID],
    Field(max_length=MAX_ASSIGNEES, description="Live members of the workspace"),
    AfterValidator(_distinct),
]
IssueIds = Annotated[
    list[UUID],
    Field(max_length=MAX_LINKED_ISSUES, description="Work-items issues of the project"),
    AfterValidator(_distinct),
]
LagDays = Annotated[int, Field(ge=0, le=MAX_LAG_DAYS, description="In working days"), JsonInteger]


class MilestoneCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=body_examples(
            {
                "title": "Beta release",
                "description": "Feature-complete build for the pilot customers",
                "start_date": "2026-03-02",
                "due_date": "2026-04-30",
                "status": "in_progress",
                "priority": "high",
                "progress": 25,
                "assignee_ids": [
                    "0195f3a2-7c1e-7b4a-9d2f-3e8c1a6b5d40",
                    "0195f3a2-8d47-7e21-a3c5-6f9b2d1e8a73",
                ],
                "issue_ids": ["0195f3b4-5e2a-7c91-b6d8-2f4a8c1e7d39"],
            }
        ),
    )

    title: Title
    description: Description | None = None
    start_date: Day
    due_date: Day = Field(description="Included; not before start_date")
    status: MilestoneStatus = MilestoneStatus.PENDING
    priority: MilestonePriority = MilestonePriority.MEDIUM
    progress: Percent = Field(default=0, description="Used while no issue is linked")
    assignee_ids: AssigneeIds = []
    issue_ids: IssueIds = []


class MilestoneUpdate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=body_examples(
            {"status": "in_progress", "progress": 60, "due_date": "2026-05-15"}
        ),
    )

    title: Annotated[Title | None, NotNull] = None
    description: Description | None = None
    start_date: Annotated[Day | None, NotNull] = None
    due_date: Annotated[Day | None, NotNull] = None
    status: Annotated[MilestoneStatus | None, NotNull] = None
    priority: Annotated[MilestonePriority | None, NotNull] = None
    progress: Annotated[Percent | None, NotNull] = None
    assignee_ids: Annotated[AssigneeIds | None, NotNull] = None
    issue_ids: Annotated[IssueIds | None, NotNull] = None


class DependencyCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=body_examples(
            {"depends_on_id": "0195f3c2-3b8f-7d1a-a6e4-9c2b7f1d4e53", "lag_days": 5}
        ),
    )

    depends_on_id: UUID = Field(description="A milestone of the same project")
    lag_days: LagDays = 0


class DependencyRead(BaseModel):
    depends_on_id: UUID
    lag_days: int


class MilestoneRead(BaseModel):
    id: UUID
    workspace_id: UUID
    project_id: UUID
    title: str
    description: str | None
    start_date: date
    due_date: date
    status: MilestoneStatus
    priority: MilestonePriority
    progress: int = Field(
        description="Derived from the linked issues when any counts, else set by hand"
    )
    assignee_ids: list[UUID]
    issue_ids: list[UUID]
    depends_on: list[DependencyRead]
    completed_at: datetime | None
    version: int
    created_at: datetime
    updated_at: datetime


class MilestoneSort(StrEnum):
    DUE_DATE = "due_date"
    DUE_DATE_DESCENDING = "-due_date"
    CREATED_AT = "created_at"
    NEWEST_FIRST = "-created_at"


class ScheduledMilestone(BaseModel):
    milestone_id: UUID
    title: str
    duration_days: int = Field(description="Working days of [start_date, due_date]")
    earliest_start: date
    earliest_finish: date
    latest_start: date
    latest_finish: date
    total_slack_days: int
    finish_variance_days: int = Field(
        description="Working days the earliest finish lies after the due date (negative: early)"
    )
    critical: bool


class CriticalPathRead(BaseModel):
    milestones: list[ScheduledMilestone]
    chains: list[list[UUID]] = Field(description="Each critical chain, first to last")
    chains_truncated: bool
    projected_finish: date | None
    latest_due_date: date | None
    finish_variance_days: int | None = Field(
        description="Working days the projected finish lies after the latest due date"
    )


class Health(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OVERDUE = "overdue"


class ReportReason(StrEnum):
    PAST_DUE = "past_due"
    SLACK_CONSUMED = "slack_consumed"
    PROGRESS_BEHIND = "progress_behind"


class ReportLine(BaseModel):
    milestone_id: UUID
    title: str
    status: MilestoneStatus
    due_date: date
    progress: int
    health: Health
    reasons: list[ReportReason]
    detail: str | None = Field(description="The reasons in words")


class MilestoneReport(BaseModel):
    as_of: date
    milestones: list[ReportLine]
