"""The events the timetracking service publishes (the `data` of their CloudEvents), and its
outbox. Contracts: /tmp/issue4 contracts, "timetracking publishes".

The subject of every event is the entry's id and its sequence the entry's `version`: a
timer's events and then, once it stops, its entry's events count in one sequence.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar
from uuid import UUID

from pydantic import BaseModel

from worksync.common.events.envelope import IntegrationEvent
from worksync.common.events.outbox import Outbox
from worksync.common.fields import MoneyText
from worksync.timetracking.models import EntrySource, messaging

SOURCE = "worksync/timetracking"

outbox = Outbox(messaging.outbox, source=SOURCE)


class DaySeconds(BaseModel):
    """Worked seconds of an entry on one local calendar day of its user."""

    date: date
    seconds: int


class EntrySnapshot(IntegrationEvent):
    """A finished entry, as every entry event carries it."""

    entry_id: UUID
    workspace_id: UUID
    project_id: UUID
    issue_id: UUID | None
    user_id: UUID
    description: str
    work_date: date
    started_at: datetime | None
    ended_at: datetime | None
    duration_seconds: int
    # Rounded by the rule frozen on the entry (raw above): what summaries and budgets count.
    rounded_started_at: datetime | None
    rounded_ended_at: datetime | None
    rounded_duration_seconds: int
    # The worked seconds split over the user's local days; they add up to duration_seconds.
    days: list[DaySeconds]
    billable: bool
    hourly_rate: MoneyText | None
    currency: str | None
    source: EntrySource
    # At the entry's own last write. A timesheet's transition moves its entries' approval
    # without an entry event each (a month's approval would be ~100): its own
    # `timetracking.timesheet.*` event names the user and the period they lie in.
    approval_state: str


class EntryCreated(EntrySnapshot):
    """A finished entry exists: created by hand, as a worklog, or by stopping a timer."""

    event_type: ClassVar[str] = "timetracking.entry.created"


class EntryUpdated(EntrySnapshot):
    event_type: ClassVar[str] = "timetracking.entry.updated"


class EntryDeleted(EntrySnapshot):
    """The entry is gone; carries its last state."""

    event_type: ClassVar[str] = "timetracking.entry.deleted"


class TimerSnapshot(IntegrationEvent):
    entry_id: UUID
    workspace_id: UUID
    project_id: UUID
    issue_id: UUID | None
    user_id: UUID
    description: str
    started_at: datetime
    paused_at: datetime | None
    ended_at: datetime | None
    # Worked seconds so far, breaks excluded: on paused and stopped.
    duration_seconds: int | None


class TimerStarted(TimerSnapshot):
    event_type: ClassVar[str] = "timetracking.timer.started"


class TimerPaused(TimerSnapshot):
    event_type: ClassVar[str] = "timetracking.timer.paused"


class TimerResumed(TimerSnapshot):
    event_type: ClassVar[str] = "timetracking.timer.resumed"


class TimerStopped(TimerSnapshot):
    """The timer stopped; `timetracking.entry.created` of the same entry follows."""

    event_type: ClassVar[str] = "timetracking.timer.stopped"


class TimerDiscarded(TimerSnapshot):
    """The timer was thrown away; no entry remains."""

    event_type: ClassVar[str] = "timetracking.timer.discarded"


class TimesheetSnapshot(IntegrationEvent):
    """A timesheet after a transition, with its rounded totals at that moment."""

    timesheet_id: UUID
    workspace_id: UUID
    user_id: UUID
    period_start: date
    period_end: date
    state: str
    submitted_at: datetime | None
    # The last decision: approver (approve, reject) or admin (reopen), and its comment.
    decided_by: UUID | None
    decided_at: datetime | None
    comment: str | None
    total_seconds: int
    billable_seconds: int


class TimesheetSubmitted(TimesheetSnapshot):
    event_type: ClassVar[str] = "timetracking.timesheet.submitted"


class TimesheetWithdrawn(TimesheetSnapshot):
    """The submitter took it back before a decision: open again."""

    event_type: ClassVar[str] = "timetracking.timesheet.withdrawn"


class TimesheetApproved(TimesheetSnapshot):
    event_type: ClassVar[str] = "timetracking.timesheet.approved"


class TimesheetRejected(TimesheetSnapshot):
    """Sent back with a comment: open for changes and a new submission."""

    event_type: ClassVar[str] = "timetracking.timesheet.rejected"


class TimesheetReopened(TimesheetSnapshot):
    """An admin opened an approved timesheet again, with a reason (`comment`)."""

    event_type: ClassVar[str] = "timetracking.timesheet.reopened"


class ModificationRequestSnapshot(IntegrationEvent):
    """A modification request of an approved entry, after a transition."""

    request_id: UUID
    workspace_id: UUID
    entry_id: UUID
    user_id: UUID
    requested_by: UUID
    action: str
    changes: dict[str, Any]
    reason: str
    state: str
    decided_by: UUID | None
    decided_at: datetime | None
    comment: str | None


class ModificationRequested(ModificationRequestSnapshot):
    event_type: ClassVar[str] = "timetracking.modification_request.requested"


class ModificationAccepted(ModificationRequestSnapshot):
    """Accepted and applied: the entry's own updated (or deleted) event comes with it."""

    event_type: ClassVar[str] = "timetracking.modification_request.accepted"


class ModificationDeclined(ModificationRequestSnapshot):
    event_type: ClassVar[str] = "timetracking.modification_request.declined"


class BudgetThresholdReached(IntegrationEvent):
    """A project's consumption reached 80 % or 100 % of a budget value: once per measure,
    budget value and threshold. Hours are rounded hours; the amount is the billable
    amount (rate times rounded hours) in `currency`."""

    event_type: ClassVar[str] = "timetracking.budget.threshold_reached"

    project_id: UUID
    workspace_id: UUID
    measure: str
    threshold_percent: int
    budget: str
    consumed: str
    currency: str | None
