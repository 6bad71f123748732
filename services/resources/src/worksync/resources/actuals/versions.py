"""What a batch of time-entry events leaves of each entry (rules only, no I/O).

Applied one after another, an entry's events keep the state of the newest `sequence`: an
event as old as (or older than) the state before it changes nothing. A batch therefore
leaves, per entry, its first version of the highest sequence, which one statement can then
store against what the database holds.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from worksync.common.events.handlers import Version
from worksync.resources.messaging.consumed import EntrySnapshot

EntryVersion = Version[EntrySnapshot]


@dataclass(frozen=True)
class EntryState:
    """An entry as the projection stores it: its seconds per date, each date once, in date
    order (none once deleted)."""

    entry_id: UUID
    workspace_id: UUID
    user_id: UUID
    project_id: UUID
    deleted: bool
    sequence: int
    days: tuple[tuple[date, int], ...]


def worked_days(entry: EntrySnapshot, *, deleted: bool) -> tuple[tuple[date, int], ...]:
    """Seconds per date in date order, days without seconds left out, none when deleted.
    The same date twice (not expected) adds up rather than failing the event forever."""
    if deleted:
        return ()
    seconds_per_day: defaultdict[date, int] = defaultdict(int)
    for day in entry.days:
        seconds_per_day[day.date] += day.seconds
    return tuple(sorted((day, seconds) for day, seconds in seconds_per_day.items() if seconds > 0))


def newest_states(versions: Iterable[EntryVersion]) -> list[EntryState]:
    """Per entry, the state its versions leave when applied in order (the first of the
    highest sequence), sorted by entry id so that concurrent writers lock rows in one order."""
    newest: dict[UUID, EntryVersion] = {}
    for version in versions:
        kept = newest.get(version.data.entry_id)
        if kept is None or kept.sequence < version.sequence:
            newest[version.data.entry_id] = version
    return [
        EntryState(
            entry_id=entry_id,
            workspace_id=version.data.workspace_id,
            user_id=version.data.user_id,
            project_id=version.data.project_id,
            deleted=version.deleted,
            sequence=version.sequence,
            days=worked_days(version.data, deleted=version.deleted),
        )
        for entry_id, version in sorted(newest.items())
    ]
