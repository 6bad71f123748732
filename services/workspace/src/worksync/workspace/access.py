"""Who the caller is inside a workspace (and a project), resolved from the path, and the
role guards endpoints take.

Every workspace-scoped endpoint starts here: the slug must name a live workspace the
caller is a member of, else 404 — a workspace the caller does not belong to is
indistinguishable from one that does not exist (OWASP API1). The guards resolve `{ws}`
(and `{project_id}`) before anything else runs, so a foreign workspace or project is a 404
whatever the rest of the request holds; a member whose role falls short gets 403.

The guards have the names of the kit's (`worksync.common.directory`) and mean the same
capability, but read this service's own tables: it is where memberships are made.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated
from uuid import UUID

from fastapi import Depends, Path

from worksync.common.auth import CurrentPrincipal, Principal
from worksync.common.db import SessionDep
from worksync.common.errors import not_found
from worksync.common.roles import (
    InsufficientRole,
    ProjectRole,
    ProjectVisibility,
    WorkspaceRole,
    effective_project_role,
    sees_project,
)
from worksync.workspace.models import Membership, Project, ProjectMembership, Workspace
from worksync.workspace.projects.repository import ProjectRepository
from worksync.workspace.workspaces.repository import WorkspaceRepository

WorkspaceSlug = Annotated[str, Path(description="The workspace's slug")]
ProjectId = Annotated[UUID, Path(description="The project's id")]


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
        return self.role.administers

    def require(self, minimum: WorkspaceRole) -> WorkspaceAccess:
        if not self.role.at_least(minimum):
            raise InsufficientRole(minimum.value)
        return self


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
        member_role = ProjectRole(self.membership.role) if self.membership else None
        return effective_project_role(self.workspace.role, member_role)

    @property
    def is_admin(self) -> bool:
        return self.role == ProjectRole.ADMIN

    def require_admin(self) -> ProjectAccess:
        if not self.is_admin:
            raise InsufficientRole(f"project {ProjectRole.ADMIN}")
        return self


async def _workspace_access(
    ws: WorkspaceSlug, principal: CurrentPrincipal, session: SessionDep
) -> WorkspaceAccess:
    found = await WorkspaceRepository(session).live_with_membership(ws, principal.user_id)
    if found is None:
        raise not_found("workspace")
    return WorkspaceAccess(
        principal=principal, workspace=found.Workspace, membership=found.Membership
    )


def _workspace_role(
    at_least: WorkspaceRole,
) -> Callable[[WorkspaceAccess], Awaitable[WorkspaceAccess]]:
    """A dependency: the caller's access to `{ws}`, holding at least `at_least` (resolved
    once per request however many guards ask)."""

    async def require_workspace_role(
        access: Annotated[WorkspaceAccess, Depends(_workspace_access)],
    ) -> WorkspaceAccess:
        return access.require(at_least)

    return require_workspace_role


async def _project_access(
    access: Annotated[WorkspaceAccess, Depends(_workspace_access)],
    project_id: ProjectId,
    session: SessionDep,
) -> ProjectAccess:
    """Guests see only the projects they are members of, members the public ones and theirs
    (`sees_project`); to them the rest is 404, as if it did not exist."""
    found = await ProjectRepository(session).live_with_membership(
        access.workspace_id, project_id, access.user_id
    )
    if found is None:
        raise not_found("project")
    membership = found.ProjectMembership
    member_role = None if membership is None else ProjectRole(membership.role)
    if not sees_project(access.role, ProjectVisibility(found.Project.visibility), member_role):
        raise not_found("project")
    return ProjectAccess(
        workspace=access, project=found.Project, membership=found.ProjectMembership
    )


async def _project_admin(
    project: Annotated[ProjectAccess, Depends(_project_access)],
) -> ProjectAccess:
    return project.require_admin()


# The role guards, named by what the caller must be.
WorkspaceGuest = Annotated[WorkspaceAccess, Depends(_workspace_access)]
"""Anyone in the workspace, guests included (they see only what they take part in)."""
WorkspaceMember = Annotated[WorkspaceAccess, Depends(_workspace_role(WorkspaceRole.MEMBER))]
WorkspaceAdmin = Annotated[WorkspaceAccess, Depends(_workspace_role(WorkspaceRole.ADMIN))]
WorkspaceOwner = Annotated[WorkspaceAccess, Depends(_workspace_role(WorkspaceRole.OWNER))]
ProjectViewer = Annotated[ProjectAccess, Depends(_project_access)]
"""Anyone who sees the project: workspace owners and admins, its members, and for a public
one every workspace member."""
ProjectAdmin = Annotated[ProjectAccess, Depends(_project_admin)]
"""Project admins, workspace owners and admins included."""
