"""SQL of workspace memberships."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import func, select

from worksync.common.pagination import PageParams, SortKey, apply_keyset
from worksync.common.repository import Repository
from worksync.common.roles import WorkspaceRole
from worksync.workspace.errors import AlreadyMember
from worksync.workspace.models import Membership
from worksync.workspace.search import contains


class MemberRepository(Repository):
    # The user has a membership row in this workspace already (a racer inserted it).
    constraint_errors = {"uq_memberships_workspace_id_user_id": AlreadyMember}

    async def get(
        self, workspace_id: UUID, user_id: UUID, *, for_update: bool = False
    ) -> Membership | None:
        """The membership row, removed or not."""
        statement = select(Membership).where(
            Membership.workspace_id == workspace_id, Membership.user_id == user_id
        )
        if for_update:
            statement = statement.with_for_update().execution_options(populate_existing=True)
        return await self.session.scalar(statement)

    async def get_live(
        self, workspace_id: UUID, user_id: UUID, *, for_update: bool = False
    ) -> Membership | None:
        membership = await self.get(workspace_id, user_id, for_update=for_update)
        return membership if membership is not None and membership.removed_at is None else None

    async def live_owners(self, workspace_id: UUID) -> Sequence[Membership]:
        """The owners, longest-standing first."""
        return (
            await self.session.scalars(
                select(Membership)
                .where(
                    Membership.workspace_id == workspace_id,
                    Membership.role == WorkspaceRole.OWNER,
                    Membership.removed_at.is_(None),
                )
                .order_by(Membership.joined_at, Membership.id)
            )
        ).all()

    async def live_with_email(self, workspace_id: UUID, email: str) -> Membership | None:
        return await self.session.scalar(
            select(Membership)
            .where(
                Membership.workspace_id == workspace_id,
                func.lower(Membership.email) == email.lower(),
                Membership.removed_at.is_(None),
            )
            .limit(1)
        )

    async def live_of_workspace(self, workspace_id: UUID) -> Sequence[Membership]:
        return (
            await self.session.scalars(
                select(Membership)
                .where(Membership.workspace_id == workspace_id, Membership.removed_at.is_(None))
                .order_by(Membership.id)
                .with_for_update()
            )
        ).all()

    async def live_of_user(
        self, user_id: UUID, *, for_update: bool = False
    ) -> Sequence[Membership]:
        """Every live membership of a user, in one order so that lockers never deadlock.

        Changes that may end an owner's membership lock the workspace first: they take
        these rows unlocked and lock each after its workspace.
        """
        statement = (
            select(Membership)
            .where(Membership.user_id == user_id, Membership.removed_at.is_(None))
            .order_by(Membership.workspace_id)
        )
        if for_update:
            statement = statement.with_for_update().execution_options(populate_existing=True)
        return (await self.session.scalars(statement)).all()

    async def page(
        self,
        workspace_id: UUID,
        role: WorkspaceRole | None,
        search: str | None,
        user_ids: list[UUID] | None,
        key: SortKey,
        params: PageParams,
    ) -> Sequence[Membership]:
        statement = select(Membership).where(
            Membership.workspace_id == workspace_id, Membership.removed_at.is_(None)
        )
        if user_ids is not None:
            statement = statement.where(Membership.user_id.in_(user_ids))
        if role is not None:
            statement = statement.where(Membership.role == role)
        if search:
            statement = statement.where(contains(search, Membership.display_name, Membership.email))
        return (await self.session.scalars(apply_keyset(statement, key, params))).all()
