"""The caller's timer: the entry that is running or paused."""

from __future__ import annotations

from datetime import datetime
from typing import Self
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from worksync.common.examples import body_examples
from worksync.timetracking.entries.schemas import Description
from worksync.timetracking.models import TimeEntry


class TimerStart(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=body_examples(
            {
                "project_id": "0195f3a1-2b6d-7f08-8c4e-1a7d9e3b6c25",
                "issue_id": "0195f3b4-5e2a-7c91-b6d8-2f4a8c1e7d39",
                "description": "Export fails on empty board",
                "billable": True,
                "stop_running": True,
            }
        ),
    )

    project_id: UUID
    issue_id: UUID | None = None
    description: Description = ""
    billable: StrictBool | None = Field(default=None, description="Default: the user's setting")
    stop_running: StrictBool = Field(
        default=False,
        description="Stop the caller's running timer first (else 409 timer_already_running)",
    )


class Timer(BaseModel):
    id: UUID = Field(description="The entry's id")
    workspace_id: UUID
    project_id: UUID
    issue_id: UUID | None
    user_id: UUID
    description: str
    billable: bool
    started_at: datetime
    paused_at: datetime | None = Field(description="Set while paused")
    ended_at: datetime | None = Field(description="Set once stopped")
    worked_seconds: int = Field(description="Worked so far, unpaid breaks excluded")
    version: int

    @classmethod
    def of(cls, entry: TimeEntry, *, paused_at: datetime | None, worked_seconds: int) -> Self:
        assert entry.started_at is not None
        return cls(
            id=entry.id,
            workspace_id=entry.workspace_id,
            project_id=entry.project_id,
            issue_id=entry.issue_id,
            user_id=entry.user_id,
            description=entry.description,
            billable=entry.billable,
            started_at=entry.started_at,
            paused_at=paused_at,
            ended_at=entry.ended_at,
            worked_seconds=worked_seconds,
            version=entry.version,
        )
