"""SQL of the actual-hours projection.

A batch of entries is one statement, built once and compiled once (each batch binds only
its arrays of values): each entry's row is stored if its state is newer than the stored
one, and only then are its days replaced, in the same round trip.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import (
    ARRAY,
    BigInteger,
    Boolean,
    Date,
    Integer,
    Uuid,
    bindparam,
    cast,
    delete,
    exists,
    func,
    select,
)
from sqlalchemy.dialects.postgresql import insert as upsert

from worksync.common.repository import Repository, given_rows
from worksync.resources.actuals.versions import EntryState
from worksync.resources.models import ActualDay, ActualEntry
from worksync.resources.models.base import SCHEMA

# The tables themselves (Core statements, no ORM), typed as such.
_entries = ActualEntry.metadata.tables[f"{SCHEMA}.{ActualEntry.__tablename__}"]
_days = ActualDay.metadata.tables[f"{SCHEMA}.{ActualDay.__tablename__}"]

_ENTRY_COLUMNS = {
    "entry_id": Uuid,
    "workspace_id": Uuid,
    "user_id": Uuid,
    "project_id": Uuid,
    "deleted": Boolean,
    "sequence": BigInteger,
}
_given_entries = given_rows("given_entries", _ENTRY_COLUMNS)
_proposed = upsert(_entries).from_select(
    list(_ENTRY_COLUMNS), select(*(_given_entries.c[name] for name in _ENTRY_COLUMNS))
)
# The rows of the entries whose state is newer than the stored one (none of the others).
_stored = (
    _proposed.on_conflict_do_update(
        index_elements=[_entries.c.entry_id],
        set_={
            **{name: _proposed.excluded[name] for name in _ENTRY_COLUMNS if name != "entry_id"},
            "applied_at": func.clock_timestamp(),
        },
        where=_entries.c.sequence < _proposed.excluded.sequence,
    )
    .returning(
        _entries.c.entry_id, _entries.c.workspace_id, _entries.c.user_id, _entries.c.project_id
    )
    .cte("stored")
)
_given_days = (
    func.unnest(
        cast(bindparam("day_entry_ids"), ARRAY(Uuid)),
        cast(bindparam("days"), ARRAY(Date)),
        cast(bindparam("seconds"), ARRAY(Integer)),
    )
    .table_valued("entry_id", "day", "seconds")
    .render_derived(name="given_days")
)
# Days the stored entries no longer have. Those they have are upserted below: one statement
# cannot delete a row and insert its key again.
_stale_days = (
    delete(_days)
    .where(
        _days.c.entry_id.in_(select(_stored.c.entry_id)),
        ~exists().where(
            _given_days.c.entry_id == _days.c.entry_id, _given_days.c.day == _days.c.day
        ),
    )
    .cte("stale")
)
_written_days = upsert(_days).from_select(
    ["entry_id", "day", "seconds", "workspace_id", "user_id", "project_id"],
    select(
        _stored.c.entry_id,
        _given_days.c.day,
        _given_days.c.seconds,
        _stored.c.workspace_id,
        _stored.c.user_id,
        _stored.c.project_id,
    ).select_from(_stored.join(_given_days, _given_days.c.entry_id == _stored.c.entry_id)),
)
_store_entries = _written_days.on_conflict_do_update(
    index_elements=[_days.c.entry_id, _days.c.day],
    set_={
        name: _written_days.excluded[name]
        for name in ("seconds", "workspace_id", "user_id", "project_id")
    },
).add_cte(_stale_days)


class ActualsRepository(Repository):
    async def store_entries(self, states: Sequence[EntryState]) -> None:
        """Store each state and its days if its `sequence` is newer than the stored one;
        leave the others as they are. Each entry at most once in `states`."""
        if not states:
            return
        await self.session.execute(
            _store_entries,
            {
                **{name: [getattr(state, name) for state in states] for name in _ENTRY_COLUMNS},
                "day_entry_ids": [state.entry_id for state in states for _ in state.days],
                "days": [day for state in states for day, _ in state.days],
                "seconds": [seconds for state in states for _, seconds in state.days],
            },
        )
