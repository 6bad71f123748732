"""Who may write and read which entries, from the directory.

- Guests may do nothing here (every route needs the member role).
- Members write and read their own entries; workspace owners and admins, and project
  admins within their projects, anyone's; team leads read (not write) their members' on
  the projects the lead sees.
- A private project is seen only by its project members and the workspace's owners and
  admins (the directory's rule): to anyone else it does not exist (404), so they neither
  record time on it (entries, timers, worklogs, duplicates) nor read its worklogs; time
  recorded for another user on it needs them to see it too (403 `not_project_member`).
- Every write refuses a project whose time tracking is disabled or that is archived.
"""

from __future__ import annotations

from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.directory import (
    Directory,
    DirectoryProject,
    ProjectRole,
    WorkspaceContext,
)
from worksync.common.roles import InsufficientRole
from worksync.timetracking.entries.repository import Reader
from worksync.timetracking.errors import ProjectArchived, TimeTrackingDisabled


async def project_of(
    session: AsyncSession, directory: Directory, workspace: WorkspaceContext, project_id: UUID
) -> DirectoryProject:
    """A project of the workspace the caller sees (404 otherwise), with their role."""
    return await directory.project(
        session, workspace.membership, project_id, workspace.authorization
    )


def ensure_open_for_time(project: DirectoryProject) -> None:
    if project.archived_at is not None:
        raise ProjectArchived()
    if not project.is_time_tracking_enabled:
        raise TimeTrackingDisabled()


def administers(project: DirectoryProject) -> bool:
    return project.role is ProjectRole.ADMIN


def ensure_may_act_for(
    project: DirectoryProject, workspace: WorkspaceContext, user_id: UUID
) -> None:
    """Anyone may act for themself; for others it takes a project (or workspace) admin."""
    if user_id != workspace.user_id and not administers(project):
        raise InsufficientRole(ProjectRole.ADMIN.value)


def entry_reader(workspace: WorkspaceContext) -> Reader:
    """Whose entries the caller reads: workspace owners and admins everyone's, others their
    own, those of the projects they administer and those of the members of the teams they
    lead."""
    return Reader(workspace.workspace_id, workspace.user_id, everyone=workspace.role.administers)
