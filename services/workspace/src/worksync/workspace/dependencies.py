"""FastAPI dependencies: the request's clock and settings, and the caller's access.

The access dependencies resolve `{ws}` (and `{project_id}`) before anything else runs,
so a foreign workspace or project is a 404 whatever the rest of the request holds.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated
from uuid import UUID

from fastapi import Depends, Path, Request

from worksync.common.auth import CurrentPrincipal
from worksync.common.db import SessionDep
from worksync.workspace.access import (
    ProjectAccess,
    WorkspaceAccess,
    resolve_project_access,
    resolve_workspace_access,
)
from worksync.workspace.categories.service import CategoryService
from worksync.workspace.clients.service import ClientService
from worksync.workspace.config import WorkspaceSettings
from worksync.workspace.departments.service import DepartmentService
from worksync.workspace.enums import WorkspaceRole
from worksync.workspace.invitations.service import InvitationService
from worksync.workspace.members.service import MemberService
from worksync.workspace.project_members.service import ProjectMemberService
from worksync.workspace.projects.service import ProjectService
from worksync.workspace.staff.importing import StaffImport
from worksync.workspace.staff.service import StaffService
from worksync.workspace.teams.service import TeamService
from worksync.workspace.workspaces.service import WorkspaceService


def utc_now() -> datetime:
    """One timestamp per request, so that everything a request writes agrees."""
    return datetime.now(UTC)


NowDep = Annotated[datetime, Depends(utc_now)]


def get_settings(request: Request) -> WorkspaceSettings:
    settings: WorkspaceSettings = request.app.state.settings
    return settings


SettingsDep = Annotated[WorkspaceSettings, Depends(get_settings)]


WorkspaceSlug = Annotated[str, Path(description="The workspace's slug")]
ProjectId = Annotated[UUID, Path(description="The project's id")]


async def get_workspace_access(
    ws: WorkspaceSlug, principal: CurrentPrincipal, session: SessionDep
) -> WorkspaceAccess:
    return await resolve_workspace_access(session, ws, principal)


WorkspaceAccessDep = Annotated[WorkspaceAccess, Depends(get_workspace_access)]


def require_member(access: WorkspaceAccessDep) -> WorkspaceAccess:
    """Members and above: guests only see what they take part in."""
    return access.require(WorkspaceRole.MEMBER)


def require_admin(access: WorkspaceAccessDep) -> WorkspaceAccess:
    return access.require(WorkspaceRole.ADMIN)


def require_owner(access: WorkspaceAccessDep) -> WorkspaceAccess:
    return access.require(WorkspaceRole.OWNER)


MemberAccessDep = Annotated[WorkspaceAccess, Depends(require_member)]
AdminAccessDep = Annotated[WorkspaceAccess, Depends(require_admin)]
OwnerAccessDep = Annotated[WorkspaceAccess, Depends(require_owner)]


async def get_project_access(
    access: WorkspaceAccessDep, project_id: ProjectId, session: SessionDep
) -> ProjectAccess:
    return await resolve_project_access(session, access, project_id)


ProjectAccessDep = Annotated[ProjectAccess, Depends(get_project_access)]


def require_project_admin(project: ProjectAccessDep) -> ProjectAccess:
    return project.require_admin()


ProjectAdminAccessDep = Annotated[ProjectAccess, Depends(require_project_admin)]


def get_workspace_service(session: SessionDep) -> WorkspaceService:
    return WorkspaceService(session)


def get_member_service(session: SessionDep) -> MemberService:
    return MemberService(session)


def get_invitation_service(session: SessionDep, settings: SettingsDep) -> InvitationService:
    return InvitationService(session, timedelta(seconds=settings.invitation_ttl_seconds))


def get_project_service(session: SessionDep) -> ProjectService:
    return ProjectService(session)


def get_project_member_service(session: SessionDep) -> ProjectMemberService:
    return ProjectMemberService(session)


def get_client_service(session: SessionDep) -> ClientService:
    return ClientService(session)


def get_category_service(session: SessionDep) -> CategoryService:
    return CategoryService(session)


def get_team_service(session: SessionDep) -> TeamService:
    return TeamService(session)


def get_department_service(session: SessionDep) -> DepartmentService:
    return DepartmentService(session)


def get_staff_service(session: SessionDep) -> StaffService:
    return StaffService(session)


def get_staff_import(session: SessionDep) -> StaffImport:
    return StaffImport(session)


WorkspaceServiceDep = Annotated[WorkspaceService, Depends(get_workspace_service)]
MemberServiceDep = Annotated[MemberService, Depends(get_member_service)]
InvitationServiceDep = Annotated[InvitationService, Depends(get_invitation_service)]
ProjectServiceDep = Annotated[ProjectService, Depends(get_project_service)]
ProjectMemberServiceDep = Annotated[ProjectMemberService, Depends(get_project_member_service)]
ClientServiceDep = Annotated[ClientService, Depends(get_client_service)]
CategoryServiceDep = Annotated[CategoryService, Depends(get_category_service)]
TeamServiceDep = Annotated[TeamService, Depends(get_team_service)]
DepartmentServiceDep = Annotated[DepartmentService, Depends(get_department_service)]
StaffServiceDep = Annotated[StaffService, Depends(get_staff_service)]
StaffImportDep = Annotated[StaffImport, Depends(get_staff_import)]
