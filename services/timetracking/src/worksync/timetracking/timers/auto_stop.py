"""The worker's auto-stop: a timer running longer than its user's `auto_stop_minutes` ends
at its start plus that limit, with the events a stop records (`timer.stopped`, then
`entry.created`), rounded and counted against the budget like any stop.

Each round claims overdue timers with `FOR UPDATE SKIP LOCKED` in one transaction, so two
workers never stop one timer twice (the second skips the row the first holds, and finds it
stopped afterwards), and a user's own timer request holding the row is not waited for.
Breaks past the new end go, a break across it ends there; a timer paused all along is
discarded (`timer.discarded`), as nothing was worked.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.clock import utc_now
from worksync.timetracking.budgets.service import BudgetWatch
from worksync.timetracking.entries.repository import EntryRepository
from worksync.timetracking.entries.service import EntryWrites
from worksync.timetracking.messaging.published import EntryCreated, TimerDiscarded, TimerStopped
from worksync.timetracking.messaging.recording import record_entry, record_timer
from worksync.timetracking.models import TimeEntry, UserSettings
from worksync.timetracking.time_rules import Pause, whole_seconds, worked_seconds

logger = logging.getLogger(__name__)

BATCH = 100


class AutoStopper:
    def __init__(
        self, sessionmaker: async_sessionmaker[AsyncSession], interval_seconds: float = 30.0
    ) -> None:
        self.sessionmaker = sessionmaker
        self.interval_seconds = interval_seconds

    async def run(self, stop: asyncio.Event) -> None:
        """Stop overdue timers every `interval_seconds` until `stop` is set."""
        while not stop.is_set():
            try:
                await self.stop_overdue(utc_now())
            except Exception:
                logger.exception("auto-stop round failed")
            try:
                await asyncio.wait_for(stop.wait(), timeout=self.interval_seconds)
            except TimeoutError:
                continue

    async def stop_overdue(self, now: datetime) -> int:
        """Stop (or discard) up to `BATCH` overdue timers; how many."""
        async with self.sessionmaker.begin() as session:
            limit = func.make_interval(0, 0, 0, 0, 0, UserSettings.auto_stop_minutes)
            query = (
                select(TimeEntry, UserSettings.auto_stop_minutes)
                .join(
                    UserSettings,
                    (UserSettings.workspace_id == TimeEntry.workspace_id)
                    & (UserSettings.user_id == TimeEntry.user_id),
                )
                .where(
                    TimeEntry.started_at.is_not(None),
                    TimeEntry.ended_at.is_(None),
                    UserSettings.auto_stop_minutes.is_not(None),
                    TimeEntry.started_at + limit <= now,
                )
                .order_by(TimeEntry.started_at)
                .limit(BATCH)
                .with_for_update(of=TimeEntry, skip_locked=True)
            )
            rows = (await session.execute(query)).all()
            for entry, minutes in rows:
                assert minutes is not None
                await self._stop(session, entry, timedelta(minutes=minutes))
            return len(rows)

    async def _stop(self, session: AsyncSession, entry: TimeEntry, limit: timedelta) -> None:
        assert entry.started_at is not None
        end = whole_seconds(entry.started_at + limit)
        entries = EntryRepository(session)
        pauses: list[Pause] = []
        for pause in await entries.breaks_of(entry.id):
            if pause.started_at >= end:
                await entries.delete(pause)
                continue
            if pause.ended_at is None or pause.ended_at > end:
                pause.ended_at = end
            pauses.append(Pause(pause.started_at, pause.ended_at, pause.is_paid))
        worked = worked_seconds(entry.started_at, end, pauses)
        if worked < 1:
            await record_timer(
                session, entry, TimerDiscarded, actor_id=entry.user_id, worked_seconds=0
            )
            await entries.delete(entry)
            return
        entry.ended_at = end
        entry.duration_seconds = worked
        EntryWrites.round(entry)
        await entries.flush()
        await record_timer(
            session, entry, TimerStopped, actor_id=entry.user_id, worked_seconds=worked
        )
        await record_entry(session, entry, EntryCreated, actor_id=entry.user_id)
        await BudgetWatch(session).check(entry.workspace_id, entry.project_id, entry.user_id)
