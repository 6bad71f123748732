"""Parent links (sub-issues, nested labels) must never form a loop."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute


async def would_loop(
    session: AsyncSession,
    id_column: InstrumentedAttribute[UUID],
    parent_column: InstrumentedAttribute[UUID | None],
    *,
    node_id: UUID,
    parent_id: UUID,
) -> bool:
    """Whether making `parent_id` the parent of `node_id` closes a loop: `node_id` is
    `parent_id` itself or one of its ancestors (one recursive query, whatever the depth)."""
    ancestors = (
        select(id_column.label("id"), parent_column.label("parent_id"))
        .where(id_column == parent_id)
        .cte("ancestors", recursive=True)
    )
    # UNION, not UNION ALL: a loop already in the data ends the walk instead of spinning.
    ancestors = ancestors.union(
        select(id_column, parent_column).join(ancestors, id_column == ancestors.c.parent_id)
    )
    found = await session.scalar(select(exists().where(ancestors.c.id == node_id)))
    return bool(found)
