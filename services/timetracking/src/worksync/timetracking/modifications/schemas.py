"""Modification requests as the API reads and writes them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Self
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, model_validator

from worksync.common.examples import body_examples
from worksync.common.fields import IsoDate, NotNull
from worksync.timetracking.entries.schemas import Description, Seconds, Tags
from worksync.timetracking.models import ModificationRequest as RequestRow
from worksync.timetracking.models import RequestAction, RequestState
from worksync.timetracking.timesheets.schemas import Comment


class EntryChanges(BaseModel):
    """The entry fields to change, as a PATCH of the entry takes them (rates excepted)."""

    model_config = ConfigDict(extra="forbid")

    issue_id: UUID | None = None
    description: Annotated[Description | None, NotNull] = None
    started_at: Annotated[datetime | None, NotNull] = None
    ended_at: Annotated[datetime | None, NotNull] = None
    work_date: Annotated[IsoDate | None, NotNull] = None
    duration_seconds: Annotated[Seconds | None, NotNull] = None
    billable: Annotated[bool | None, NotNull] = None
    tags: Annotated[Tags | None, NotNull] = None


class ModificationRequestCreate(BaseModel):
    """`change` with the `changes` to apply, or `delete` (without changes); and why."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=body_examples(
            {
                "action": "change",
                "changes": {
                    "ended_at": "2026-03-02T10:30:00+01:00",
                    "description": "Export fails on empty board: reproduced and fixed",
                },
                "reason": "I forgot to stop the timer",
            },
            {"action": "delete", "reason": "Logged twice, once by the timer and once by hand"},
        ),
    )

    action: RequestAction
    changes: EntryChanges | None = None
    reason: Comment

    @model_validator(mode="after")
    def _changes_fit_the_action(self) -> Self:
        if self.action is RequestAction.CHANGE and (
            self.changes is None or not self.changes.model_fields_set
        ):
            raise ValueError("a change names at least one field in `changes`")
        if self.action is RequestAction.DELETE and self.changes is not None:
            raise ValueError("a deletion takes no `changes`")
        return self


class ModificationRequestDecline(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=body_examples({"comment": "The client was billed for this time already"}),
    )

    comment: Comment = Field(description="Why not; shown to the requester")


class ModificationRequest(BaseModel):
    id: UUID
    workspace_id: UUID
    entry_id: UUID
    user_id: UUID = Field(description="Whose time the entry is")
    requested_by: UUID
    action: RequestAction
    changes: dict[str, Any]
    reason: str
    state: RequestState
    decided_by: UUID | None
    decided_at: datetime | None
    comment: str | None
    version: int
    created_at: datetime

    @classmethod
    def of(cls, row: RequestRow) -> Self:
        return cls(
            id=row.id,
            workspace_id=row.workspace_id,
            entry_id=row.entry_id,
            user_id=row.user_id,
            requested_by=row.requested_by,
            action=RequestAction(row.action),
            changes=dict(row.changes),
            reason=row.reason,
            state=RequestState(row.state),
            decided_by=row.decided_by,
            decided_at=row.decided_at,
            comment=row.comment,
            version=row.version,
            created_at=row.created_at,
        )


@dataclass(frozen=True)
class RequestFilters:
    state: RequestState | None = None
    user_id: UUID | None = None
