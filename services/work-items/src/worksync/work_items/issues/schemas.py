"""Issues as the API shows them, their create and update bodies, sorts and list filters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from worksync.common.examples import body_examples
from worksync.common.fields import IsoDate, JsonInteger, NotNull
from worksync.work_items.enums import DescriptionFormat, Priority, StateGroup
from worksync.work_items.fields import Position

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)]
Description = Annotated[str, StringConstraints(max_length=100_000)]
Minutes = Annotated[int, Field(ge=0, le=10_000_000), JsonInteger]
# Distinct ids; a handful per issue is normal, a hundred is plenty.
Assignees = Annotated[list[UUID], Field(max_length=100, description="Members of the workspace")]
Labels = Annotated[list[UUID], Field(max_length=100, description="Labels of the project")]


class IssueCreate(BaseModel):
    """`state_id` defaults to the project's default state; the issue goes last on boards.

    An HTML description is sanitised (scripts, handlers and unsafe links removed); Markdown
    is stored as written.
    """

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=body_examples(
            {
                "title": "Export fails on empty board",
                "description": "Exporting a board without cards answers 500, not an empty CSV.",
                "description_format": "markdown",
                "state_id": "0195f3b0-0a1b-7c2d-8e3f-4a5b6c7d8e01",
                "priority": "high",
                "assignee_ids": ["0195f3a2-7c1e-7b4a-9d2f-3e8c1a6b5d40"],
                "label_ids": ["0195f3b1-7d2e-7f4a-9b6c-3e8d1a5f2c70"],
                "due_date": "2026-03-06",
                "estimate_minutes": 240,
            }
        ),
    )

    title: Title
    description: Description | None = None
    description_format: DescriptionFormat = DescriptionFormat.MARKDOWN
    state_id: UUID | None = None
    priority: Priority = Priority.NONE
    assignee_ids: Assignees = []
    label_ids: Labels = []
    parent_id: UUID | None = Field(default=None, description="An issue of the same project")
    start_date: IsoDate | None = None
    due_date: IsoDate | None = None
    estimate_minutes: Minutes | None = None


class IssueUpdate(BaseModel):
    """Fields left out stay as they are; nullable ones are cleared with null."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=body_examples(
            {
                "state_id": "0195f3b0-0a1b-7c2d-8e3f-4a5b6c7d8e02",
                "priority": "urgent",
                "assignee_ids": [
                    "0195f3a2-7c1e-7b4a-9d2f-3e8c1a6b5d40",
                    "0195f3a2-8d47-7e21-a3c5-6f9b2d1e8a73",
                ],
            }
        ),
    )

    title: Annotated[Title | None, NotNull] = None
    description: Description | None = None
    description_format: Annotated[DescriptionFormat | None, NotNull] = None
    state_id: Annotated[UUID | None, NotNull] = None
    priority: Annotated[Priority | None, NotNull] = None
    assignee_ids: Annotated[Assignees | None, NotNull] = None
    label_ids: Annotated[Labels | None, NotNull] = None
    parent_id: UUID | None = None
    start_date: IsoDate | None = None
    due_date: IsoDate | None = None
    estimate_minutes: Minutes | None = None
    position: Annotated[Position | None, NotNull] = None


class Issue(BaseModel):
    id: UUID
    workspace_id: UUID
    project_id: UUID
    sequence_id: int = Field(description="The issue's number in its project")
    key: str = Field(examples=["APL-12"])
    title: str
    description: str | None
    description_format: DescriptionFormat
    state_id: UUID
    state_group: StateGroup
    priority: Priority
    assignee_ids: list[UUID]
    label_ids: list[UUID]
    parent_id: UUID | None
    start_date: date | None
    due_date: date | None
    estimate_minutes: int | None
    logged_minutes: int = Field(description="Rolled up from time tracking; read-only")
    completed_at: datetime | None
    position: float
    created_by: UUID
    deleted_at: datetime | None
    version: int = Field(description="Rises with every change; the sequence of its events")
    created_at: datetime
    updated_at: datetime


class IssueSort(StrEnum):
    CREATED_AT = "created_at"
    NEWEST_FIRST = "-created_at"
    UPDATED_AT = "updated_at"
    RECENTLY_UPDATED = "-updated_at"
    # Issues without a due date come last (first when descending).
    DUE_DATE = "due_date"
    DUE_DATE_DESCENDING = "-due_date"
    # From none to urgent; `-priority` puts urgent first.
    PRIORITY = "priority"
    PRIORITY_DESCENDING = "-priority"
    POSITION = "position"


@dataclass(frozen=True)
class IssueFilters:
    state_ids: list[UUID]
    state_groups: list[StateGroup]
    priorities: list[Priority]
    assignee_id: UUID | None = None
    label_id: UUID | None = None
    parent_id: UUID | None = None
    due_before: date | None = None
    due_after: date | None = None
    search: str | None = None
    include_deleted: bool = False
