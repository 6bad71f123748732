"""Breaks of a finished timed entry: added and removed through the API (a running timer
takes its pauses through `/timer`). A break lies inside the entry's span and overlaps no
other break of it (an exclusion constraint); the entry's worked duration is its span less
its unpaid breaks, rounded again by its rule and recorded as an update. The rules of an
entry change hold (who may, project open, lockdown, timesheets)."""

from __future__ import annotations

from uuid import UUID
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from worksync.common.directory import WorkspaceContext
from worksync.common.errors import invalid_field, not_found
from worksync.common.ids import new_id
from worksync.common.preconditions import EntityTags, check_version
from worksync.common.repository import Repository
from worksync.timetracking import time_rules
from worksync.timetracking.breaks.schemas import Break, BreakCreate, EntryBreaks
from worksync.timetracking.entries.service import EntryWrites
from worksync.timetracking.errors import (
    BreaksOverlap,
    EntryHasNoTimes,
    TooManyBreaks,
    invalid_times,
)
from worksync.timetracking.models import BREAKS_NO_OVERLAP, TimeEntry
from worksync.timetracking.models import Break as BreakRow

MAX_BREAKS = 100


class BreakRepository(Repository):
    constraint_errors = {BREAKS_NO_OVERLAP: BreaksOverlap}

    async def count(self, entry_id: UUID) -> int:
        return int(
            await self.session.scalar(
                select(func.count()).select_from(BreakRow).where(BreakRow.entry_id == entry_id)
            )
            or 0
        )

    async def get(self, entry_id: UUID, break_id: UUID) -> BreakRow | None:
        return await self.session.scalar(
            select(BreakRow).where(BreakRow.id == break_id, BreakRow.entry_id == entry_id)
        )


class BreakService:
    def __init__(self, writes: EntryWrites) -> None:
        self.writes = writes
        self.session = writes.session
        self.breaks = BreakRepository(writes.session)

    async def list(self, workspace: WorkspaceContext, entry_id: UUID) -> EntryBreaks:
        entry, _ = await self.writes.owned_entry(workspace, entry_id, writing=False)
        return await self._of(entry)

    async def add(
        self, workspace: WorkspaceContext, entry_id: UUID, request: BreakCreate
    ) -> EntryBreaks:
        entry = await self._changeable(workspace, entry_id)
        assert entry.started_at is not None
        assert entry.ended_at is not None
        zone = ZoneInfo(entry.timezone)
        with invalid_times():
            started = time_rules.instant(request.started_at, zone, "started_at")
            ended = time_rules.instant(request.ended_at, zone, "ended_at")
        if ended <= started:
            raise invalid_field("ended_at", "must be after started_at")
        if started < entry.started_at or ended > entry.ended_at:
            raise invalid_field("started_at", "a break lies inside its entry's span")
        if await self.breaks.count(entry.id) >= MAX_BREAKS:
            raise TooManyBreaks()
        await self.breaks.add(
            BreakRow(
                id=new_id(),
                entry_id=entry.id,
                started_at=started,
                ended_at=ended,
                is_paid=request.is_paid,
            )
        )
        await self.breaks.flush()
        await self._rework(entry, workspace)
        return await self._of(entry)

    async def remove(
        self,
        workspace: WorkspaceContext,
        entry_id: UUID,
        break_id: UUID,
        if_match: EntityTags | None = None,
    ) -> None:
        """Remove a break; `if_match` names a version of its entry."""
        entry = await self._changeable(workspace, entry_id)
        check_version(if_match, entry.version)
        found = await self.breaks.get(entry.id, break_id)
        if found is None:
            raise not_found("break")
        await self.breaks.delete(found)
        await self.breaks.flush()
        await self._rework(entry, workspace)

    async def _changeable(self, workspace: WorkspaceContext, entry_id: UUID) -> TimeEntry:
        entry, _ = await self.writes.owned_entry(workspace, entry_id, writing=True)
        if entry.started_at is None or entry.ended_at is None:
            raise EntryHasNoTimes()
        facts = await self.writes.entries.user_facts(workspace.workspace_id, entry.user_id)
        await self.writes.check_open(workspace, facts, entry.user_id, entry.work_date)
        return entry

    async def _rework(self, entry: TimeEntry, workspace: WorkspaceContext) -> None:
        """The worked duration from the span and the breaks now stored."""
        assert entry.started_at is not None
        assert entry.ended_at is not None
        pauses = await self.writes.entries.pauses_of(entry.id)
        worked = time_rules.worked_seconds(entry.started_at, entry.ended_at, pauses)
        with invalid_times():
            time_rules.check_worked(worked)
        entry.duration_seconds = worked
        await self.writes.changed(entry, workspace.user_id)

    async def _of(self, entry: TimeEntry) -> EntryBreaks:
        rows = await self.writes.entries.breaks_of(entry.id)
        return EntryBreaks(
            entry_id=entry.id,
            duration_seconds=entry.duration_seconds,
            rounded_duration_seconds=entry.rounded_duration_seconds,
            breaks=[Break.of(row) for row in rows],
        )
