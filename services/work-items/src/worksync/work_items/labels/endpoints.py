"""`/workspaces/{ws}/projects/{pid}/labels`: a project's labels."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Path, Response, status
from fastapi.responses import JSONResponse

from worksync.common.clock import NowDep
from worksync.common.db import SessionDep
from worksync.common.directory import (
    DIRECTORY_ERRORS,
    VIEWER_ERRORS,
    ProjectAdmin,
    ProjectMember,
    ProjectViewer,
)
from worksync.common.errors import error_responses
from worksync.common.idempotency import IdempotencyKeyHeader, idempotent
from worksync.common.pagination import Page, PageParams, page_params
from worksync.common.preconditions import IfMatch
from worksync.common.responses import encoded
from worksync.work_items.dependencies import LabelServiceDep
from worksync.work_items.labels.schemas import Label, LabelCreate, LabelSort, LabelUpdate
from worksync.work_items.models import idempotency_keys

router = APIRouter(prefix="/workspaces/{ws}/projects/{pid}/labels", tags=["labels"])

LabelId = Annotated[UUID, Path(description="The label's id")]


@router.get(
    "", response_model=Page[Label], responses={**VIEWER_ERRORS, **error_responses(400, 422)}
)
async def list_labels(
    context: ProjectViewer,
    service: LabelServiceDep,
    params: Annotated[PageParams, Depends(page_params)],
    sort: LabelSort = LabelSort.NAME,
) -> Page[Label]:
    """The project's labels."""
    items, next_cursor = await service.page(context, sort, params)
    return Page(items=items, next_cursor=next_cursor)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=Label,
    responses={**DIRECTORY_ERRORS, **error_responses(409, 422)},
)
async def create_label(
    request: LabelCreate,
    context: ProjectMember,
    service: LabelServiceDep,
    session: SessionDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    """Add a label (project members and admins)."""

    async def create() -> Label:
        return await service.create(context, request)

    return await idempotent(
        session,
        idempotency_keys,
        key=idempotency_key,
        scope=f"labels.create:{context.project.id}:{context.workspace.user_id}",
        payload=request,
        status_code=status.HTTP_201_CREATED,
        produce=create,
    )


@router.get(
    "/{label_id}", response_model=Label, responses={**VIEWER_ERRORS, **error_responses(422)}
)
async def get_label(
    label_id: LabelId, context: ProjectViewer, service: LabelServiceDep
) -> Response:
    """One label."""
    label = await service.get(context, label_id)
    return encoded(label, etag=label.version)


@router.patch(
    "/{label_id}",
    response_model=Label,
    responses={**DIRECTORY_ERRORS, **error_responses(409, 422)},
)
async def update_label(
    label_id: LabelId,
    request: LabelUpdate,
    context: ProjectMember,
    service: LabelServiceDep,
    if_match: IfMatch,
) -> Response:
    """Change a label (project members and admins)."""
    label = await service.update(context, label_id, request, if_match)
    return encoded(label, etag=label.version)


@router.delete(
    "/{label_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={**DIRECTORY_ERRORS, **error_responses(422)},
)
async def delete_label(
    label_id: LabelId,
    context: ProjectAdmin,
    service: LabelServiceDep,
    now: NowDep,
    if_match: IfMatch,
) -> None:
    """Delete a label (project admins); it comes off every issue that had it."""
    await service.delete(context, label_id, now, if_match)
