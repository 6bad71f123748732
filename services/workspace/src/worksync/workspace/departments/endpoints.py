"""`/workspaces/{ws}/departments`: the department tree. Everyone in the workspace reads
it (guests included); admins and owners change it."""

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
from worksync.workspace.access import WorkspaceAdmin, WorkspaceGuest
from worksync.workspace.departments.schemas import (
    Department,
    DepartmentCreate,
    DepartmentFilters,
    DepartmentSort,
    DepartmentTree,
    DepartmentUpdate,
)
from worksync.workspace.dependencies import DepartmentServiceDep
from worksync.workspace.models import idempotency_keys
from worksync.workspace.models.departments import MAX_DEPARTMENT_LEVEL

router = APIRouter(prefix="/workspaces/{ws}/departments", tags=["departments"])


async def department_filters(
    parent_id: UUID | None = None,
    level: Annotated[int | None, Query(ge=1, le=MAX_DEPARTMENT_LEVEL)] = None,
    is_active: bool | None = None,
    manager_id: UUID | None = None,
    search: Annotated[
        str | None, Query(max_length=100, description="Part of the name or code")
    ] = None,
    include_deleted: Annotated[
        bool, Query(description="Deleted departments too (admins only)")
    ] = False,
) -> DepartmentFilters:
    return DepartmentFilters(
        parent_id=parent_id,
        level=level,
        is_active=is_active,
        manager_id=manager_id,
        search=search,
        include_deleted=include_deleted,
    )


@router.get("", response_model=Page[Department], responses=error_responses(400, 401, 403, 404, 422))
async def list_departments(
    access: WorkspaceGuest,
    service: DepartmentServiceDep,
    filters: Annotated[DepartmentFilters, Depends(department_filters)],
    params: Annotated[PageParams, Depends(page_params)],
    sort: DepartmentSort = DepartmentSort.NAME,
) -> Page[Department]:
    """The workspace's departments, flat; filter by parent or level to walk the tree."""
    items, next_cursor = await service.page(access, filters, sort, params)
    return Page(items=items, next_cursor=next_cursor)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=Department,
    responses=error_responses(401, 403, 404, 409, 422),
)
async def create_department(
    request: DepartmentCreate,
    access: WorkspaceAdmin,
    service: DepartmentServiceDep,
    session: SessionDep,
    now: NowDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    """Create a department (admins); its manager becomes admin of the linked projects."""

    async def create() -> Department:
        return await service.create(access, request, now)

    return await idempotent(
        session,
        idempotency_keys,
        key=idempotency_key,
        scope=f"departments.create:{access.workspace_id}:{access.user_id}",
        payload=request,
        status_code=status.HTTP_201_CREATED,
        produce=create,
    )


@router.get("/tree", response_model=DepartmentTree, responses=error_responses(401, 404))
async def get_department_tree(
    access: WorkspaceGuest, service: DepartmentServiceDep
) -> DepartmentTree:
    """Every live department, nested under its parent and ordered by name, with staff counts."""
    return await service.tree(access)


@router.get("/{department_id}", response_model=Department, responses=error_responses(401, 404, 422))
async def get_department(
    department_id: UUID, access: WorkspaceGuest, service: DepartmentServiceDep
) -> Response:
    """A department (admins also see deleted ones)."""
    department = await service.get(access, department_id)
    return encoded(department, etag=department.version)


@router.patch(
    "/{department_id}",
    response_model=Department,
    responses=error_responses(401, 403, 404, 409, 422),
)
async def update_department(
    department_id: UUID,
    request: DepartmentUpdate,
    access: WorkspaceAdmin,
    service: DepartmentServiceDep,
    now: NowDep,
    if_match: IfMatch,
) -> Response:
    """Change or move a department (admins); a move takes its sub-departments along."""
    department = await service.update(access, department_id, request, now, if_match)
    return encoded(department, etag=department.version)


@router.delete(
    "/{department_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(401, 403, 404, 409, 422),
)
async def delete_department(
    department_id: UUID,
    access: WorkspaceAdmin,
    service: DepartmentServiceDep,
    now: NowDep,
    if_match: IfMatch,
    cascade: Annotated[
        bool, Query(description="Delete its live sub-departments along with it")
    ] = False,
) -> None:
    """Delete a department (admins); refused while active staff belong to it."""
    await service.delete(access, department_id, cascade=cascade, now=now, if_match=if_match)


@router.post(
    "/{department_id}/restore",
    response_model=Department,
    responses=error_responses(401, 403, 404, 409, 422),
)
async def restore_department(
    department_id: UUID, access: WorkspaceAdmin, service: DepartmentServiceDep, now: NowDep
) -> Department:
    """Restore a deleted department (admins) whose parent is live."""
    return await service.restore(access, department_id, now)
