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

from collections.abc import Mapping, Sequence
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from worksync.work_items.activity.repository import ActivityRepository
from worksync.work_items.messaging.consumed import EntrySnapshot
from worksync.work_items.time_logs.repository import IssuePlace, TimeEntryRepository
from worksync.work_items.time_logs.versions import AppliedVersion, EntryVersion, fold


def _time(seconds: int | None, entry: EntrySnapshot) -> dict[str, Any] | None:
    if seconds is None:
        return None
    return {"entry_id": str(entry.entry_id), "minutes": seconds // 60, "seconds": seconds}


async def _record_activity(
    session: AsyncSession, applied: Sequence[AppliedVersion], issues: Mapping[UUID, IssuePlace]
) -> None:
    """The feed entries of `applied` on the issues among `issues` (those the versions
    touched that exist here, deleted ones too, as they keep their feed) of the entry's own
    workspace."""
    rows = []
    for item in applied:
        entry = item.version.data
        known = {
            issue_id: place.project_id
            for issue_id, place in issues.items()
            if place.workspace_id == entry.workspace_id
        }
        rows += [
            {
                "workspace_id": entry.workspace_id,
                "project_id": known[found.issue_id],
                "issue_id": found.issue_id,
                "actor_id": entry.user_id,
                "kind": found.kind.value,
                "field": None,
                "old_value": _time(found.old_seconds, entry),
                "new_value": _time(found.new_seconds, entry),
                "occurred_at": item.version.occurred_at,
            }
            for found in item.activity
            if found.issue_id in known
        ]
    await ActivityRepository(session).add_entries(rows)


async def apply_entries(session: AsyncSession, versions: Sequence[EntryVersion]) -> None:
    """Apply `versions` as if one after another, in their order: a few statements for the
    whole batch, whatever its size."""
    entries = TimeEntryRepository(session)
    folded = fold(await entries.lock({version.data.entry_id for version in versions}), versions)
    if not folded.applied:
        return
    await entries.store(folded.stored)
    issues = await entries.recompute_logged_minutes(folded.touched_issue_ids)
    await _record_activity(session, folded.applied, issues)
