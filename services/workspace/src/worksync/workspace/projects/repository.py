"""SQL of projects."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import Row, exists, or_, select
from sqlalchemy.orm import InstrumentedAttribute

from worksync.common.pagination import PageParams, SortKey, apply_keyset
from worksync.common.repository import Repository
from worksync.common.roles import ProjectRole, ProjectVisibility
from worksync.workspace.errors import IdentifierTaken
from worksync.workspace.models import Project, ProjectMembership
from worksync.workspace.projects.schemas import ProjectFilters
from worksync.workspace.search import contains


class ProjectRepository(Repository):
    # Another live project of the workspace has the identifier.
    constraint_errors = {"uq_projects_live_workspace_id_identifier": IdentifierTaken}

    async def get_live(self, workspace_id: UUID, project_id: UUID) -> Project | None:
        return await self.session.scalar(
            select(Project).where(
                Project.id == project_id,
                Project.workspace_id == workspace_id,
                Project.deleted_at.is_(None),
            )
        )

    async def live_with_membership(
        self, workspace_id: UUID, project_id: UUID, user_id: UUID
    ) -> Row[Project, ProjectMembership | None] | None:
        """The live project with `user_id`'s live membership of it (None if they have none)."""
        statement = (
            select(Project, ProjectMembership)
            .outerjoin(
                ProjectMembership,
                (ProjectMembership.project_id == Project.id)
                & (ProjectMembership.user_id == user_id)
                & ProjectMembership.removed_at.is_(None),
            )
            .where(
                Project.id == project_id,
                Project.workspace_id == workspace_id,
                Project.deleted_at.is_(None),
            )
        )
        return (await self.session.execute(statement)).one_or_none()

    async def get_for_update(self, workspace_id: UUID, project_id: UUID) -> Project | None:
        return await self.session.scalar(
            select(Project)
            .where(
                Project.id == project_id,
                Project.workspace_id == workspace_id,
                Project.deleted_at.is_(None),
            )
            .with_for_update()
            .execution_options(populate_existing=True)
        )

    async def led_by(self, workspace_id: UUID, user_id: UUID) -> Sequence[Project]:
        return (
            await self.session.scalars(
                select(Project)
                .where(
                    Project.workspace_id == workspace_id,
                    Project.lead_id == user_id,
                    Project.deleted_at.is_(None),
                )
                .order_by(Project.id)
                .with_for_update()
                .execution_options(populate_existing=True)
            )
        ).all()

    async def administered_by(self, user_id: UUID, project_ids: Sequence[UUID]) -> set[UUID]:
        """Those of `project_ids` that `user_id` is a live project admin of."""
        statement = select(ProjectMembership.project_id).where(
            ProjectMembership.project_id.in_(project_ids),
            ProjectMembership.user_id == user_id,
            ProjectMembership.role == ProjectRole.ADMIN,
            ProjectMembership.removed_at.is_(None),
        )
        return set((await self.session.scalars(statement)).all())

    async def any_live_refers_to(
        self, column: InstrumentedAttribute[Any], referenced_id: UUID
    ) -> bool:
        """Whether a live project names `referenced_id` in `column` (its client, category)."""
        statement = select(exists().where(column == referenced_id, Project.deleted_at.is_(None)))
        return bool(await self.session.scalar(statement))

    async def page(
        self,
        workspace_id: UUID,
        filters: ProjectFilters,
        member_id: UUID | None,
        key: SortKey,
        params: PageParams,
        *,
        public_too: bool = False,
    ) -> Sequence[Project]:
        """Live projects matching `filters`; if `member_id` is given, only those they belong
        to (and the public ones, with `public_too`)."""
        statement = select(Project).where(
            Project.workspace_id == workspace_id,
            Project.deleted_at.is_(None),
            Project.archived_at.is_not(None) if filters.archived else Project.archived_at.is_(None),
        )
        equal_to: list[tuple[InstrumentedAttribute[Any], object]] = [
            (Project.status, filters.status),
            (Project.priority, filters.priority),
            (Project.client_id, filters.client_id),
            (Project.category_id, filters.category_id),
            (Project.lead_id, filters.lead_id),
        ]
        for column, value in equal_to:
            if value is not None:
                statement = statement.where(column == value)
        if filters.search:
            statement = statement.where(contains(filters.search, Project.name, Project.identifier))
        if member_id is not None:
            belongs = exists().where(
                ProjectMembership.project_id == Project.id,
                ProjectMembership.user_id == member_id,
                ProjectMembership.removed_at.is_(None),
            )
            statement = statement.where(
                or_(Project.visibility == ProjectVisibility.PUBLIC, belongs)
                if public_too
                else belongs
            )
        return (await self.session.scalars(apply_keyset(statement, key, params))).all()
