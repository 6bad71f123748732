"""`/workspaces/{ws}/projects/{project_id}/members`: who works on a project."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Response, status

from worksync.common.clock import NowDep
from worksync.common.errors import error_responses
from worksync.common.pagination import Page, PageParams, page_params
from worksync.common.preconditions import IfMatch
from worksync.common.responses import encoded
from worksync.common.roles import ProjectRole
from worksync.workspace.access import ProjectAdmin, ProjectViewer
from worksync.workspace.dependencies import ProjectMemberServiceDep
from worksync.workspace.project_members.schemas import (
    ProjectMember,
    ProjectMemberCreate,
    ProjectMemberUpdate,
)

router = APIRouter(
    prefix="/workspaces/{ws}/projects/{project_id}/members", tags=["project members"]
)


@router.get("", response_model=Page[ProjectMember], responses=error_responses(400, 401, 404, 422))
async def list_project_members(
    access: ProjectViewer,
    service: ProjectMemberServiceDep,
    params: Annotated[PageParams, Depends(page_params)],
    role: ProjectRole | None = None,
) -> Page[ProjectMember]:
    """The project's members (workspace admins, implicit project admins, are not listed)."""
    items, next_cursor = await service.page(access, role, params)
    return Page(items=items, next_cursor=next_cursor)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=ProjectMember,
    responses=error_responses(401, 403, 404, 409, 422),
)
async def add_project_member(
    request: ProjectMemberCreate,
    access: ProjectAdmin,
    service: ProjectMemberServiceDep,
    now: NowDep,
) -> ProjectMember:
    """Add a workspace member to the project (project admins)."""
    return await service.add(access, request, now)


@router.get("/{user_id}", response_model=ProjectMember, responses=error_responses(401, 404, 422))
async def get_project_member(
    user_id: UUID, access: ProjectViewer, service: ProjectMemberServiceDep
) -> Response:
    """One member of the project, with the `version` of their project membership."""
    member = await service.get(access, user_id)
    return encoded(member, etag=member.version)


@router.patch(
    "/{user_id}", response_model=ProjectMember, responses=error_responses(401, 403, 404, 422)
)
async def update_project_member(
    user_id: UUID,
    request: ProjectMemberUpdate,
    access: ProjectAdmin,
    service: ProjectMemberServiceDep,
    if_match: IfMatch,
) -> Response:
    """Change a project member's role or hourly rate (project admins)."""
    member = await service.update(access, user_id, request, if_match)
    return encoded(member, etag=member.version)


@router.delete(
    "/{user_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(401, 403, 404, 422),
)
async def remove_project_member(
    user_id: UUID,
    access: ProjectViewer,
    service: ProjectMemberServiceDep,
    now: NowDep,
    if_match: IfMatch,
) -> None:
    """Remove a member from the project (project admins), or leave it (anyone)."""
    await service.remove(access, user_id, now, if_match)
