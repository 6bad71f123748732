"""Time-tracking events as the timetracking service publishes them (the documented `data`
shapes), for the services that consume them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from uuid import UUID

from worksync.common.events.envelope import CloudEvent
from worksync.common.ids import new_id


def entry_event(
    verb: str,
    *,
    entry_id: UUID,
    workspace_id: UUID,
    user_id: UUID,
    project_id: UUID,
    days: Sequence[tuple[date, int]],
    sequence: int,
    issue_id: UUID | None = None,
) -> CloudEvent:
    """`timetracking.entry.<verb>` with an EntrySnapshot as contracts.md describes it: a
    worklog of `days` (its seconds per date), on `issue_id` if given."""
    total = sum(seconds for _, seconds in days)
    data = {
        "entry_id": str(entry_id),
        "workspace_id": str(workspace_id),
        "project_id": str(project_id),
        "issue_id": None if issue_id is None else str(issue_id),
        "user_id": str(user_id),
        "description": "Work",
        "work_date": days[0][0].isoformat(),
        "started_at": None,
        "ended_at": None,
        "duration_seconds": total,
        "days": [{"date": day.isoformat(), "seconds": seconds} for day, seconds in days],
        "billable": True,
        "hourly_rate": "80.00",
        "currency": "EUR",
        "source": "worklog",
        "approval_state": "draft",
    }
    return CloudEvent(
        id=new_id(),
        source="worksync/timetracking",
        type=f"timetracking.entry.{verb}",
        subject=str(entry_id),
        workspaceid=str(workspace_id),
        actorid=str(user_id),
        sequence=sequence,
        data=data,
    )
