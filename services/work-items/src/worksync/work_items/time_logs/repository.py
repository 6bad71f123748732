"""SQL of time entries and the logged minutes they add up to."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from uuid import UUID

from sqlalchemy import (
    ColumnElement,
    SQLColumnExpression,
    Uuid,
    any_,
    bindparam,
    func,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY, insert

from worksync.common.repository import Repository
from worksync.work_items.built_rows import table_of
from worksync.work_items.models import Issue, TimeEntry
from worksync.work_items.time_logs.versions import StoredEntry


def logged_minutes(
    issue_id: SQLColumnExpression[UUID], workspace_id: SQLColumnExpression[UUID]
) -> ColumnElement[int]:
    """An issue's logged minutes: its live entries' seconds / 60, rounded down."""
    logged_seconds = (
        select(func.coalesce(func.sum(TimeEntry.duration_seconds), 0))
        .where(
            TimeEntry.issue_id == issue_id,
            # An entry naming an issue of another workspace counts nowhere.
            TimeEntry.workspace_id == workspace_id,
            TimeEntry.deleted.is_(False),
        )
        .scalar_subquery()
    )
    return logged_seconds // 60


# Built once with bound values: every batch of time-entry events runs them, and building
# them cost more of the worker's time than running them.
_entries = table_of(TimeEntry)
_STORED = select(
    _entries.c.entry_id,
    _entries.c.issue_id,
    _entries.c.duration_seconds,
    _entries.c.deleted,
    _entries.c.sequence,
).where(_entries.c.entry_id == any_(bindparam("entry_ids", type_=ARRAY(Uuid))))
_STORED_COLUMNS = ("workspace_id", "issue_id", "duration_seconds", "deleted", "sequence")
_inserted = insert(_entries).values(
    {column: bindparam(column) for column in ("entry_id", *_STORED_COLUMNS)}
)
_STORE = _inserted.on_conflict_do_update(
    index_elements=[_entries.c.entry_id],
    set_={column: _inserted.excluded[column] for column in _STORED_COLUMNS},
)
_named_issues = Issue.id == any_(bindparam("issue_ids", type_=ARRAY(Uuid)))
_LOCK_ISSUES = select(Issue.id).where(_named_issues).order_by(Issue.id).with_for_update()
_RECOMPUTE_LOGGED_MINUTES = (
    update(Issue)
    .where(_named_issues)
    .values(
        logged_minutes=logged_minutes(Issue.id, Issue.workspace_id), updated_at=Issue.updated_at
    )
    .execution_options(synchronize_session=False)
)


class TimeEntryRepository(Repository):
    async def lock(self, entry_ids: Collection[UUID]) -> dict[UUID, StoredEntry]:
        """These entries as stored (those ever seen), after taking their locks until commit:
        events of one entry take turns, so each sees where the previous one left its time."""
        await self.lock_keys([str(entry_id) for entry_id in entry_ids])
        rows = await self.session.execute(_STORED, {"entry_ids": list(entry_ids)})
        return {
            row.entry_id: StoredEntry(
                issue_id=row.issue_id,
                duration_seconds=row.duration_seconds,
                deleted=row.deleted,
                sequence=row.sequence,
            )
            for row in rows
        }

    async def store(self, entries: Mapping[UUID, tuple[UUID, StoredEntry]]) -> None:
        """Each entry's state (with its workspace), in one statement."""
        await self.session.execute(
            _STORE,
            [
                {
                    "entry_id": entry_id,
                    "workspace_id": workspace_id,
                    "issue_id": entry.issue_id,
                    "duration_seconds": entry.duration_seconds,
                    "deleted": entry.deleted,
                    "sequence": entry.sequence,
                }
                for entry_id, (workspace_id, entry) in entries.items()
            ],
        )

    async def recompute_logged_minutes(self, issue_ids: Collection[UUID]) -> None:
        """Logged minutes of these issues = their live entries' seconds / 60, rounded down.

        The issues are locked first, so that the sum (read by the next statement, which sees
        every commit before the lock was granted) cannot miss a concurrent event's entry.
        Not a change of the issue's own: neither `version` nor `updated_at` moves.
        """
        if not issue_ids:
            return
        named = {"issue_ids": list(issue_ids)}
        await self.session.execute(_LOCK_ISSUES, named)
        await self.session.execute(_RECOMPUTE_LOGGED_MINUTES, named)
