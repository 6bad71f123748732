"""SQL of allocations."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from uuid import UUID

from sqlalchemy import Select, Uuid, bindparam, or_, select

from worksync.common.directory import (
    READER_ID,
    READER_WORKSPACE_ID,
    ReaderIds,
    projects_seen_by,
    reader_values,
)
from worksync.common.pagination import PageParams, SortKey, apply_bound_keyset, keyset_parameters
from worksync.common.repository import BoundFilters, Repository
from worksync.resources.models import Allocation, directory_tables


@dataclass(frozen=True)
class AllocationFilter:
    user_id: UUID | None = None
    project_id: UUID | None = None
    # Allocations overlapping [from_date, to_date] (either end may be open).
    from_date: date | None = None
    to_date: date | None = None


# What a member who is no workspace admin sees: their own allocations, and those on the
# projects they see (a private project's only when they belong to it); the reader bound (the
# kit's `READER_…`), so that the selects below are built once.
_SEEN_BY_READER = or_(
    Allocation.user_id == READER_ID,
    Allocation.project_id.in_(projects_seen_by(directory_tables, READER_WORKSPACE_ID, READER_ID)),
)
# The list's filters (`AllocationFilter`'s fields), each a condition on a value bound by its
# name.
_FILTERS = BoundFilters(
    {
        "user_id": Allocation.user_id == bindparam("user_id"),
        "project_id": Allocation.project_id == bindparam("project_id"),
        "from_date": Allocation.end_date >= bindparam("from_date"),
        "to_date": Allocation.start_date <= bindparam("to_date"),
    }
)


def _readable(everyone: bool) -> Select[Allocation]:
    """The reader's workspace's allocations the reader sees (all: `everyone`)."""
    query = select(Allocation).where(Allocation.workspace_id == READER_WORKSPACE_ID)
    return query if everyone else query.where(_SEEN_BY_READER)


# One allocation the reader sees, by its id (`allocation_id`).
_ONE = {
    everyone: _readable(everyone).where(Allocation.id == bindparam("allocation_id", type_=Uuid))
    for everyone in (False, True)
}


@lru_cache(maxsize=64)
def _page(
    everyone: bool, filtered: frozenset[str], key: SortKey, *, after_cursor: bool
) -> Select[Allocation]:
    """A keyset page of `_readable` allocations narrowed by the `filtered` filters, built
    once per shape (`reader_values`, the filters' `given` values and `keyset_parameters`
    give its values)."""
    query = _readable(everyone).where(*_FILTERS.conditions(filtered))
    return apply_bound_keyset(query, key, after_cursor=after_cursor)


class AllocationRepository(Repository):
    async def get(
        self, reader: ReaderIds, allocation_id: UUID, *, everyone: bool, for_update: bool = False
    ) -> Allocation | None:
        """The allocation, when `reader` sees it (any of the workspace's: `everyone`)."""
        values = {**reader_values(reader), "allocation_id": allocation_id}
        if for_update:
            return await self.lock_for_update(_ONE[everyone].params(values))
        return await self.session.scalar(_ONE[everyone], values)

    async def page(
        self,
        reader: ReaderIds,
        where: AllocationFilter,
        key: SortKey,
        params: PageParams,
        *,
        everyone: bool,
    ) -> Sequence[Allocation]:
        """A page of the allocations matching `where` that `reader` sees (any of the
        workspace's: `everyone`)."""
        values = _FILTERS.given(where)
        statement = _page(everyone, frozenset(values), key, after_cursor=params.cursor is not None)
        parameters = {**reader_values(reader), **values, **keyset_parameters(key, params)}
        return (await self.session.scalars(statement, parameters)).all()
