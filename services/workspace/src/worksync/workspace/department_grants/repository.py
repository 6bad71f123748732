"""SQL of department grants: what the tree grants, what is recorded, and managers' flags."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple
from uuid import UUID

from sqlalchemy import CTE, delete, insert, select, tuple_
from sqlalchemy.orm import aliased

from worksync.common.repository import Repository
from worksync.common.roles import WorkspaceRole
from worksync.workspace.models import (
    Department,
    DepartmentProjectGrant,
    Membership,
    Project,
    StaffProfile,
)


class Grant(NamedTuple):
    project_id: UUID
    user_id: UUID
    # The department the user manages, whose subtree links the project.
    department_id: UUID


def _managed_subtrees(workspace_id: UUID) -> CTE:
    """(granting department, its manager, a department of its subtree), live ones only."""
    top = (
        select(
            Department.id.label("granting_id"),
            Department.manager_id.label("manager_id"),
            Department.id.label("department_id"),
        )
        .where(
            Department.workspace_id == workspace_id,
            Department.deleted_at.is_(None),
            Department.manager_id.is_not(None),
        )
        .cte("managed", recursive=True)
    )
    child = aliased(Department)
    return top.union_all(
        select(top.c.granting_id, top.c.manager_id, child.id).where(
            child.parent_id == top.c.department_id,
            child.workspace_id == workspace_id,
            child.deleted_at.is_(None),
        )
    )


class GrantRepository(Repository):
    async def desired(self, workspace_id: UUID) -> set[Grant]:
        """Every grant the tree calls for now: each manager (a live member who is not a
        guest) of a live department, for every live project linked in its subtree."""
        managed = _managed_subtrees(workspace_id)
        linking = aliased(Department)
        statement = (
            select(Project.id, managed.c.manager_id, managed.c.granting_id)
            .distinct()
            .select_from(managed)
            .join(linking, linking.id == managed.c.department_id)
            .join(
                Project,
                (Project.id == linking.linked_project_id) & Project.deleted_at.is_(None),
            )
            .join(
                Membership,
                (Membership.workspace_id == workspace_id)
                & (Membership.user_id == managed.c.manager_id)
                & Membership.removed_at.is_(None)
                & (Membership.role != WorkspaceRole.GUEST),
            )
        )
        return {Grant(*row) for row in await self.session.execute(statement)}

    async def recorded(self, workspace_id: UUID) -> set[Grant]:
        rows = await self.session.execute(
            select(
                DepartmentProjectGrant.project_id,
                DepartmentProjectGrant.user_id,
                DepartmentProjectGrant.department_id,
            ).where(DepartmentProjectGrant.workspace_id == workspace_id)
        )
        return {Grant(*row) for row in rows}

    async def record(self, workspace_id: UUID, grants: Iterable[Grant]) -> None:
        values = [{"workspace_id": workspace_id, **grant._asdict()} for grant in grants]
        if values:
            await self.session.execute(insert(DepartmentProjectGrant), values)

    async def forget(self, grants: Iterable[Grant]) -> None:
        keys = [tuple(grant) for grant in grants]
        if keys:
            key = tuple_(
                DepartmentProjectGrant.project_id,
                DepartmentProjectGrant.user_id,
                DepartmentProjectGrant.department_id,
            )
            await self.session.execute(delete(DepartmentProjectGrant).where(key.in_(keys)))

    async def live_projects(self, project_ids: Iterable[UUID]) -> dict[UUID, Project]:
        projects = await self.session.scalars(
            select(Project).where(Project.id.in_(list(project_ids)), Project.deleted_at.is_(None))
        )
        return {project.id: project for project in projects}

    async def staff_with_stale_manager_flag(self, workspace_id: UUID) -> Sequence[StaffProfile]:
        """Live staff profiles whose `is_department_manager` disagrees with the tree, locked."""
        managers = select(Department.manager_id).where(
            Department.workspace_id == workspace_id,
            Department.deleted_at.is_(None),
            Department.manager_id.is_not(None),
        )
        return (
            await self.session.scalars(
                select(StaffProfile)
                .where(
                    StaffProfile.workspace_id == workspace_id,
                    StaffProfile.deleted_at.is_(None),
                    StaffProfile.is_department_manager.is_distinct_from(
                        StaffProfile.user_id.in_(managers)
                    ),
                )
                .order_by(StaffProfile.id)
                .with_for_update()
                .execution_options(populate_existing=True)
            )
        ).all()
