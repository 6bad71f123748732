"""SQL of deliverables."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import func, select

from worksync.common.pagination import PageParams, SortKey, apply_keyset
from worksync.common.repository import Repository
from worksync.resources.models import OPEN_DELIVERABLE_STATUSES, Deliverable


class DeliverableRepository(Repository):
    async def get(
        self, milestone_id: UUID, deliverable_id: UUID, *, for_update: bool = False
    ) -> Deliverable | None:
        statement = select(Deliverable).where(
            Deliverable.milestone_id == milestone_id, Deliverable.id == deliverable_id
        )
        if for_update:
            return await self.lock_for_update(statement)
        return await self.session.scalar(statement)

    async def page(
        self, milestone_id: UUID, key: SortKey, params: PageParams
    ) -> Sequence[Deliverable]:
        statement = select(Deliverable).where(Deliverable.milestone_id == milestone_id)
        return (await self.session.scalars(apply_keyset(statement, key, params))).all()

    async def open_required(self, milestone_id: UUID) -> int:
        """How many required deliverables of the milestone are open."""
        count = await self.session.scalar(
            select(func.count())
            .select_from(Deliverable)
            .where(
                Deliverable.milestone_id == milestone_id,
                Deliverable.required,
                Deliverable.status.in_(OPEN_DELIVERABLE_STATUSES),
            )
        )
        return int(count or 0)
