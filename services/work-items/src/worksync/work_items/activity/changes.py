"""Pure rules of the activity feed: which fields a change touched, and what a time entry's
event means for the issues it was and is on. No I/O."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from worksync.work_items.enums import ActivityKind


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: Any
    new: Any


def changed_fields(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[FieldChange]:
    """One change per field whose value differs, in the order of `after`; equal values (a
    no-op write) give none."""
    return [
        FieldChange(field, before.get(field), value)
        for field, value in after.items()
        if before.get(field) != value
    ]


@dataclass(frozen=True)
class EntryState:
    """Where a time entry's time counts: an issue and its seconds (None: nowhere)."""

    issue_id: UUID
    seconds: int


@dataclass(frozen=True)
class TimeActivity:
    issue_id: UUID
    kind: ActivityKind
    old_seconds: int | None
    new_seconds: int | None


def time_activity(before: EntryState | None, after: EntryState | None) -> list[TimeActivity]:
    """The feed entries of a time entry going from `before` to `after`: logged on the issue
    it arrives on, removed from the one it leaves, corrected when its time changes in place."""
    if before is not None and after is not None and before.issue_id == after.issue_id:
        if before.seconds == after.seconds:
            return []
        return [
            TimeActivity(after.issue_id, ActivityKind.TIME_CORRECTED, before.seconds, after.seconds)
        ]
    found: list[TimeActivity] = []
    if before is not None:
        found.append(TimeActivity(before.issue_id, ActivityKind.TIME_REMOVED, before.seconds, None))
    if after is not None:
        found.append(TimeActivity(after.issue_id, ActivityKind.TIME_LOGGED, None, after.seconds))
    return found
