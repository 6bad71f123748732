"""Entries and timers -> the events of `published.py`, recorded in the outbox in the caller's
transaction.

Recording an event makes it the entry's next `version`, which is the event's sequence: a
timer's events and then its entry's count in one sequence. Every event carries the entry's
whole state; a finished entry's also its days, split by the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.events.outbox import EventRecorder
from worksync.common.fields import money_text
from worksync.timetracking.entries.repository import EntryRepository
from worksync.timetracking.messaging.published import (
    BudgetThresholdReached,
    DaySeconds,
    EntrySnapshot,
    ModificationRequestSnapshot,
    TimerSnapshot,
    TimesheetSnapshot,
    outbox,
)
from worksync.timetracking.models import (
    BudgetThreshold,
    EntrySource,
    ModificationRequest,
    TimeEntry,
    Timesheet,
)

recorder = EventRecorder(outbox)


@dataclass
class FirstVersion:
    """A row written at version 1 already, before its first event is recorded."""

    id: UUID
    version: int = 0


async def _entry_snapshot(
    session: AsyncSession, entry: TimeEntry, event_class: type[EntrySnapshot]
) -> EntrySnapshot:
    days = [
        DaySeconds(date=day, seconds=seconds)
        for day, seconds in await EntryRepository(session).entry_days(entry)
    ]
    assert entry.duration_seconds is not None
    assert entry.rounded_duration_seconds is not None
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
        rounded_started_at=entry.rounded_started_at,
        rounded_ended_at=entry.rounded_ended_at,
        rounded_duration_seconds=entry.rounded_duration_seconds,
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


async def record_timesheet(
    session: AsyncSession,
    sheet: Timesheet,
    event_class: type[TimesheetSnapshot],
    *,
    actor_id: UUID,
    totals: tuple[int, int],
) -> None:
    """A timesheet's transition, with its (rounded) total and billable seconds."""
    data = event_class(
        timesheet_id=sheet.id,
        workspace_id=sheet.workspace_id,
        user_id=sheet.user_id,
        period_start=sheet.period_start,
        period_end=sheet.period_end,
        state=sheet.state,
        submitted_at=sheet.submitted_at,
        decided_by=sheet.decided_by,
        decided_at=sheet.decided_at,
        comment=sheet.comment,
        total_seconds=totals[0],
        billable_seconds=totals[1],
    )
    await recorder.record(session, sheet, data, workspace_id=sheet.workspace_id, actor_id=actor_id)


async def record_modification(
    session: AsyncSession,
    request: ModificationRequest,
    event_class: type[ModificationRequestSnapshot],
    *,
    actor_id: UUID,
) -> None:
    """A modification request's transition."""
    data = event_class(
        request_id=request.id,
        workspace_id=request.workspace_id,
        entry_id=request.entry_id,
        user_id=request.user_id,
        requested_by=request.requested_by,
        action=request.action,
        changes=dict(request.changes),
        reason=request.reason,
        state=request.state,
        decided_by=request.decided_by,
        decided_at=request.decided_at,
        comment=request.comment,
    )
    await recorder.record(
        session, request, data, workspace_id=request.workspace_id, actor_id=actor_id
    )


async def record_threshold(
    session: AsyncSession, threshold: BudgetThreshold, currency: str | None, *, actor_id: UUID
) -> None:
    """A budget threshold reached (subject: the threshold's row, written at version 1 by
    the insert that claimed it: its one event is that version)."""
    data = BudgetThresholdReached(
        project_id=threshold.project_id,
        workspace_id=threshold.workspace_id,
        measure=threshold.measure,
        threshold_percent=threshold.threshold_percent,
        budget=str(threshold.budget),
        consumed=str(threshold.consumed),
        currency=currency,
    )
    await recorder.record(
        session,
        FirstVersion(threshold.id),
        data,
        workspace_id=threshold.workspace_id,
        actor_id=actor_id,
    )
