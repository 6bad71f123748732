"""Time-tracking's entries -> logged minutes per issue, and the issues' activity feed.

One row per entry keeps the issue it is on, its duration, whether it was deleted, and the
sequence of the event that said so; an event not newer than the row changes nothing, so
duplicates and late events are harmless (and write no activity). Every issue an event
touches (the one the entry left and the one it is on now) has its sum recomputed and a feed
entry: time logged, corrected or removed, with the minutes. Entries on issues not known yet
are kept, so the issue starts with the right sum (their feed entries are not written: the
issue did not exist). Logged minutes are no change of the issue's own: no issue event is
published for them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from worksync.work_items.activity.changes import EntryState, TimeActivity, time_activity
from worksync.work_items.activity.repository import ActivityRepository
from worksync.work_items.messaging.consumed import EntrySnapshot
from worksync.work_items.time_logs.repository import StoredEntry, TimeEntryRepository


def _time(seconds: int | None, entry: EntrySnapshot) -> dict[str, Any] | None:
    if seconds is None:
        return None
    return {"entry_id": str(entry.entry_id), "minutes": seconds // 60, "seconds": seconds}


def _before(stored: StoredEntry | None) -> EntryState | None:
    if stored is None or stored.deleted or stored.issue_id is None:
        return None
    return EntryState(stored.issue_id, stored.duration_seconds)


async def _record_activity(
    session: AsyncSession, entry: EntrySnapshot, found: list[TimeActivity], occurred_at: datetime
) -> None:
    activity = ActivityRepository(session)
    # Only issues of the entry's workspace that exist here (deleted ones keep their feed).
    projects = await activity.issues_in_workspace(
        entry.workspace_id, {item.issue_id for item in found}
    )
    await activity.add_entries(
        [
            {
                "workspace_id": entry.workspace_id,
                "project_id": projects[item.issue_id],
                "issue_id": item.issue_id,
                "actor_id": entry.user_id,
                "kind": item.kind.value,
                "field": None,
                "old_value": _time(item.old_seconds, entry),
                "new_value": _time(item.new_seconds, entry),
                "occurred_at": occurred_at,
            }
            for item in found
            if item.issue_id in projects
        ]
    )


async def apply_entry(
    session: AsyncSession,
    entry: EntrySnapshot,
    *,
    deleted: bool,
    sequence: int,
    occurred_at: datetime,
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
    after = (
        None
        if deleted or entry.issue_id is None
        else EntryState(entry.issue_id, entry.duration_seconds)
    )
    found = time_activity(_before(stored), after)
    if found:
        await _record_activity(session, entry, found, occurred_at)
    return True
