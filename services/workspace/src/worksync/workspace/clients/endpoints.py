"""`/workspaces/{ws}/clients`: who projects are done for (members read, admins manage)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Response, status
from fastapi.responses import JSONResponse

from worksync.common.db import SessionDep
from worksync.common.errors import error_responses
from worksync.common.idempotency import IdempotencyKeyHeader, idempotent
from worksync.common.pagination import Page, PageParams, page_params
from worksync.common.preconditions import IfMatch
from worksync.common.responses import encoded
from worksync.workspace.access import WorkspaceAdmin, WorkspaceMember
from worksync.workspace.clients.schemas import Client, ClientCreate, ClientSort, ClientUpdate
from worksync.workspace.clients.service import SORT_KEYS
from worksync.workspace.dependencies import ClientServiceDep
from worksync.workspace.models import idempotency_keys

router = APIRouter(prefix="/workspaces/{ws}/clients", tags=["clients"])


@router.get("", response_model=Page[Client], responses=error_responses(400, 401, 403, 404, 422))
async def list_clients(
    access: WorkspaceMember,
    service: ClientServiceDep,
    params: Annotated[PageParams, Depends(page_params)],
    search: Annotated[str | None, Query(max_length=100, description="Part of the name")] = None,
    sort: ClientSort = ClientSort.NAME,
) -> Page[Client]:
    """The workspace's clients."""
    items, next_cursor = await service.page(access.workspace_id, search, SORT_KEYS[sort], params)
    return Page(items=items, next_cursor=next_cursor)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=Client,
    responses=error_responses(401, 403, 404, 409, 422),
)
async def create_client(
    request: ClientCreate,
    access: WorkspaceAdmin,
    service: ClientServiceDep,
    session: SessionDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    """Create a client (admins)."""

    async def create() -> Client:
        return await service.create(
            access.workspace_id, request.model_dump(), actor_id=access.user_id
        )

    return await idempotent(
        session,
        idempotency_keys,
        key=idempotency_key,
        scope=f"clients.create:{access.workspace_id}:{access.user_id}",
        payload=request,
        status_code=status.HTTP_201_CREATED,
        produce=create,
    )


@router.get("/{client_id}", response_model=Client, responses=error_responses(401, 403, 404, 422))
async def get_client(
    client_id: UUID, access: WorkspaceMember, service: ClientServiceDep
) -> Response:
    """A client."""
    client = await service.get(access.workspace_id, client_id)
    return encoded(client, etag=client.version)


@router.patch(
    "/{client_id}", response_model=Client, responses=error_responses(401, 403, 404, 409, 422)
)
async def update_client(
    client_id: UUID,
    request: ClientUpdate,
    access: WorkspaceAdmin,
    service: ClientServiceDep,
    if_match: IfMatch,
) -> Response:
    """Rename or describe a client (admins)."""
    client = await service.update(
        access.workspace_id,
        client_id,
        request.model_dump(exclude_unset=True),
        actor_id=access.user_id,
        if_match=if_match,
    )
    return encoded(client, etag=client.version)


@router.delete(
    "/{client_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(401, 403, 404, 409, 422),
)
async def delete_client(
    client_id: UUID, access: WorkspaceAdmin, service: ClientServiceDep, if_match: IfMatch
) -> None:
    """Delete a client no live project refers to (admins)."""
    await service.delete(access.workspace_id, client_id, actor_id=access.user_id, if_match=if_match)
