"""SQL of allocations."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from sqlalchemy import ColumnElement, or_, select

from worksync.common.directory import projects_seen_by
from worksync.common.pagination import PageParams, SortKey, apply_keyset
from worksync.common.repository import Repository
from worksync.resources.models import Allocation, directory_tables


@dataclass(frozen=True)
class AllocationFilter:
    user_id: UUID | None = None
    project_id: UUID | None = None
    # Allocations overlapping [from_date, to_date] (either end may be open).
    from_date: date | None = None
    to_date: date | None = None


def _seen_by(workspace_id: UUID, user_id: UUID) -> ColumnElement[bool]:
    """The allocations a member who is no workspace admin sees: their own, and those on the
    projects they see (a private project's only when they belong to it)."""
    return or_(
        Allocation.user_id == user_id,
        Allocation.project_id.in_(projects_seen_by(directory_tables, workspace_id, user_id)),
    )


class AllocationRepository(Repository):
    async def get(
        self,
        workspace_id: UUID,
        allocation_id: UUID,
        *,
        for_update: bool = False,
        seen_by: UUID | None = None,
    ) -> Allocation | None:
        """The allocation; if `seen_by` is given, only when that member sees it."""
        statement = select(Allocation).where(
            Allocation.workspace_id == workspace_id, Allocation.id == allocation_id
        )
        if seen_by is not None:
            statement = statement.where(_seen_by(workspace_id, seen_by))
        if for_update:
            return await self.lock_for_update(statement)
        return await self.session.scalar(statement)

    async def page(
        self,
        workspace_id: UUID,
        where: AllocationFilter,
        key: SortKey,
        params: PageParams,
        *,
        seen_by: UUID | None = None,
    ) -> Sequence[Allocation]:
        """A page of the allocations matching `where`; only those `seen_by` sees, if given."""
        statement = select(Allocation).where(Allocation.workspace_id == workspace_id)
        if seen_by is not None:
            statement = statement.where(_seen_by(workspace_id, seen_by))
        if where.user_id is not None:
            statement = statement.where(Allocation.user_id == where.user_id)
        if where.project_id is not None:
            statement = statement.where(Allocation.project_id == where.project_id)
        if where.from_date is not None:
            statement = statement.where(Allocation.end_date >= where.from_date)
        if where.to_date is not None:
            statement = statement.where(Allocation.start_date <= where.to_date)
        return (await self.session.scalars(apply_keyset(statement, key, params))).all()
