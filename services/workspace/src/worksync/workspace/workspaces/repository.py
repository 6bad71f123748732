"""SQL of workspaces."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import Row, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.pagination import PageParams, SortKey, apply_keyset
from worksync.workspace.integrity import violated_unique
from worksync.workspace.models import Membership, Workspace

SLUG_UNIQUE = "uq_workspaces_slug"


class DuplicateSlug(Exception):
    """Another workspace, live or deleted, has this slug."""


class WorkspaceRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, workspace: Workspace) -> None:
        """Insert `workspace`; raises DuplicateSlug when the slug is taken (even by a racer)."""
        self.session.add(workspace)
        try:
            await self.session.flush()
        except IntegrityError as exc:
            if violated_unique(exc, SLUG_UNIQUE):
                raise DuplicateSlug from exc
            raise

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
