"""Worklogs: the Plane-compatible face of the entries on an issue."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, Self
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Row

from worksync.common.examples import body_examples
from worksync.common.fields import IsoDate, JsonInteger, NotNull
from worksync.common.responses import RowAnswer
from worksync.timetracking.entries.schemas import Description
from worksync.timetracking.models import TimeEntry

Minutes = Annotated[int, Field(ge=1, le=1440), JsonInteger]


class WorklogCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=body_examples(
            {
                "duration_minutes": 90,
                "description": "Reproduced the export failure and wrote a failing test",
                "logged_at": "2026-03-02",
            }
        ),
    )

    duration_minutes: Minutes
    description: Description = ""
    logged_at: IsoDate | None = Field(default=None, description="Default: today in the user's zone")


class WorklogUpdate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=body_examples(
            {
                "duration_minutes": 120,
                "description": "Reproduced the export failure, wrote a failing test and fixed it",
            }
        ),
    )

    duration_minutes: Annotated[Minutes | None, NotNull] = None
    description: Annotated[Description | None, NotNull] = None
    logged_at: Annotated[IsoDate | None, NotNull] = None


class Worklog(BaseModel):
    id: UUID
    issue_id: UUID
    project_id: UUID
    user_id: UUID
    duration_minutes: int = Field(description="Worked minutes, rounded down")
    description: str
    logged_at: date
    created_at: datetime
    updated_at: datetime
    version: int = Field(description="The time entry's version; the `ETag` for `If-Match`")

    @classmethod
    def of(cls, entry: TimeEntry) -> Self:
        return cls.model_validate(_worklog_values(entry))


def _worklog_values(entry: TimeEntry | Row[Any]) -> dict[str, Any]:
    """A worklog's fields from its entry, or from a row of its table."""
    assert entry.issue_id is not None
    return {
        "id": entry.id,
        "issue_id": entry.issue_id,
        "project_id": entry.project_id,
        "user_id": entry.user_id,
        "duration_minutes": (entry.duration_seconds or 0) // 60,
        "description": entry.description,
        "logged_at": entry.work_date,
        "created_at": entry.created_at,
        "updated_at": entry.updated_at,
        "version": entry.version,
    }


_WORKLOG_ANSWER = RowAnswer(Worklog)


def worklog_answer(entry: Row[Any]) -> dict[str, Any]:
    """`Worklog.of` as `encoded` writes it, for a row read from the database: its values
    are not checked again (see `RowAnswer`)."""
    return _WORKLOG_ANSWER(_worklog_values(entry))


class WorklogSort(StrEnum):
    NEWEST_LOGGED_AT = "-logged_at"
    LOGGED_AT = "logged_at"
    CREATED_AT = "created_at"
