"""`/workspaces/{ws}/allocations`: members booked on projects.

Members read; workspace admins and the project's admins write.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Response, status
from fastapi.responses import JSONResponse

from worksync.common.db import SessionDep
from worksync.common.directory import DIRECTORY_ERRORS, WorkspaceMember
from worksync.common.errors import error_responses, invalid_field
from worksync.common.fields import IsoDate
from worksync.common.idempotency import IdempotencyKeyHeader, idempotent
from worksync.common.pagination import Page, PageParams, page_params
from worksync.common.preconditions import IfMatch
from worksync.common.responses import encoded
from worksync.resources.allocations.repository import AllocationFilter
from worksync.resources.allocations.schemas import (
    AllocationCreate,
    AllocationRead,
    AllocationSort,
    AllocationUpdate,
    BulkRequest,
    BulkResponse,
)
from worksync.resources.dependencies import AllocationServiceDep
from worksync.resources.models import idempotency_keys

router = APIRouter(prefix="/workspaces/{ws}/allocations", tags=["allocations"])

Paging = Annotated[PageParams, Depends(page_params)]


async def allocation_filter(
    user_id: UUID | None = None,
    project_id: UUID | None = None,
    from_date: Annotated[
        IsoDate | None, Query(alias="from", description="Overlapping this day or later")
    ] = None,
    to_date: Annotated[
        IsoDate | None, Query(alias="to", description="Overlapping this day or earlier")
    ] = None,
) -> AllocationFilter:
    if from_date is not None and to_date is not None and to_date < from_date:
        raise invalid_field("to", "must not be before from")
    return AllocationFilter(
        user_id=user_id, project_id=project_id, from_date=from_date, to_date=to_date
    )


@router.get(
    "",
    response_model=Page[AllocationRead],
    responses={**DIRECTORY_ERRORS, **error_responses(400, 422)},
)
async def list_allocations(
    context: WorkspaceMember,
    service: AllocationServiceDep,
    params: Paging,
    where: Annotated[AllocationFilter, Depends(allocation_filter)],
    sort: AllocationSort = AllocationSort.START_DATE,
) -> Page[AllocationRead]:
    """The workspace's allocations, optionally of one member or project, or overlapping
    a date range."""
    items, next_cursor = await service.page(context, where, sort, params)
    return Page(items=items, next_cursor=next_cursor)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=AllocationRead,
    responses={**DIRECTORY_ERRORS, **error_responses(422)},
)
async def create_allocation(
    request: AllocationCreate,
    context: WorkspaceMember,
    service: AllocationServiceDep,
    session: SessionDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    """Allocate a member to a project (workspace admins, project admins)."""

    async def create() -> AllocationRead:
        return await service.create(context, request)

    return await idempotent(
        session,
        idempotency_keys,
        key=idempotency_key,
        scope=f"allocations.create:{context.workspace_id}:{context.user_id}",
        payload=request,
        status_code=status.HTTP_201_CREATED,
        produce=create,
    )


@router.get(
    "/{allocation_id}",
    response_model=AllocationRead,
    responses={**DIRECTORY_ERRORS, **error_responses(422)},
)
async def get_allocation(
    allocation_id: UUID, context: WorkspaceMember, service: AllocationServiceDep
) -> Response:
    """An allocation."""
    allocation = await service.get(context, allocation_id)
    return encoded(allocation, etag=allocation.version)


@router.patch(
    "/{allocation_id}",
    response_model=AllocationRead,
    responses={**DIRECTORY_ERRORS, **error_responses(422)},
)
async def update_allocation(
    allocation_id: UUID,
    request: AllocationUpdate,
    context: WorkspaceMember,
    service: AllocationServiceDep,
    if_match: IfMatch,
) -> Response:
    """Change an allocation (workspace admins, project admins)."""
    allocation = await service.update(context, allocation_id, request, if_match)
    return encoded(allocation, etag=allocation.version)


@router.delete(
    "/{allocation_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={**DIRECTORY_ERRORS, **error_responses(422)},
)
async def delete_allocation(
    allocation_id: UUID, context: WorkspaceMember, service: AllocationServiceDep, if_match: IfMatch
) -> None:
    """Delete an allocation (workspace admins, project admins)."""
    await service.delete(context, allocation_id, if_match)


@router.put(
    "/bulk",
    response_model=BulkResponse,
    responses={**DIRECTORY_ERRORS, **error_responses(422)},
)
async def bulk_allocations(
    request: BulkRequest,
    context: WorkspaceMember,
    service: AllocationServiceDep,
    session: SessionDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    """Create, change and delete many allocations at once (workspace admins, project admins
    of every project involved): all or nothing. A refusal lists every bad row as
    `operations.<index>.<field>`: 403 when a row needs a role the caller lacks, else 422.
    Conflicts are recomputed once per member touched."""

    async def apply() -> BulkResponse:
        return await service.bulk(context, request)

    return await idempotent(
        session,
        idempotency_keys,
        key=idempotency_key,
        scope=f"allocations.bulk:{context.workspace_id}:{context.user_id}",
        payload=request,
        status_code=status.HTTP_200_OK,
        produce=apply,
    )
