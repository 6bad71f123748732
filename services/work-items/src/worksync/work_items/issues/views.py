"""An issue with everything its readers and its events show: key, state group, assignees
and labels, loaded for many issues in one query per association; and its events."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from worksync.work_items.enums import StateGroup
from worksync.work_items.issues.repository import IssueRepository
from worksync.work_items.issues.schemas import Issue
from worksync.work_items.messaging.published import IssueSnapshot, outbox
from worksync.work_items.models import Issue as IssueRow
from worksync.work_items.states.repository import StateRepository

SnapshotT = TypeVar("SnapshotT", bound=IssueSnapshot)

# What a client can change and see; a write leaving all of these alone changed nothing.
EDITABLE = (
    "title",
    "description",
    "description_format",
    "state_id",
    "priority",
    "parent_id",
    "start_date",
    "due_date",
    "estimate_minutes",
    "position",
    "completed_at",
    "deleted_at",
)


# The read model's fields that the row holds itself.
ROW_FIELDS = tuple(set(Issue.model_fields) - {"key", "state_group", "assignee_ids", "label_ids"})


def issue_key(identifier: str, sequence_id: int) -> str:
    return f"{identifier}-{sequence_id}"


@dataclass(frozen=True)
class IssueView:
    row: IssueRow
    key: str
    state_group: StateGroup
    assignee_ids: tuple[UUID, ...]
    label_ids: tuple[UUID, ...]

    def read(self) -> Issue:
        return Issue.model_validate(
            {
                **{field: getattr(self.row, field) for field in ROW_FIELDS},
                "key": self.key,
                "state_group": self.state_group,
                "assignee_ids": list(self.assignee_ids),
                "label_ids": list(self.label_ids),
            }
        )

    def snapshot(self, event: type[SnapshotT]) -> SnapshotT:
        row = self.row
        return event(
            issue_id=row.id,
            workspace_id=row.workspace_id,
            project_id=row.project_id,
            sequence_id=row.sequence_id,
            key=self.key,
            title=row.title,
            state_id=row.state_id,
            state_group=self.state_group,
            priority=row.priority,
            assignee_ids=list(self.assignee_ids),
            label_ids=list(self.label_ids),
            parent_id=row.parent_id,
            start_date=row.start_date,
            due_date=row.due_date,
            estimate_minutes=row.estimate_minutes,
            completed_at=row.completed_at,
            deleted_at=row.deleted_at,
        )

    def fingerprint(self) -> tuple[Any, ...]:
        return (
            tuple(getattr(self.row, field) for field in EDITABLE),
            self.key,
            self.state_group,
            self.assignee_ids,
            self.label_ids,
        )


async def load_views(
    session: AsyncSession, rows: Sequence[IssueRow], identifier: str
) -> list[IssueView]:
    """Views of `rows` (issues of one project): three queries however many rows."""
    if not rows:
        return []
    issues = IssueRepository(session)
    ids = [row.id for row in rows]
    assignees = await issues.assignees_of(ids)
    labels = await issues.labels_of(ids)
    groups = await StateRepository(session).groups(row.state_id for row in rows)
    return [
        IssueView(
            row=row,
            key=issue_key(identifier, row.sequence_id),
            state_group=StateGroup(groups[row.state_id]),
            assignee_ids=tuple(assignees.get(row.id, ())),
            label_ids=tuple(labels.get(row.id, ())),
        )
        for row in rows
    ]


async def load_view(session: AsyncSession, row: IssueRow, identifier: str) -> IssueView:
    (view,) = await load_views(session, [row], identifier)
    return view


async def publish(
    session: AsyncSession, view: IssueView, event: type[IssueSnapshot], *, actor_id: UUID | None
) -> None:
    """Bump the issue's version and record the event, with that version as its sequence."""
    row = view.row
    row.version += 1
    await outbox.add(
        session,
        view.snapshot(event),
        subject=row.id,
        sequence=row.version,
        workspace_id=row.workspace_id,
        actor_id=actor_id,
    )
