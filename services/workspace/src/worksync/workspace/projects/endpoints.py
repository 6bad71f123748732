"""`/workspaces/{ws}/projects`: projects, their archive state, and deletion."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Response, status
from fastapi.responses import JSONResponse

from worksync.common.clock import NowDep
from worksync.common.db import SessionDep
from worksync.common.errors import error_responses
from worksync.common.idempotency import IdempotencyKeyHeader, idempotent
from worksync.common.pagination import Page, PageParams, page_params
from worksync.common.preconditions import IfMatch
from worksync.common.responses import encoded
from worksync.workspace.access import ProjectAdmin, ProjectViewer, WorkspaceGuest, WorkspaceMember
from worksync.workspace.dependencies import ProjectServiceDep
from worksync.workspace.enums import ProjectPriority, ProjectStatus
from worksync.workspace.models import idempotency_keys
from worksync.workspace.projects.schemas import (
    Project,
    ProjectCreate,
    ProjectFilters,
    ProjectSort,
    ProjectUpdate,
)

router = APIRouter(prefix="/workspaces/{ws}/projects", tags=["projects"])


async def project_filters(
    status: ProjectStatus | None = None,
    priority: ProjectPriority | None = None,
    client_id: UUID | None = None,
    category_id: UUID | None = None,
    lead_id: UUID | None = None,
    archived: Annotated[
        bool, Query(description="Archived projects instead of active ones")
    ] = False,
    search: Annotated[
        str | None, Query(max_length=100, description="Part of the name or identifier")
    ] = None,
) -> ProjectFilters:
    return ProjectFilters(
        status=status,
        priority=priority,
        client_id=client_id,
        category_id=category_id,
        lead_id=lead_id,
        archived=archived,
        search=search,
    )


@router.get("", response_model=Page[Project], responses=error_responses(400, 401, 404, 422))
async def list_projects(
    access: WorkspaceGuest,
    service: ProjectServiceDep,
    filters: Annotated[ProjectFilters, Depends(project_filters)],
    params: Annotated[PageParams, Depends(page_params)],
    sort: ProjectSort = ProjectSort.NAME,
) -> Page[Project]:
    """The workspace's projects the caller sees (private ones and, for guests, all: those
    they are members of); the money of those the caller administers."""
    items, next_cursor = await service.page(access, filters, sort, params)
    return Page(items=items, next_cursor=next_cursor)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=Project,
    responses=error_responses(401, 403, 404, 409, 422),
)
async def create_project(
    request: ProjectCreate,
    access: WorkspaceMember,
    service: ProjectServiceDep,
    session: SessionDep,
    now: NowDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    """Create a project (members and above); the creator becomes its admin."""

    async def create() -> Project:
        return await service.create(access, request, now)

    return await idempotent(
        session,
        idempotency_keys,
        key=idempotency_key,
        scope=f"projects.create:{access.workspace_id}:{access.user_id}",
        payload=request,
        status_code=status.HTTP_201_CREATED,
        produce=create,
    )


@router.get("/{project_id}", response_model=Project, responses=error_responses(401, 404, 422))
async def get_project(access: ProjectViewer) -> Response:
    """A project, with its `version` (the sequence of its latest event); its money only
    for project admins."""
    project = Project.of(access.project, shows_money=access.is_admin)
    return encoded(project, etag=project.version)


@router.patch(
    "/{project_id}", response_model=Project, responses=error_responses(401, 403, 404, 409, 422)
)
async def update_project(
    request: ProjectUpdate, access: ProjectAdmin, service: ProjectServiceDep, if_match: IfMatch
) -> Response:
    """Change a project (project admins)."""
    project = await service.update(access, request, if_match)
    return encoded(project, etag=project.version)


@router.delete(
    "/{project_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(401, 403, 404, 422),
)
async def delete_project(
    access: ProjectAdmin, service: ProjectServiceDep, now: NowDep, if_match: IfMatch
) -> None:
    """Delete a project (project admins); its identifier becomes free."""
    await service.delete(access, now, if_match)


@router.post(
    "/{project_id}/archive",
    response_model=Project,
    responses=error_responses(401, 403, 404, 409, 422),
)
async def archive_project(access: ProjectAdmin, service: ProjectServiceDep, now: NowDep) -> Project:
    """Archive a project (project admins)."""
    return await service.archive(access, now)


@router.post(
    "/{project_id}/unarchive",
    response_model=Project,
    responses=error_responses(401, 403, 404, 409, 422),
)
async def unarchive_project(access: ProjectAdmin, service: ProjectServiceDep) -> Project:
    """Bring an archived project back (project admins)."""
    return await service.unarchive(access)
