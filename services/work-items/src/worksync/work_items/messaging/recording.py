"""Rows -> the events of `published.py`, written to the outbox in the caller's transaction.

Every issue event carries the whole issue as its read model shows it; recording one makes
the change the issue's next `version`, which is the event's sequence.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TypeVar
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.events.outbox import EventRecorder
from worksync.work_items.enums import CommentFormat, RelationKind
from worksync.work_items.issues.read_model import IssueReadModel
from worksync.work_items.messaging.published import (
    BoardColumnSnapshot,
    BoardSnapshot,
    CommentSnapshot,
    IssueCreated,
    IssueSnapshot,
    RelationSnapshot,
    outbox,
)
from worksync.work_items.models import Board, BoardColumn, Comment, IssueRelation

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


async def record_issues_created(
    session: AsyncSession, issues: Sequence[IssueReadModel], *, actor_id: UUID | None
) -> None:
    """`record_issue` with `IssueCreated` for many new issues in one statement."""
    await recorder.record_all(
        session,
        [
            (issue.row, issue_snapshot(issue, IssueCreated), issue.row.workspace_id)
            for issue in issues
        ],
        actor_id=actor_id,
    )


async def record_comment(
    session: AsyncSession,
    comment: Comment,
    event_class: type[CommentSnapshot],
    *,
    mention_ids: Collection[UUID],
    new_mention_ids: Collection[UUID],
    actor_id: UUID,
) -> None:
    """Record the event with the whole comment as its next version."""
    await recorder.record(
        session,
        comment,
        event_class(
            comment_id=comment.id,
            workspace_id=comment.workspace_id,
            project_id=comment.project_id,
            issue_id=comment.issue_id,
            parent_id=comment.parent_id,
            author_id=comment.author_id,
            body=None if comment.deleted_at else comment.body,
            body_format=CommentFormat(comment.body_format),
            mention_ids=sorted(mention_ids),
            new_mention_ids=sorted(new_mention_ids),
            edited_at=comment.edited_at,
            deleted_at=comment.deleted_at,
        ),
        workspace_id=comment.workspace_id,
        actor_id=actor_id,
    )


async def record_board(
    session: AsyncSession,
    board: Board,
    columns: Sequence[tuple[BoardColumn, Sequence[UUID]]],
    event_class: type[BoardSnapshot],
    *,
    actor_id: UUID,
) -> None:
    """Record the event with the whole board (columns with their states) as its next version."""
    await recorder.record(
        session,
        board,
        event_class(
            board_id=board.id,
            workspace_id=board.workspace_id,
            project_id=board.project_id,
            name=board.name,
            label_id=board.label_id,
            assignee_id=board.assignee_id,
            columns=[
                BoardColumnSnapshot(
                    column_id=column.id,
                    name=column.name,
                    position=column.position,
                    colour=column.colour,
                    wip_limit=column.wip_limit,
                    is_done=column.is_done,
                    state_ids=list(state_ids),
                )
                for column, state_ids in columns
            ],
        ),
        workspace_id=board.workspace_id,
        actor_id=actor_id,
    )


async def record_relations(
    session: AsyncSession,
    relations: Sequence[IssueRelation],
    event_class: type[RelationSnapshot],
    *,
    actor_id: UUID,
) -> None:
    """One event per relation, all in one statement (a template applies many at once)."""
    await recorder.record_all(
        session,
        [
            (
                relation,
                event_class(
                    relation_id=relation.id,
                    workspace_id=relation.workspace_id,
                    project_id=relation.project_id,
                    issue_id=relation.issue_id,
                    related_id=relation.related_id,
                    kind=RelationKind(relation.kind),
                ),
                relation.workspace_id,
            )
            for relation in relations
        ],
        actor_id=actor_id,
    )
