"""Reading the directory's members: who is a live member, and members' display names."""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from worksync.resources.models import directory

MEMBERS = directory.members


async def is_live_member(session: AsyncSession, workspace_id: UUID, user_id: UUID) -> bool:
    found = await session.scalar(
        select(MEMBERS.c.user_id).where(
            MEMBERS.c.workspace_id == workspace_id,
            MEMBERS.c.user_id == user_id,
            MEMBERS.c.removed.is_(False),
        )
    )
    return found is not None


async def display_names(
    session: AsyncSession, workspace_id: UUID, user_ids: Iterable[UUID]
) -> dict[UUID, str | None]:
    """The names the directory knows (removed members keep theirs); one query."""
    wanted = set(user_ids)
    if not wanted:
        return {}
    rows = await session.execute(
        select(MEMBERS.c.user_id, MEMBERS.c.display_name).where(
            MEMBERS.c.workspace_id == workspace_id, MEMBERS.c.user_id.in_(wanted)
        )
    )
    return {row.user_id: row.display_name for row in rows}
