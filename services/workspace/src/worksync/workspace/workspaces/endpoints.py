"""`/workspaces`: the caller's workspaces, creating them, settings, deletion."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response, status
from fastapi.responses import JSONResponse

from worksync.common.auth import CurrentPrincipal
from worksync.common.clock import NowDep
from worksync.common.db import SessionDep
from worksync.common.errors import error_responses
from worksync.common.idempotency import IdempotencyKeyHeader, idempotent
from worksync.common.pagination import Page, PageParams, page_params
from worksync.common.preconditions import IfMatch
from worksync.common.responses import encoded
from worksync.workspace.access import WorkspaceAdmin, WorkspaceGuest, WorkspaceOwner
from worksync.workspace.dependencies import WorkspaceServiceDep
from worksync.workspace.models import idempotency_keys
from worksync.workspace.workspaces.schemas import (
    Workspace,
    WorkspaceCreate,
    WorkspaceSort,
    WorkspaceUpdate,
)

router = APIRouter(prefix="/workspaces", tags=["workspaces"])


@router.get("", response_model=Page[Workspace], responses=error_responses(400, 401, 422))
async def list_workspaces(
    principal: CurrentPrincipal,
    service: WorkspaceServiceDep,
    params: Annotated[PageParams, Depends(page_params)],
    sort: WorkspaceSort = WorkspaceSort.NAME,
) -> Page[Workspace]:
    """The workspaces the caller is a member of, with the caller's role in each."""
    items, next_cursor = await service.page(principal, sort, params)
    return Page(items=items, next_cursor=next_cursor)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=Workspace,
    responses=error_responses(401, 409, 422),
)
async def create_workspace(
    request: WorkspaceCreate,
    principal: CurrentPrincipal,
    service: WorkspaceServiceDep,
    session: SessionDep,
    now: NowDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    """Create a workspace; the caller becomes its owner."""

    async def create() -> Workspace:
        return await service.create(principal, request, now)

    return await idempotent(
        session,
        idempotency_keys,
        key=idempotency_key,
        scope=f"workspaces.create:{principal.user_id}",
        payload=request,
        status_code=status.HTTP_201_CREATED,
        produce=create,
    )


@router.get("/{ws}", response_model=Workspace, responses=error_responses(401, 404))
async def get_workspace(access: WorkspaceGuest) -> Response:
    """A workspace the caller is a member of."""
    return encoded(Workspace.of(access.workspace, access.role), etag=access.workspace.version)


@router.patch("/{ws}", response_model=Workspace, responses=error_responses(401, 403, 404, 422))
async def update_workspace(
    request: WorkspaceUpdate,
    access: WorkspaceAdmin,
    service: WorkspaceServiceDep,
    if_match: IfMatch,
) -> Response:
    """Change the name, description or settings (admins and owners)."""
    workspace = await service.update(access, request, if_match)
    return encoded(workspace, etag=workspace.version)


@router.delete(
    "/{ws}", status_code=status.HTTP_204_NO_CONTENT, responses=error_responses(401, 403, 404)
)
async def delete_workspace(
    access: WorkspaceOwner, service: WorkspaceServiceDep, now: NowDep, if_match: IfMatch
) -> None:
    """Delete the workspace and end every membership (owners)."""
    await service.delete(access, now, if_match)
