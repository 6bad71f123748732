"""`/workspaces/{ws}/project-categories`: how projects are grouped (members read, admins manage)."""

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
from worksync.workspace.categories.schemas import (
    CategoryCreate,
    CategorySort,
    CategoryUpdate,
    ProjectCategory,
)
from worksync.workspace.categories.service import SORT_KEYS
from worksync.workspace.dependencies import CategoryServiceDep
from worksync.workspace.models import idempotency_keys

router = APIRouter(prefix="/workspaces/{ws}/project-categories", tags=["project categories"])


@router.get(
    "", response_model=Page[ProjectCategory], responses=error_responses(400, 401, 403, 404, 422)
)
async def list_project_categories(
    access: WorkspaceMember,
    service: CategoryServiceDep,
    params: Annotated[PageParams, Depends(page_params)],
    search: Annotated[str | None, Query(max_length=100, description="Part of the name")] = None,
    sort: CategorySort = CategorySort.NAME,
) -> Page[ProjectCategory]:
    """The workspace's project categories."""
    items, next_cursor = await service.page(access.workspace_id, search, SORT_KEYS[sort], params)
    return Page(items=items, next_cursor=next_cursor)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=ProjectCategory,
    responses=error_responses(401, 403, 404, 409, 422),
)
async def create_project_category(
    request: CategoryCreate,
    access: WorkspaceAdmin,
    service: CategoryServiceDep,
    session: SessionDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    """Create a project category (admins)."""

    async def create() -> ProjectCategory:
        return await service.create(access.workspace_id, request.model_dump())

    return await idempotent(
        session,
        idempotency_keys,
        key=idempotency_key,
        scope=f"project_categories.create:{access.workspace_id}:{access.user_id}",
        payload=request,
        status_code=status.HTTP_201_CREATED,
        produce=create,
    )


@router.get(
    "/{category_id}", response_model=ProjectCategory, responses=error_responses(401, 403, 404, 422)
)
async def get_project_category(
    category_id: UUID, access: WorkspaceMember, service: CategoryServiceDep
) -> Response:
    """A project category."""
    category = await service.get(access.workspace_id, category_id)
    return encoded(category, etag=category.version)


@router.patch(
    "/{category_id}",
    response_model=ProjectCategory,
    responses=error_responses(401, 403, 404, 409, 422),
)
async def update_project_category(
    category_id: UUID,
    request: CategoryUpdate,
    access: WorkspaceAdmin,
    service: CategoryServiceDep,
    if_match: IfMatch,
) -> Response:
    """Rename or describe a project category (admins)."""
    category = await service.update(
        access.workspace_id, category_id, request.model_dump(exclude_unset=True), if_match=if_match
    )
    return encoded(category, etag=category.version)


@router.delete(
    "/{category_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(401, 403, 404, 409, 422),
)
async def delete_project_category(
    category_id: UUID, access: WorkspaceAdmin, service: CategoryServiceDep, if_match: IfMatch
) -> None:
    """Delete a project category no live project refers to (admins)."""
    await service.delete(access.workspace_id, category_id, if_match=if_match)
