"""SQL of project memberships."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import Row, select

from worksync.common.pagination import PageParams, SortKey, apply_keyset
from worksync.common.repository import Repository
from worksync.common.roles import ProjectRole
from worksync.workspace.errors import AlreadyProjectMember
from worksync.workspace.models import Membership, ProjectMembership


class ProjectMemberRepository(Repository):
    # A racer inserted the same user's membership of the project.
    constraint_errors = {"uq_project_memberships_project_id_user_id": AlreadyProjectMember}

    async def get_live(self, project_id: UUID, user_id: UUID) -> ProjectMembership | None:
        return await self.session.scalar(
            select(ProjectMembership).where(
                ProjectMembership.project_id == project_id,
                ProjectMembership.user_id == user_id,
                ProjectMembership.removed_at.is_(None),
            )
        )

    async def get_for_update(self, project_id: UUID, user_id: UUID) -> ProjectMembership | None:
        """The membership row, removed or not, locked."""
        return await self.session.scalar(
            select(ProjectMembership)
            .where(ProjectMembership.project_id == project_id, ProjectMembership.user_id == user_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )

    async def live_of_user(self, workspace_id: UUID, user_id: UUID) -> Sequence[ProjectMembership]:
        return (
            await self.session.scalars(
                select(ProjectMembership)
                .where(
                    ProjectMembership.workspace_id == workspace_id,
                    ProjectMembership.user_id == user_id,
                    ProjectMembership.removed_at.is_(None),
                )
                .order_by(ProjectMembership.project_id)
                .with_for_update()
                .execution_options(populate_existing=True)
            )
        ).all()

    async def live_of_project(self, project_id: UUID) -> Sequence[ProjectMembership]:
        return (
            await self.session.scalars(
                select(ProjectMembership)
                .where(
                    ProjectMembership.project_id == project_id,
                    ProjectMembership.removed_at.is_(None),
                )
                .order_by(ProjectMembership.user_id)
                .with_for_update()
                .execution_options(populate_existing=True)
            )
        ).all()

    async def page(
        self, project_id: UUID, role: ProjectRole | None, key: SortKey, params: PageParams
    ) -> Sequence[Row[ProjectMembership, str, str]]:
        """Live members of the project, each with the email and name of their membership."""
        statement = (
            select(ProjectMembership, Membership.email, Membership.display_name)
            .join(
                Membership,
                (Membership.workspace_id == ProjectMembership.workspace_id)
                & (Membership.user_id == ProjectMembership.user_id),
            )
            .where(
                ProjectMembership.project_id == project_id,
                ProjectMembership.removed_at.is_(None),
            )
        )
        if role is not None:
            statement = statement.where(ProjectMembership.role == role)
        return (await self.session.execute(apply_keyset(statement, key, params))).all()
