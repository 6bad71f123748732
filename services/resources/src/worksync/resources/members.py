"""The directory's members as this service reads them: who is a live member (the rule a
request naming a user must pass), their display names, and which version of a membership
the directory holds."""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.directory import Directory, WorkspaceContext
from worksync.common.errors import unknown_reference
from worksync.common.repository import Repository
from worksync.resources.models import directory_tables

MEMBERS = directory_tables.members


async def require_live_member(
    session: AsyncSession, directory: Directory, context: WorkspaceContext, user_id: UUID
) -> None:
    """The user must be a live member of the caller's workspace (422 otherwise): as the
    projection knows, or, for a member it has not heard of yet (added a moment ago), as the
    workspace API answers (stored, so later reads of the projection find them too)."""
    member = await directory.workspace_member(
        session, context.membership, user_id, context.authorization
    )
    if member is None:
        raise unknown_reference("user_id", "member")


class MemberRepository(Repository):
    """Reads of the directory's members table (the directory writes it)."""

    async def display_names(
        self, workspace_id: UUID, user_ids: Iterable[UUID]
    ) -> dict[UUID, str | None]:
        """The names the directory knows (removed members keep theirs); one query."""
        wanted = set(user_ids)
        if not wanted:
            return {}
        rows = await self.session.execute(
            select(MEMBERS.c.user_id, MEMBERS.c.display_name).where(
                MEMBERS.c.workspace_id == workspace_id, MEMBERS.c.user_id.in_(wanted)
            )
        )
        return {row.user_id: row.display_name for row in rows}

    async def sequence(self, workspace_id: UUID, user_id: UUID) -> int | None:
        """The version of the membership the directory holds, if any."""
        stored: int | None = await self.session.scalar(
            select(MEMBERS.c.sequence).where(
                MEMBERS.c.workspace_id == workspace_id, MEMBERS.c.user_id == user_id
            )
        )
        return stored
