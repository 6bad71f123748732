"""Parent links (sub-issues, nested labels) must never form a loop."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import exists, func, select
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


async def lock_hierarchy(session: AsyncSession, kind: str, project_id: UUID) -> None:
    """Serialise the changes of parents of one kind in a project until commit: two changes
    that each pass `would_loop` alone could close a loop together (or, for issues, whose
    rows they lock, deadlock). Taken before any row lock."""
    key = func.hashtextextended(f"{kind}-parents:{project_id}", 0)
    await session.execute(select(func.pg_advisory_xact_lock(key)))
