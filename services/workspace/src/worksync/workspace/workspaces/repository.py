"""SQL of workspaces."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import Row, select

from worksync.common.pagination import PageParams, SortKey, apply_keyset
from worksync.common.repository import Repository
from worksync.workspace.errors import SlugTaken
from worksync.workspace.models import Membership, Workspace


class WorkspaceRepository(Repository):
    # Another workspace, live or deleted, has the slug (perhaps a racer's, just now).
    constraint_errors = {"uq_workspaces_slug": SlugTaken}

    async def get_for_update(self, workspace_id: UUID) -> Workspace:
        """The workspace, locked: changes to its owners serialise on this lock."""
        workspace = await self.session.scalar(
            select(Workspace)
            .where(Workspace.id == workspace_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        assert workspace is not None, "workspaces are never deleted from the table"
        return workspace

    async def live_with_membership(
        self, slug: str, user_id: UUID
    ) -> Row[Workspace, Membership] | None:
        """The live workspace `slug` with `user_id`'s live membership of it, if both exist."""
        statement = (
            select(Workspace, Membership)
            .join(Membership, Membership.workspace_id == Workspace.id)
            .where(
                Workspace.slug == slug,
                Workspace.deleted_at.is_(None),
                Membership.user_id == user_id,
                Membership.removed_at.is_(None),
            )
        )
        return (await self.session.execute(statement)).one_or_none()

    async def page_of_member(
        self, user_id: UUID, key: SortKey, params: PageParams
    ) -> Sequence[Row[Workspace, str]]:
        """The live workspaces `user_id` is a live member of, each with their role."""
        statement = (
            select(Workspace, Membership.role)
            .join(Membership, Membership.workspace_id == Workspace.id)
            .where(
                Membership.user_id == user_id,
                Membership.removed_at.is_(None),
                Workspace.deleted_at.is_(None),
            )
        )
        return (await self.session.execute(apply_keyset(statement, key, params))).all()
