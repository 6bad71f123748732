"""Entries and timers -> the events of `published.py`, recorded in the outbox in the caller's
transaction.

Recording an event makes it the entry's next `version`, which is the event's sequence: a
timer's events and then its entry's count in one sequence. Every event carries the entry's
whole state; a finished entry's also its days, split by the database.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.events.outbox import EventRecorder
from worksync.common.fields import money_text
from worksync.timetracking.entries.repository import EntryRepository
from worksync.timetracking.messaging.published import (
    DaySeconds,
    EntrySnapshot,
    TimerSnapshot,
    outbox,
)
from worksync.timetracking.models import EntrySource, TimeEntry

recorder = EventRecorder(outbox)


async def _entry_snapshot(
    session: AsyncSession, entry: TimeEntry, event_class: type[EntrySnapshot]
) -> EntrySnapshot:
    days = [
        DaySeconds(date=day, seconds=seconds)
        for day, seconds in await EntryRepository(session).entry_days(entry)
    ]
    assert entry.duration_seconds is not None
    return event_class(
        entry_id=entry.id,
        workspace_id=entry.workspace_id,
        project_id=entry.project_id,
        issue_id=entry.issue_id,
        user_id=entry.user_id,
        description=entry.description,
        work_date=entry.work_date,
        started_at=entry.started_at,
        ended_at=entry.ended_at,
        duration_seconds=entry.duration_seconds,
        days=days,
        billable=entry.billable,
        hourly_rate=money_text(entry.hourly_rate),
        currency=entry.currency,
        source=EntrySource(entry.source),
        approval_state=entry.approval_state,
    )


async def record_entry(
    session: AsyncSession,
    entry: TimeEntry,
    event_class: type[EntrySnapshot],
    *,
    actor_id: UUID,
) -> None:
    """An event of a finished entry; for `deleted`, recorded before the row goes."""
    data = await _entry_snapshot(session, entry, event_class)
    await recorder.record(session, entry, data, workspace_id=entry.workspace_id, actor_id=actor_id)


async def record_timer(
    session: AsyncSession,
    entry: TimeEntry,
    event_class: type[TimerSnapshot],
    *,
    actor_id: UUID,
    paused_at: datetime | None = None,
    worked_seconds: int | None = None,
) -> None:
    """An event of a running, paused or just stopped timer (`worked_seconds` so far)."""
    assert entry.started_at is not None
    data = event_class(
        entry_id=entry.id,
        workspace_id=entry.workspace_id,
        project_id=entry.project_id,
        issue_id=entry.issue_id,
        user_id=entry.user_id,
        description=entry.description,
        started_at=entry.started_at,
        paused_at=paused_at,
        ended_at=entry.ended_at,
        duration_seconds=worked_seconds,
    )
    await recorder.record(session, entry, data, workspace_id=entry.workspace_id, actor_id=actor_id)
