"""Timers: a running (or paused) entry per user, pauses as unpaid breaks.

Every change first takes a transaction-scoped advisory lock on the user id, so a user's
concurrent changes run one after another (reading the timer takes none); the partial unique
index stays the last word. Each reads the timer's breaks once.
Stopping less than a second of work is refused (409 `timer_too_short`: discard it instead),
except when a new start stops it (`stop_running`), which discards it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from worksync.common.directory import WorkspaceContext
from worksync.common.ids import new_id
from worksync.common.responses import RowAnswer
from worksync.timetracking.entries.repository import as_pauses
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
from worksync.timetracking.messaging.recording import record_entry, record_timer
from worksync.timetracking.models import Break, EntrySource, TimeEntry
from worksync.timetracking.time_rules import local_date, worked_so_far
from worksync.timetracking.timers.schemas import Timer, TimerStart

_TIMER_ANSWER = RowAnswer(Timer)


class TimerService:
    def __init__(self, writes: EntryWrites) -> None:
        self.writes = writes
        self.session = writes.session
        self.entries = writes.entries
        self.now = writes.now

    async def current(self, workspace: WorkspaceContext) -> dict[str, Any]:
        """The `Timer` answer of the caller's running or paused timer, from its row."""
        found = await self.entries.read_running_timer(workspace.user_id, workspace.workspace_id)
        if found is None:
            raise NoRunningTimer()
        timer, pauses = found
        pause = next((pause for pause in pauses if pause.ended_at is None), None)
        return _TIMER_ANSWER(
            timer._mapping,
            paused_at=None if pause is None else pause.started_at,
            worked_seconds=worked_so_far(timer.started_at, self.now, pauses),
        )

    async def start(self, workspace: WorkspaceContext, request: TimerStart) -> Timer:
        target = await self.writes.target(workspace, request.project_id, request.issue_id)
        self.writes.check_description(target.facts, request.description)
        await self.entries.lock_key(str(workspace.user_id))
        running = await self.entries.running_timer(workspace.user_id)
        if running is not None:
            if not request.stop_running:
                raise TimerAlreadyRunning()
            await self._stop_for_new_start(running, workspace)
        rate, currency = await self.writes.rate(workspace, target, None)
        zone = target.zone
        entry = TimeEntry(
            id=new_id(),
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
            version=0,
        )
        # Recorded first, so that the row is written at its first version.
        await record_timer(self.session, entry, TimerStarted, actor_id=workspace.user_id)
        await self.writes.insert(entry, workspace, target)
        return Timer.of(entry, paused_at=None, worked_seconds=0)

    async def pause(self, workspace: WorkspaceContext) -> Timer:
        entry = await self._timer(workspace)
        breaks = await self.entries.breaks_of(entry.id)
        if _open_break(breaks) is not None:
            raise TimerAlreadyPaused()
        pause = Break(entry_id=entry.id, started_at=self.now, is_paid=False)
        await self.entries.add(pause)
        worked = self._worked(entry, [*breaks, pause])
        await record_timer(
            self.session,
            entry,
            TimerPaused,
            actor_id=workspace.user_id,
            paused_at=self.now,
            worked_seconds=worked,
        )
        return Timer.of(entry, paused_at=self.now, worked_seconds=worked)

    async def resume(self, workspace: WorkspaceContext) -> Timer:
        entry = await self._timer(workspace)
        breaks = await self.entries.breaks_of(entry.id)
        pause = _open_break(breaks)
        if pause is None:
            raise TimerNotPaused()
        pause.ended_at = self.now
        await self.entries.flush()
        worked = self._worked(entry, breaks)
        await record_timer(
            self.session, entry, TimerResumed, actor_id=workspace.user_id, worked_seconds=worked
        )
        return Timer.of(entry, paused_at=None, worked_seconds=worked)

    async def stop(self, workspace: WorkspaceContext) -> Entry:
        entry = await self._timer(workspace)
        await self._stop(entry, await self.entries.breaks_of(entry.id), workspace)
        return Entry.of(entry)

    async def discard(self, workspace: WorkspaceContext) -> None:
        entry = await self._timer(workspace)
        await self._discard(entry, await self.entries.breaks_of(entry.id), workspace)

    async def _timer(self, workspace: WorkspaceContext) -> TimeEntry:
        """The caller's running timer, their timer lock taken (for a change of it)."""
        await self.entries.lock_key(str(workspace.user_id))
        entry = await self.entries.running_timer(workspace.user_id, workspace.workspace_id)
        if entry is None:
            raise NoRunningTimer()
        return entry

    def _worked(self, entry: TimeEntry, breaks: Sequence[Break]) -> int:
        """Worked so far (until now), unpaid breaks excluded."""
        assert entry.started_at is not None
        return worked_so_far(entry.started_at, self.now, as_pauses(breaks))

    async def _as_timer(self, entry: TimeEntry) -> Timer:
        return self._timer_of(entry, await self.entries.breaks_of(entry.id))

    def _timer_of(self, entry: TimeEntry, breaks: Sequence[Break]) -> Timer:
        pause = _open_break(breaks)
        return Timer.of(
            entry,
            paused_at=None if pause is None else pause.started_at,
            worked_seconds=self._worked(entry, breaks),
        )

    async def _stop(
        self, entry: TimeEntry, breaks: Sequence[Break], workspace: WorkspaceContext
    ) -> None:
        """Close an open break and the entry at now, rounded by the rule frozen at its start
        (like its rate); timer.stopped, then entry.created."""
        worked = self._worked(entry, breaks)
        if worked < 1:
            raise TimerTooShort()
        pause = _open_break(breaks)
        if pause is not None:
            pause.ended_at = self.now
        entry.ended_at = self.now
        entry.duration_seconds = worked
        self.writes.round(entry)
        await self.entries.flush()
        await record_timer(
            self.session, entry, TimerStopped, actor_id=workspace.user_id, worked_seconds=worked
        )
        await record_entry(self.session, entry, EntryCreated, actor_id=workspace.user_id)
        await self.writes.budgets.check(entry.workspace_id, entry.project_id, workspace.user_id)

    async def _discard(
        self, entry: TimeEntry, breaks: Sequence[Break], workspace: WorkspaceContext
    ) -> None:
        pause = _open_break(breaks)
        await record_timer(
            self.session,
            entry,
            TimerDiscarded,
            actor_id=workspace.user_id,
            paused_at=None if pause is None else pause.started_at,
            worked_seconds=max(self._worked(entry, breaks), 0),
        )
        await self.entries.delete(entry)

    async def _stop_for_new_start(self, running: TimeEntry, workspace: WorkspaceContext) -> None:
        breaks = await self.entries.breaks_of(running.id)
        if self._worked(running, breaks) < 1:
            await self._discard(running, breaks, workspace)
        else:
            await self._stop(running, breaks, workspace)


def _open_break(breaks: Sequence[Break]) -> Break | None:
    return next((pause for pause in breaks if pause.ended_at is None), None)
