"""SQL of card ranks: the project's rank lock, neighbours' ranks, and the rebalance."""

from __future__ import annotations

from collections.abc import Collection
from uuid import UUID

from sqlalchemy import String, Uuid, func, literal, select, update
from sqlalchemy.dialects.postgresql import ARRAY

from worksync.common.repository import Repository
from worksync.work_items.boards.ranks import MAX_LENGTH, after, between, spread
from worksync.work_items.models import Issue


class RankRepository(Repository):
    async def lock(self, project_id: UUID) -> None:
        """Rank writers of a project (moves, new issues, rebalances) take turns until commit."""
        await self.lock_key(f"ranks:{project_id}")

    async def ranks_of(self, project_id: UUID, issue_ids: Collection[UUID]) -> dict[UUID, str]:
        """The ranks of these live issues of the project."""
        rows = await self.session.execute(
            select(Issue.id, Issue.rank).where(
                Issue.project_id == project_id,
                Issue.id.in_(issue_ids),
                Issue.deleted_at.is_(None),
            )
        )
        return {row.id: row.rank for row in rows}

    async def next_rank(self, project_id: UUID) -> str:
        """A rank after every card of the project (the rank lock held)."""
        last = await self.session.scalar(
            select(func.max(Issue.rank)).where(Issue.project_id == project_id)
        )
        rank = after(last) or between(last, None)
        if len(rank) > MAX_LENGTH:
            await self.rebalance(project_id)
            return await self.next_rank(project_id)
        return rank

    async def rebalance(self, project_id: UUID, room: int = 0) -> list[str]:
        """Spread the project's ranks out evenly, keeping their order, with `room` more
        after them, which it answers (the rank lock held). Not a change of any issue's:
        neither `version` nor `updated_at` moves."""
        ids = list(
            await self.session.scalars(
                select(Issue.id)
                .where(Issue.project_id == project_id)
                .order_by(Issue.rank, Issue.id)
            )
        )
        ranks = spread(len(ids) + room)
        if not ids:
            return ranks
        pairs = (
            select(
                func.unnest(literal(ids, ARRAY(Uuid()))).label("id"),
                func.unnest(literal(ranks[: len(ids)], ARRAY(String()))).label("rank"),
            )
        ).subquery()
        await self.execute(
            update(Issue)
            .where(Issue.id == pairs.c.id)
            .values(rank=pairs.c.rank, updated_at=Issue.updated_at)
            .execution_options(synchronize_session=False)
        )
        return ranks[len(ids) :]

    async def next_ranks(self, project_id: UUID, count: int) -> list[str]:
        """`count` ascending ranks after every card of the project (the rank lock held)."""
        ranks: list[str] = []
        last = await self.next_rank(project_id)
        for _ in range(count):
            ranks.append(last)
            last = after(last) or between(last, None)
        if any(len(rank) > MAX_LENGTH for rank in ranks):
            return await self.rebalance(project_id, room=count)
        return ranks
