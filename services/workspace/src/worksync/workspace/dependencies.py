"""FastAPI dependencies: the settings and the services endpoints use.

The caller's access (the role guards) is in `access`; the request's clock is the kit's
`NowDep` (`worksync.common.clock`).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request

from worksync.common.db import SessionDep
from worksync.workspace.categories.service import CategoryService
from worksync.workspace.clients.service import ClientService
from worksync.workspace.config import WorkspaceSettings
from worksync.workspace.departments.service import DepartmentService
from worksync.workspace.invitations.service import InvitationService
from worksync.workspace.members.service import MemberService
from worksync.workspace.project_members.service import ProjectMemberService
from worksync.workspace.projects.service import ProjectService
from worksync.workspace.staff.importing import StaffImport
from worksync.workspace.staff.service import StaffService
from worksync.workspace.teams.service import TeamService
from worksync.workspace.workspaces.service import WorkspaceService


async def get_settings(request: Request) -> WorkspaceSettings:
    settings: WorkspaceSettings = request.app.state.settings
    return settings


SettingsDep = Annotated[WorkspaceSettings, Depends(get_settings)]


async def get_workspace_service(session: SessionDep) -> WorkspaceService:
    return WorkspaceService(session)


async def get_member_service(session: SessionDep) -> MemberService:
    return MemberService(session)


async def get_invitation_service(session: SessionDep, settings: SettingsDep) -> InvitationService:
    return InvitationService(session, timedelta(seconds=settings.invitation_ttl_seconds))


async def get_project_service(session: SessionDep) -> ProjectService:
    return ProjectService(session)


async def get_project_member_service(session: SessionDep) -> ProjectMemberService:
    return ProjectMemberService(session)


async def get_client_service(session: SessionDep) -> ClientService:
    return ClientService(session)


async def get_category_service(session: SessionDep) -> CategoryService:
    return CategoryService(session)


async def get_team_service(session: SessionDep) -> TeamService:
    return TeamService(session)


async def get_department_service(session: SessionDep) -> DepartmentService:
    return DepartmentService(session)


async def get_staff_service(session: SessionDep) -> StaffService:
    return StaffService(session)


async def get_staff_import(session: SessionDep) -> StaffImport:
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
