"""Actual hours from timetracking's entry events: one row per entry and local day.

Newest sequence wins: an event older than (or as old as) the stored state of its entry
changes nothing; a deletion leaves the entry as a tombstone with its sequence and removes
its days, so a late `created` cannot bring it back. A batch of events is one statement
(`ActualsRepository.store_entries`) whatever its size, storing per entry only the version
the batch leaves (`versions.newest_states`): the projection keeps up with a busy
timetracking.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.ext.asyncio import AsyncSession

from worksync.resources.actuals.repository import ActualsRepository
from worksync.resources.actuals.versions import EntryVersion, newest_states


async def apply_entries(session: AsyncSession, versions: Iterable[EntryVersion]) -> None:
    """Apply `versions` as if one after another, in their order."""
    await ActualsRepository(session).store_entries(newest_states(versions))
