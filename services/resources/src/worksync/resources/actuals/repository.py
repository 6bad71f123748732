"""SQL of the actual-hours projection.

An entry's event is one statement, built once and compiled once (each event binds only its
values): the entry's row is stored if the event is newer than it, and only then are its days
replaced, in the same round trip.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from uuid import UUID

from sqlalchemy import ARRAY, Date, Integer, all_, bindparam, cast, delete, func, select, true
from sqlalchemy.dialects.postgresql import insert as upsert

from worksync.common.repository import Repository
from worksync.resources.models import ActualDay, ActualEntry
from worksync.resources.models.base import SCHEMA

# The tables themselves (Core statements, no ORM), typed as such.
_entries = ActualEntry.metadata.tables[f"{SCHEMA}.{ActualEntry.__tablename__}"]
_days = ActualDay.metadata.tables[f"{SCHEMA}.{ActualDay.__tablename__}"]

_ENTRY_COLUMNS = ("entry_id", "workspace_id", "user_id", "project_id", "deleted", "sequence")
_proposed = upsert(_entries).values({name: bindparam(name) for name in _ENTRY_COLUMNS})
# The entry's row when the event is newer than the stored one (no row otherwise).
_stored = (
    _proposed.on_conflict_do_update(
        index_elements=[_entries.c.entry_id],
        set_={
            **{name: _proposed.excluded[name] for name in _ENTRY_COLUMNS if name != "entry_id"},
            "applied_at": func.clock_timestamp(),
        },
        where=_entries.c.sequence < _proposed.excluded.sequence,
    )
    .returning(_entries.c.entry_id)
    .cte("stored")
)
_given_days = cast(bindparam("days"), ARRAY(Date))
_given = (
    func.unnest(_given_days, cast(bindparam("seconds"), ARRAY(Integer)))
    .table_valued("day", "seconds")
    .render_derived(name="given")
)
# Days the event no longer has. Those it has are upserted below: one statement cannot
# delete a row and insert its key again.
_stale_days = (
    delete(_days)
    .where(_days.c.entry_id.in_(select(_stored.c.entry_id)), _days.c.day != all_(_given_days))
    .cte("stale")
)
_written_days = upsert(_days).from_select(
    ["entry_id", "day", "seconds", "workspace_id", "user_id", "project_id"],
    select(
        _stored.c.entry_id,
        _given.c.day,
        _given.c.seconds,
        bindparam("workspace_id"),
        bindparam("user_id"),
        bindparam("project_id"),
    ).select_from(_stored.join(_given, true())),
)
_store_entry = _written_days.on_conflict_do_update(
    index_elements=[_days.c.entry_id, _days.c.day],
    set_={
        name: _written_days.excluded[name]
        for name in ("seconds", "workspace_id", "user_id", "project_id")
    },
).add_cte(_stale_days)


class ActualsRepository(Repository):
    async def store_entry(
        self,
        *,
        entry_id: UUID,
        workspace_id: UUID,
        user_id: UUID,
        project_id: UUID,
        deleted: bool,
        sequence: int,
        days: Sequence[tuple[date, int]],
    ) -> None:
        """Store the entry's state and its `days` (seconds per date, each date once) if
        `sequence` is newer than the stored one; otherwise change nothing."""
        await self.session.execute(
            _store_entry,
            {
                "entry_id": entry_id,
                "workspace_id": workspace_id,
                "user_id": user_id,
                "project_id": project_id,
                "deleted": deleted,
                "sequence": sequence,
                "days": [day for day, _ in days],
                "seconds": [seconds for _, seconds in days],
            },
        )
