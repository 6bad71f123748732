"""Actual hours from timetracking's entry events: one row per entry and local day.

Newest sequence wins: an event older than (or as old as) the stored state of its entry
changes nothing; a deletion leaves the entry as a tombstone with its sequence and removes
its days, so a late `created` cannot bring it back. One statement per event
(`ActualsRepository.store_entry`): the projection keeps up with a busy timetracking.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from worksync.resources.actuals.repository import ActualsRepository
from worksync.resources.messaging.consumed import EntrySnapshot


async def apply_entry(
    session: AsyncSession, entry: EntrySnapshot, *, sequence: int, deleted: bool
) -> None:
    # The same date twice (not expected) adds up rather than failing the event forever.
    seconds_per_day: defaultdict[date, int] = defaultdict(int)
    if not deleted:
        for day in entry.days:
            seconds_per_day[day.date] += day.seconds
    await ActualsRepository(session).store_entry(
        entry_id=entry.entry_id,
        workspace_id=entry.workspace_id,
        user_id=entry.user_id,
        project_id=entry.project_id,
        deleted=deleted,
        sequence=sequence,
        days=sorted((day, seconds) for day, seconds in seconds_per_day.items() if seconds > 0),
    )
