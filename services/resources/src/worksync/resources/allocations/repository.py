"""SQL of allocations."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from sqlalchemy import select

from worksync.common.pagination import PageParams, SortKey, apply_keyset
from worksync.common.repository import Repository
from worksync.resources.models import Allocation


@dataclass(frozen=True)
class AllocationFilter:
    user_id: UUID | None = None
    project_id: UUID | None = None
    # Allocations overlapping [from_date, to_date] (either end may be open).
    from_date: date | None = None
    to_date: date | None = None


class AllocationRepository(Repository):
    async def get(
        self, workspace_id: UUID, allocation_id: UUID, *, for_update: bool = False
    ) -> Allocation | None:
        statement = select(Allocation).where(
            Allocation.workspace_id == workspace_id, Allocation.id == allocation_id
        )
        if for_update:
            return await self.lock_for_update(statement)
        return await self.session.scalar(statement)

    async def page(
        self, workspace_id: UUID, where: AllocationFilter, key: SortKey, params: PageParams
    ) -> Sequence[Allocation]:
        statement = select(Allocation).where(Allocation.workspace_id == workspace_id)
        if where.user_id is not None:
            statement = statement.where(Allocation.user_id == where.user_id)
        if where.project_id is not None:
            statement = statement.where(Allocation.project_id == where.project_id)
        if where.from_date is not None:
            statement = statement.where(Allocation.end_date >= where.from_date)
        if where.to_date is not None:
            statement = statement.where(Allocation.start_date <= where.to_date)
        return (await self.session.scalars(apply_keyset(statement, key, params))).all()
