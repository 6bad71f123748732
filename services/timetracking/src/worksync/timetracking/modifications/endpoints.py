"""Modification requests: asked for on an entry, decided in the workspace's queue."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, status
from fastapi.responses import JSONResponse

from worksync.common.db import SessionDep
from worksync.common.directory import DIRECTORY_ERRORS, WorkspaceMember
from worksync.common.errors import error_responses
from worksync.common.idempotency import IdempotencyKeyHeader, idempotent
from worksync.common.pagination import Page, PageParams, page_params
from worksync.timetracking.dependencies import ModificationServiceDep
from worksync.timetracking.models import RequestState, idempotency_keys
from worksync.timetracking.modifications.schemas import (
    ModificationRequest,
    ModificationRequestCreate,
    ModificationRequestDecline,
    RequestFilters,
)

router = APIRouter(prefix="/workspaces/{ws}", tags=["modification requests"])

READ_ERRORS = {**DIRECTORY_ERRORS, **error_responses(422)}
ACT_ERRORS = {**DIRECTORY_ERRORS, **error_responses(409, 422)}


async def request_filters(
    state: RequestState | None = None, user_id: UUID | None = None
) -> RequestFilters:
    return RequestFilters(state=state, user_id=user_id)


@router.post(
    "/time-entries/{entry_id}/modification-requests",
    status_code=status.HTTP_201_CREATED,
    response_model=ModificationRequest,
    responses=ACT_ERRORS,
)
async def request_modification(
    request: ModificationRequestCreate,
    workspace: WorkspaceMember,
    service: ModificationServiceDep,
    session: SessionDep,
    entry_id: UUID,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    """Ask an approver to change (or delete) an entry of an approved timesheet."""

    async def create() -> ModificationRequest:
        return await service.create(workspace, entry_id, request)

    return await idempotent(
        session,
        idempotency_keys,
        key=idempotency_key,
        scope=f"modification_requests.create:{workspace.workspace_id}:{workspace.user_id}:{entry_id}",
        payload=request,
        status_code=status.HTTP_201_CREATED,
        produce=create,
    )


@router.get(
    "/modification-requests", response_model=Page[ModificationRequest], responses=READ_ERRORS
)
async def list_modification_requests(
    workspace: WorkspaceMember,
    service: ModificationServiceDep,
    filters: Annotated[RequestFilters, Depends(request_filters)],
    params: Annotated[PageParams, Depends(page_params)],
) -> Page[ModificationRequest]:
    """Requests oldest first: admins see all, team leads their members' and their own,
    members those about their time or asked by them."""
    items, next_cursor = await service.page(workspace, filters, params)
    return Page(items=items, next_cursor=next_cursor)


@router.get(
    "/modification-requests/{request_id}",
    response_model=ModificationRequest,
    responses=READ_ERRORS,
)
async def get_modification_request(
    workspace: WorkspaceMember, service: ModificationServiceDep, request_id: UUID
) -> ModificationRequest:
    """One request the caller may see."""
    return await service.get(workspace, request_id)


@router.post(
    "/modification-requests/{request_id}/accept",
    response_model=ModificationRequest,
    responses=ACT_ERRORS,
)
async def accept_modification_request(
    workspace: WorkspaceMember, service: ModificationServiceDep, request_id: UUID
) -> ModificationRequest:
    """Apply the requested change to the entry, atomically (an approver)."""
    return await service.accept(workspace, request_id)


@router.post(
    "/modification-requests/{request_id}/decline",
    response_model=ModificationRequest,
    responses=ACT_ERRORS,
)
async def decline_modification_request(
    request: ModificationRequestDecline,
    workspace: WorkspaceMember,
    service: ModificationServiceDep,
    request_id: UUID,
) -> ModificationRequest:
    """Refuse the change, with a comment (an approver)."""
    return await service.decline(workspace, request_id, request.comment)
