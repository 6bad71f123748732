"""Entry and timer events into the outbox, each with the entry's version as its sequence.

The caller bumps `entry.version` before publishing; the event carries the entry's whole
state (and, for finished entries, its days computed by the database).
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from worksync.timetracking.entries.repository import entry_days
from worksync.timetracking.messaging.published import (
    DaySeconds,
    EntrySnapshot,
    TimerSnapshot,
    outbox,
)
from worksync.timetracking.models import EntrySource, TimeEntry


def money(value: object) -> str | None:
    return None if value is None else f"{value:.2f}"


async def entry_snapshot(
    session: AsyncSession, entry: TimeEntry, event: type[EntrySnapshot]
) -> EntrySnapshot:
    days = [
        DaySeconds(date=day, seconds=seconds) for day, seconds in await entry_days(session, entry)
    ]
    assert entry.duration_seconds is not None
    return event(
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
        hourly_rate=money(entry.hourly_rate),
        currency=entry.currency,
        source=EntrySource(entry.source),
        approval_state=entry.approval_state,
    )


async def publish_entry(
    session: AsyncSession, entry: TimeEntry, event: type[EntrySnapshot], actor_id: UUID
) -> None:
    """An entry event; for `deleted`, publish before the row goes (its days are read)."""
    await outbox.add(
        session,
        await entry_snapshot(session, entry, event),
        subject=entry.id,
        sequence=entry.version,
        workspace_id=entry.workspace_id,
        actor_id=actor_id,
    )


async def publish_timer(
    session: AsyncSession,
    entry: TimeEntry,
    event: type[TimerSnapshot],
    actor_id: UUID,
    *,
    paused_at: datetime | None = None,
    worked_seconds: int | None = None,
) -> None:
    assert entry.started_at is not None
    data = event(
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
    await outbox.add(
        session,
        data,
        subject=entry.id,
        sequence=entry.version,
        workspace_id=entry.workspace_id,
        actor_id=actor_id,
    )
