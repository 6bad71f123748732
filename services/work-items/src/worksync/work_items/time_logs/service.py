"""Time-tracking's entries -> logged minutes per issue.

One row per entry keeps the issue it is on, its duration, whether it was deleted, and the
sequence of the event that said so; an event not newer than the row changes nothing, so
duplicates and late events are harmless. Every issue an event touches (the one the entry
left and the one it is on now) has its sum recomputed. Entries on issues not known yet are
kept, so the issue starts with the right sum. Logged minutes are no change of the issue's
own: no issue event is published for them.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from worksync.work_items.messaging.consumed import EntrySnapshot
from worksync.work_items.time_logs.repository import TimeEntryRepository


async def apply_entry(
    session: AsyncSession, entry: EntrySnapshot, *, deleted: bool, sequence: int
) -> bool:
    """Store the entry's state unless a newer one is stored; True when it applied."""
    entries = TimeEntryRepository(session)
    stored = await entries.lock(entry.entry_id)
    if stored is not None and stored.sequence >= sequence:
        return False
    await entries.store(
        entry_id=entry.entry_id,
        workspace_id=entry.workspace_id,
        issue_id=entry.issue_id,
        duration_seconds=entry.duration_seconds,
        deleted=deleted,
        sequence=sequence,
    )
    touched = {entry.issue_id, None if stored is None else stored.issue_id}
    await entries.recompute_logged_minutes({issue_id for issue_id in touched if issue_id})
    return True
