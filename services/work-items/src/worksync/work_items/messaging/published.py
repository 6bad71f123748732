"""The events the work-items service publishes (the `data` of their CloudEvents), and its
outbox.

Every issue event carries the whole issue (`IssueSnapshot`); its subject is the issue id
and its sequence the issue's `version`, which rises with every change, deletion and
restore, so consumers may apply newest-wins in any order.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar
from uuid import UUID

from worksync.common.events.envelope import IntegrationEvent
from worksync.common.events.outbox import Outbox
from worksync.work_items.enums import CommentFormat, Priority, RelationKind, StateGroup
from worksync.work_items.models import messaging

SOURCE = "worksync/work-items"

outbox = Outbox(messaging.outbox, source=SOURCE)


class IssueSnapshot(IntegrationEvent):
    """An issue as every issue event carries it."""

    issue_id: UUID
    workspace_id: UUID
    project_id: UUID
    sequence_id: int
    key: str
    title: str
    state_id: UUID
    state_group: StateGroup
    priority: Priority
    assignee_ids: list[UUID]
    label_ids: list[UUID]
    parent_id: UUID | None
    start_date: date | None
    due_date: date | None
    estimate_minutes: int | None
    completed_at: datetime | None
    deleted_at: datetime | None


class IssueCreated(IssueSnapshot):
    """An issue was created."""

    event_type: ClassVar[str] = "workitems.issue.created"


class IssueUpdated(IssueSnapshot):
    """An issue's fields changed (also when its state's group or one of its labels did)."""

    event_type: ClassVar[str] = "workitems.issue.updated"


class IssueDeleted(IssueSnapshot):
    """An issue was deleted (softly: `deleted_at` is set; it may be restored)."""

    event_type: ClassVar[str] = "workitems.issue.deleted"


class IssueRestored(IssueSnapshot):
    """A deleted issue was restored; `deleted_at` is null again."""

    event_type: ClassVar[str] = "workitems.issue.restored"


class CommentSnapshot(IntegrationEvent):
    """A comment as every comment event carries it; subject the comment id, sequence its
    version. `new_mention_ids` are the members mentioned by this change (all of them on
    create, the added ones on edit), for a notifier."""

    comment_id: UUID
    workspace_id: UUID
    project_id: UUID
    issue_id: UUID
    parent_id: UUID | None
    author_id: UUID
    body: str | None
    body_format: CommentFormat
    mention_ids: list[UUID]
    new_mention_ids: list[UUID]
    edited_at: datetime | None
    deleted_at: datetime | None


class CommentCreated(CommentSnapshot):
    """A comment or a reply was written."""

    event_type: ClassVar[str] = "workitems.comment.created"


class CommentUpdated(CommentSnapshot):
    """A comment was edited."""

    event_type: ClassVar[str] = "workitems.comment.updated"


class CommentDeleted(CommentSnapshot):
    """A comment was deleted (with replies it stays as a placeholder without its body)."""

    event_type: ClassVar[str] = "workitems.comment.deleted"


class BoardColumnSnapshot(IntegrationEvent):
    column_id: UUID
    name: str
    position: int
    colour: str
    wip_limit: int | None
    is_done: bool
    state_ids: list[UUID]


class BoardSnapshot(IntegrationEvent):
    """A board with its columns, as every board event carries it; subject the board id,
    sequence its version (a change of its columns is a change of the board)."""

    board_id: UUID
    workspace_id: UUID
    project_id: UUID
    name: str
    label_id: UUID | None
    assignee_id: UUID | None
    columns: list[BoardColumnSnapshot]


class BoardCreated(BoardSnapshot):
    """A board was created."""

    event_type: ClassVar[str] = "workitems.board.created"


class BoardUpdated(BoardSnapshot):
    """A board or its columns changed."""

    event_type: ClassVar[str] = "workitems.board.updated"


class BoardDeleted(BoardSnapshot):
    """A board was deleted (its issues stay)."""

    event_type: ClassVar[str] = "workitems.board.deleted"


class RelationSnapshot(IntegrationEvent):
    """A relation between two issues as stored: `blocks` and `duplicates` point from
    `issue_id` to `related_id`; `relates_to` has no direction. Subject the relation id."""

    relation_id: UUID
    workspace_id: UUID
    project_id: UUID
    issue_id: UUID
    related_id: UUID
    kind: RelationKind


class RelationCreated(RelationSnapshot):
    """Two issues were related."""

    event_type: ClassVar[str] = "workitems.relation.created"


class RelationDeleted(RelationSnapshot):
    """A relation between two issues was removed."""

    event_type: ClassVar[str] = "workitems.relation.deleted"
