"""Who the caller is inside a workspace (and a project), resolved from the path.

Every workspace-scoped endpoint starts here: the slug must name a live workspace the
caller is a member of, else 404 — a workspace the caller does not belong to is
indistinguishable from one that does not exist (OWASP API1).
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.auth import Principal
from worksync.workspace.enums import ProjectRole, WorkspaceRole
from worksync.workspace.errors import RoleRequired, not_found
from worksync.workspace.models import Membership, Project, ProjectMembership, Workspace


@dataclass(frozen=True)
class WorkspaceAccess:
    principal: Principal
    workspace: Workspace
    membership: Membership

    @property
    def user_id(self) -> UUID:
        return self.principal.user_id

    @property
    def workspace_id(self) -> UUID:
        return self.workspace.id

    @property
    def role(self) -> WorkspaceRole:
        return WorkspaceRole(self.membership.role)

    @property
    def is_admin(self) -> bool:
        return self.role.at_least(WorkspaceRole.ADMIN)

    def require(self, minimum: WorkspaceRole) -> WorkspaceAccess:
        if not self.role.at_least(minimum):
            raise RoleRequired(minimum)
        return self


async def resolve_workspace_access(
    session: AsyncSession, slug: str, principal: Principal
) -> WorkspaceAccess:
    row = (
        await session.execute(
            select(Workspace, Membership)
            .join(Membership, Membership.workspace_id == Workspace.id)
            .where(
                Workspace.slug == slug,
                Workspace.deleted_at.is_(None),
                Membership.user_id == principal.user_id,
                Membership.removed_at.is_(None),
            )
        )
    ).one_or_none()
    if row is None:
        raise not_found("workspace")
    return WorkspaceAccess(principal=principal, workspace=row.Workspace, membership=row.Membership)


@dataclass(frozen=True)
class ProjectAccess:
    """A project the caller may see, and what they may do with it."""

    workspace: WorkspaceAccess
    project: Project
    # The caller's own membership of the project, if any.
    membership: ProjectMembership | None

    @property
    def role(self) -> ProjectRole | None:
        """Workspace owners and admins are project admins whether or not they are members."""
        if self.workspace.is_admin:
            return ProjectRole.ADMIN
        return ProjectRole(self.membership.role) if self.membership else None

    @property
    def is_admin(self) -> bool:
        return self.role == ProjectRole.ADMIN

    def require_admin(self) -> ProjectAccess:
        if not self.is_admin:
            raise RoleRequired("project admin")
        return self


async def resolve_project_access(
    session: AsyncSession, access: WorkspaceAccess, project_id: UUID
) -> ProjectAccess:
    """Guests see only the projects they are members of; to everyone else the rest is 404."""
    row = (
        await session.execute(
            select(Project, ProjectMembership)
            .outerjoin(
                ProjectMembership,
                (ProjectMembership.project_id == Project.id)
                & (ProjectMembership.user_id == access.user_id)
                & ProjectMembership.removed_at.is_(None),
            )
            .where(
                Project.id == project_id,
                Project.workspace_id == access.workspace_id,
                Project.deleted_at.is_(None),
            )
        )
    ).one_or_none()
    if row is None or (access.role is WorkspaceRole.GUEST and row.ProjectMembership is None):
        raise not_found("project")
    return ProjectAccess(workspace=access, project=row.Project, membership=row.ProjectMembership)
