"""SQL of time entries and the logged minutes they add up to."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from uuid import UUID

from sqlalchemy import (
    BigInteger,
    Boolean,
    ColumnElement,
    Integer,
    SQLColumnExpression,
    Uuid,
    any_,
    bindparam,
    func,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY, insert

from worksync.common.repository import Repository, given_rows, orm_table
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
_entries = orm_table(TimeEntry)
_STORED = select(
    _entries.c.entry_id,
    _entries.c.issue_id,
    _entries.c.duration_seconds,
    _entries.c.deleted,
    _entries.c.sequence,
).where(_entries.c.entry_id == any_(bindparam("entry_ids", type_=ARRAY(Uuid))))
_STORED_TYPES = {
    "entry_id": Uuid,
    "workspace_id": Uuid,
    "issue_id": Uuid,
    "duration_seconds": Integer,
    "deleted": Boolean,
    "sequence": BigInteger,
}
_given_entries = given_rows("given_entries", _STORED_TYPES)
_inserted = insert(_entries).from_select(
    list(_STORED_TYPES), select(*(_given_entries.c[column] for column in _STORED_TYPES))
)
_STORE = _inserted.on_conflict_do_update(
    index_elements=[_entries.c.entry_id],
    set_={column: _inserted.excluded[column] for column in _STORED_TYPES if column != "entry_id"},
)
_named_issues = Issue.id == any_(bindparam("issue_ids", type_=ARRAY(Uuid)))
_LOCK_ISSUES = (
    select(Issue.id, Issue.workspace_id, Issue.project_id)
    .where(_named_issues)
    .order_by(Issue.id)
    .with_for_update()
)
_RECOMPUTE_LOGGED_MINUTES = (
    update(Issue)
    .where(_named_issues)
    .values(
        logged_minutes=logged_minutes(Issue.id, Issue.workspace_id), updated_at=Issue.updated_at
    )
    .execution_options(synchronize_session=False)
)


@dataclass(frozen=True)
class IssuePlace:
    """Where an issue is: its workspace and project."""

    workspace_id: UUID
    project_id: UUID


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
        if not entries:
            return
        states = list(entries.values())
        await self.session.execute(
            _STORE,
            {
                "entry_id": list(entries),
                "workspace_id": [workspace_id for workspace_id, _ in states],
                "issue_id": [entry.issue_id for _, entry in states],
                "duration_seconds": [entry.duration_seconds for _, entry in states],
                "deleted": [entry.deleted for _, entry in states],
                "sequence": [entry.sequence for _, entry in states],
            },
        )

    async def recompute_logged_minutes(self, issue_ids: Collection[UUID]) -> dict[UUID, IssuePlace]:
        """Logged minutes of these issues = their live entries' seconds / 60, rounded down;
        the workspace and project of each that exists (deleted or not).

        The issues are locked first, so that the sum (read by the next statement, which sees
        every commit before the lock was granted) cannot miss a concurrent event's entry.
        Not a change of the issue's own: neither `version` nor `updated_at` moves.
        """
        if not issue_ids:
            return {}
        named = {"issue_ids": list(issue_ids)}
        locked = await self.session.execute(_LOCK_ISSUES, named)
        places = {row.id: IssuePlace(row.workspace_id, row.project_id) for row in locked}
        await self.session.execute(_RECOMPUTE_LOGGED_MINUTES, named)
        return places
