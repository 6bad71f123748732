"""Who may write and read which entries, from the directory.

- Guests may do nothing here (every route needs the member role).
- Members write and read their own entries; workspace owners and admins, and project
  admins within their projects, anyone's.
- Every write refuses a project whose time tracking is disabled or that is archived.
"""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import ColumnElement, Select, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.directory import (
    Directory,
    InsufficientRole,
    ProjectAccess,
    ProjectRole,
    WorkspaceContext,
)
from worksync.timetracking.errors import ProjectArchived, TimeTrackingDisabled
from worksync.timetracking.models import TimeEntry, directory


async def project_of(
    session: AsyncSession, directory_: Directory, workspace: WorkspaceContext, project_id: UUID
) -> ProjectAccess:
    """A project of the workspace the caller sees (404 otherwise), with their role."""
    return await directory_.project(
        session, workspace.membership, project_id, workspace.authorization
    )


def ensure_open_for_time(project: ProjectAccess) -> None:
    if project.archived_at is not None:
        raise ProjectArchived()
    if not project.is_time_tracking_enabled:
        raise TimeTrackingDisabled()


def administers(project: ProjectAccess) -> bool:
    return project.role is ProjectRole.ADMIN


def ensure_may_act_for(project: ProjectAccess, workspace: WorkspaceContext, user_id: UUID) -> None:
    """Anyone may act for themself; for others it takes a project (or workspace) admin."""
    if user_id != workspace.user_id and not administers(project):
        raise InsufficientRole(ProjectRole.ADMIN.value)


def administered_projects(workspace: WorkspaceContext) -> Select[tuple[UUID]]:
    members = directory.project_members
    return select(members.c.project_id).where(
        members.c.workspace_id == workspace.workspace_id,
        members.c.user_id == workspace.user_id,
        members.c.role == ProjectRole.ADMIN.value,
        members.c.removed.is_(False),
    )


def visible_entries(workspace: WorkspaceContext) -> ColumnElement[bool]:
    """The entries of the workspace the caller may read."""
    if workspace.role.administers:
        return true()
    return or_(
        TimeEntry.user_id == workspace.user_id,
        TimeEntry.project_id.in_(administered_projects(workspace)),
    )
