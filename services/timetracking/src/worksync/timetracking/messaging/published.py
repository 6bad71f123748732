"""The events the timetracking service publishes (the `data` of their CloudEvents), and its
outbox. Contracts: /tmp/issue4 contracts, "timetracking publishes".

The subject of every event is the entry's id and its sequence the entry's `version`: a
timer's events and then, once it stops, its entry's events count in one sequence.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar
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
    # The worked seconds split over the user's local days; they add up to duration_seconds.
    days: list[DaySeconds]
    billable: bool
    hourly_rate: MoneyText | None
    currency: str | None
    source: EntrySource
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
