"""`/workspaces/{ws}/projects/{pid}/milestones/{milestone_id}/deliverables`.

Project members read; workspace admins and project admins write (see `milestones.access`).
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Response, status
from fastapi.responses import JSONResponse

from worksync.common.db import SessionDep
from worksync.common.directory import DIRECTORY_ERRORS
from worksync.common.errors import error_responses
from worksync.common.idempotency import IdempotencyKeyHeader, idempotent
from worksync.common.pagination import Page, PageParams, page_params
from worksync.common.preconditions import IfMatch
from worksync.common.responses import encoded
from worksync.resources.deliverables.schemas import (
    DeliverableCreate,
    DeliverableRead,
    DeliverableUpdate,
)
from worksync.resources.dependencies import DeliverableServiceDep
from worksync.resources.milestones.access import ProjectPlanner, ProjectReader
from worksync.resources.models import idempotency_keys

router = APIRouter(
    prefix="/workspaces/{ws}/projects/{pid}/milestones/{milestone_id}/deliverables",
    tags=["deliverables"],
)

Paging = Annotated[PageParams, Depends(page_params)]


@router.get(
    "",
    response_model=Page[DeliverableRead],
    responses={**DIRECTORY_ERRORS, **error_responses(400, 422)},
)
async def list_deliverables(
    milestone_id: UUID,
    context: ProjectReader,
    service: DeliverableServiceDep,
    params: Paging,
) -> Page[DeliverableRead]:
    """The milestone's deliverables, oldest first."""
    items, next_cursor = await service.page(context, milestone_id, params)
    return Page(items=items, next_cursor=next_cursor)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=DeliverableRead,
    responses={**DIRECTORY_ERRORS, **error_responses(422)},
)
async def create_deliverable(
    milestone_id: UUID,
    request: DeliverableCreate,
    context: ProjectPlanner,
    service: DeliverableServiceDep,
    session: SessionDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    """Add a deliverable to the milestone (workspace admins, project admins)."""

    async def create() -> DeliverableRead:
        return await service.create(context, milestone_id, request)

    return await idempotent(
        session,
        idempotency_keys,
        key=idempotency_key,
        scope=f"deliverables.create:{milestone_id}:{context.workspace.user_id}",
        payload=request,
        status_code=status.HTTP_201_CREATED,
        produce=create,
    )


@router.get(
    "/{deliverable_id}",
    response_model=DeliverableRead,
    responses={**DIRECTORY_ERRORS, **error_responses(422)},
)
async def get_deliverable(
    milestone_id: UUID,
    deliverable_id: UUID,
    context: ProjectReader,
    service: DeliverableServiceDep,
) -> Response:
    """A deliverable."""
    deliverable = await service.get(context, milestone_id, deliverable_id)
    return encoded(deliverable, etag=deliverable.version)


@router.patch(
    "/{deliverable_id}",
    response_model=DeliverableRead,
    responses={**DIRECTORY_ERRORS, **error_responses(422)},
)
async def update_deliverable(
    milestone_id: UUID,
    deliverable_id: UUID,
    request: DeliverableUpdate,
    context: ProjectPlanner,
    service: DeliverableServiceDep,
    if_match: IfMatch,
) -> Response:
    """Change a deliverable (workspace admins, project admins)."""
    deliverable = await service.update(context, milestone_id, deliverable_id, request, if_match)
    return encoded(deliverable, etag=deliverable.version)


@router.delete(
    "/{deliverable_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={**DIRECTORY_ERRORS, **error_responses(422)},
)
async def delete_deliverable(
    milestone_id: UUID,
    deliverable_id: UUID,
    context: ProjectPlanner,
    service: DeliverableServiceDep,
    if_match: IfMatch,
) -> None:
    """Delete a deliverable (workspace admins, project admins)."""
    await service.delete(context, milestone_id, deliverable_id, if_match)
