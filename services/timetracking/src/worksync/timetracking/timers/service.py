"""Timers: a running (or paused) entry per user, pauses as unpaid breaks.

Every operation first takes a transaction-scoped advisory lock on the user id, so a user's
concurrent requests run one after another; the partial unique index stays the last word.
Stopping less than a second of work is refused (409 `timer_too_short`: discard it instead),
except when a new start stops it (`stop_running`), which discards it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.directory import WorkspaceContext
from worksync.timetracking.entries import repository
from worksync.timetracking.entries.schemas import Entry
from worksync.timetracking.entries.service import EntryWrites
from worksync.timetracking.errors import (
    NoRunningTimer,
    TimerAlreadyPaused,
    TimerAlreadyRunning,
    TimerNotPaused,
    TimerTooShort,
)
from worksync.timetracking.messaging.published import (
    EntryCreated,
    TimerDiscarded,
    TimerPaused,
    TimerResumed,
    TimerStarted,
    TimerStopped,
)
from worksync.timetracking.messaging.publishing import publish_entry, publish_timer
from worksync.timetracking.models import Break, EntrySource, TimeEntry
from worksync.timetracking.timers.schemas import Timer, TimerStart
from worksync.timetracking.timezones import local_date


async def worked_seconds(session: AsyncSession, entry: TimeEntry, until: datetime) -> int:
    """Seconds from the start until `until`, less unpaid breaks (an open one up to `until`)."""
    assert entry.started_at is not None
    unpaid = 0.0
    for pause in await repository.breaks_of(session, entry.id):
        if not pause.is_paid:
            unpaid += ((pause.ended_at or until) - pause.started_at).total_seconds()
    return int((until - entry.started_at).total_seconds() - unpaid)


class TimerService:
    def __init__(self, writes: EntryWrites) -> None:
        self.writes = writes
        self.session = writes.session
        self.now = writes.now

    async def current(self, workspace: WorkspaceContext) -> Timer:
        entry = await self._timer(workspace)
        return await self._view(entry)

    async def start(self, workspace: WorkspaceContext, request: TimerStart) -> Timer:
        target = await self.writes.target(workspace, request.project_id, request.issue_id)
        self.writes.check_description(target.facts, request.description)
        await repository.lock_user(self.session, workspace.user_id)
        running = await repository.running_timer(self.session, workspace.user_id)
        if running is not None:
            if not request.stop_running:
                raise TimerAlreadyRunning()
            await self._stop_for_new_start(running, workspace)
        rate, currency = await self.writes.rate(workspace, target, None)
        zone = target.zone
        entry = TimeEntry(
            workspace_id=workspace.workspace_id,
            project_id=target.project.id,
            issue_id=request.issue_id,
            user_id=workspace.user_id,
            description=request.description,
            work_date=local_date(self.now, zone),
            started_at=self.now,
            billable=target.facts.default_billable
            if request.billable is None
            else request.billable,
            hourly_rate=rate,
            currency=currency,
            tags=[],
            source=EntrySource.TIMER,
            timezone=zone.key,
            sort_at=self.now,
            version=1,
        )
        await self.writes.insert(entry, workspace.user_id)
        await publish_timer(self.session, entry, TimerStarted, workspace.user_id)
        return Timer.of(entry, paused_at=None, worked_seconds=0)

    async def pause(self, workspace: WorkspaceContext) -> Timer:
        entry = await self._timer(workspace)
        if await self._open_break(entry) is not None:
            raise TimerAlreadyPaused()
        self.session.add(Break(entry_id=entry.id, started_at=self.now, is_paid=False))
        entry.version += 1
        await repository.save(self.session)
        worked = await worked_seconds(self.session, entry, self.now)
        await publish_timer(
            self.session,
            entry,
            TimerPaused,
            workspace.user_id,
            paused_at=self.now,
            worked_seconds=worked,
        )
        return Timer.of(entry, paused_at=self.now, worked_seconds=worked)

    async def resume(self, workspace: WorkspaceContext) -> Timer:
        entry = await self._timer(workspace)
        pause = await self._open_break(entry)
        if pause is None:
            raise TimerNotPaused()
        pause.ended_at = self.now
        entry.version += 1
        await repository.save(self.session)
        worked = await worked_seconds(self.session, entry, self.now)
        await publish_timer(
            self.session, entry, TimerResumed, workspace.user_id, worked_seconds=worked
        )
        return Timer.of(entry, paused_at=None, worked_seconds=worked)

    async def stop(self, workspace: WorkspaceContext) -> Entry:
        entry = await self._timer(workspace)
        await self._stop(entry, workspace)
        return Entry.of(entry)

    async def discard(self, workspace: WorkspaceContext) -> None:
        entry = await self._timer(workspace)
        await self._discard(entry, workspace)

    async def _timer(self, workspace: WorkspaceContext) -> TimeEntry:
        await repository.lock_user(self.session, workspace.user_id)
        entry = await repository.running_timer(
            self.session, workspace.user_id, workspace.workspace_id
        )
        if entry is None:
            raise NoRunningTimer()
        return entry

    async def _open_break(self, entry: TimeEntry) -> Break | None:
        pauses = await repository.breaks_of(self.session, entry.id)
        return next((pause for pause in pauses if pause.ended_at is None), None)

    async def _view(self, entry: TimeEntry) -> Timer:
        pause = await self._open_break(entry)
        worked = await worked_seconds(self.session, entry, self.now)
        return Timer.of(
            entry, paused_at=None if pause is None else pause.started_at, worked_seconds=worked
        )

    async def _stop(self, entry: TimeEntry, workspace: WorkspaceContext) -> None:
        """Close an open break and the entry at now; timer.stopped, then entry.created."""
        worked = await worked_seconds(self.session, entry, self.now)
        if worked < 1:
            raise TimerTooShort()
        pause = await self._open_break(entry)
        if pause is not None:
            pause.ended_at = self.now
        entry.ended_at = self.now
        entry.duration_seconds = worked
        entry.version += 1
        await repository.save(self.session)
        await publish_timer(
            self.session, entry, TimerStopped, workspace.user_id, worked_seconds=worked
        )
        entry.version += 1
        await repository.save(self.session)
        await publish_entry(self.session, entry, EntryCreated, workspace.user_id)

    async def _discard(self, entry: TimeEntry, workspace: WorkspaceContext) -> None:
        pause = await self._open_break(entry)
        worked = await worked_seconds(self.session, entry, self.now)
        entry.version += 1
        await publish_timer(
            self.session,
            entry,
            TimerDiscarded,
            workspace.user_id,
            paused_at=None if pause is None else pause.started_at,
            worked_seconds=max(worked, 0),
        )
        await repository.delete_entry(self.session, entry)

    async def _stop_for_new_start(self, running: TimeEntry, workspace: WorkspaceContext) -> None:
        if await worked_seconds(self.session, running, self.now) < 1:
            await self._discard(running, workspace)
        else:
            await self._stop(running, workspace)
