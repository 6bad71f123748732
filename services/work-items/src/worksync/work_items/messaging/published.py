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
from worksync.work_items.enums import Priority, StateGroup
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
