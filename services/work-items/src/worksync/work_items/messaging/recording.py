"""Rows -> the events of `published.py`, written to the outbox in the caller's transaction.

Every issue event carries the whole issue as its read model shows it; recording one makes
the change the issue's next `version`, which is the event's sequence.
"""

from __future__ import annotations

from typing import TypeVar
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.events.outbox import EventRecorder
from worksync.work_items.issues.read_model import IssueReadModel
from worksync.work_items.messaging.published import IssueSnapshot, outbox

SnapshotT = TypeVar("SnapshotT", bound=IssueSnapshot)

recorder = EventRecorder(outbox)


def issue_snapshot(issue: IssueReadModel, event_class: type[SnapshotT]) -> SnapshotT:
    row = issue.row
    return event_class(
        issue_id=row.id,
        workspace_id=row.workspace_id,
        project_id=row.project_id,
        sequence_id=row.sequence_id,
        key=issue.key,
        title=row.title,
        state_id=row.state_id,
        state_group=issue.state_group,
        priority=row.priority,
        assignee_ids=list(issue.assignee_ids),
        label_ids=list(issue.label_ids),
        parent_id=row.parent_id,
        start_date=row.start_date,
        due_date=row.due_date,
        estimate_minutes=row.estimate_minutes,
        completed_at=row.completed_at,
        deleted_at=row.deleted_at,
    )


async def record_issue(
    session: AsyncSession,
    issue: IssueReadModel,
    event_class: type[IssueSnapshot],
    *,
    actor_id: UUID | None,
) -> None:
    """Record the event with the whole issue; the recorder makes it the issue's next
    version, which is the event's sequence."""
    await recorder.record(
        session,
        issue.row,
        issue_snapshot(issue, event_class),
        workspace_id=issue.row.workspace_id,
        actor_id=actor_id,
    )
