"""Reading the directory's members: who is a live member, and members' display names."""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.directory import Directory, WorkspaceContext
from worksync.resources.models import directory

MEMBERS = directory.members


async def is_live_member(
    session: AsyncSession, directory_: Directory, context: WorkspaceContext, user_id: UUID
) -> bool:
    """Whether the user is a live member of the caller's workspace: as the projection knows,
    or, for a member it has not heard of yet (added a moment ago), as the workspace API
    answers (stored, so later reads of the projection find them too)."""
    member = await directory_.workspace_member(
        session, context.membership, user_id, context.authorization
    )
    return member is not None


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
