"""SQL of allocations."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.pagination import PageParams, SortKey, apply_keyset
from worksync.resources.models import Allocation


@dataclass(frozen=True)
class AllocationFilter:
    user_id: UUID | None = None
    project_id: UUID | None = None
    # Allocations overlapping [from_date, to_date] (either end may be open).
    from_date: date | None = None
    to_date: date | None = None


class AllocationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, allocation: Allocation) -> None:
        self.session.add(allocation)
        await self.session.flush()

    async def get(
        self, workspace_id: UUID, allocation_id: UUID, *, for_update: bool = False
    ) -> Allocation | None:
        statement = select(Allocation).where(
            Allocation.workspace_id == workspace_id, Allocation.id == allocation_id
        )
        if for_update:
            statement = statement.with_for_update().execution_options(populate_existing=True)
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

    async def delete(self, allocation: Allocation) -> None:
        await self.session.delete(allocation)
        await self.session.flush()
