"""`/workspaces/{ws}/conflicts`: over-allocations of members.

Members read their own, admins everyone's; admins resolve or ignore them.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query

from worksync.common.directory import DIRECTORY_ERRORS, WorkspaceAdmin, WorkspaceMember
from worksync.common.errors import error_responses
from worksync.common.pagination import Page, PageParams, page_params
from worksync.resources.conflicts.schemas import ConflictRead, ConflictSort
from worksync.resources.dependencies import ConflictServiceDep
from worksync.resources.models import ConflictStatus

router = APIRouter(prefix="/workspaces/{ws}/conflicts", tags=["conflicts"])

Paging = Annotated[PageParams, Depends(page_params)]


@router.get(
    "",
    response_model=Page[ConflictRead],
    responses={**DIRECTORY_ERRORS, **error_responses(400, 422)},
)
async def list_conflicts(
    context: WorkspaceMember,
    service: ConflictServiceDep,
    params: Paging,
    status: ConflictStatus | None = None,
    user_id: Annotated[UUID | None, Query(description="One member's conflicts")] = None,
    sort: ConflictSort = ConflictSort.START_DATE,
) -> Page[ConflictRead]:
    """Conflicts: admins see everyone's, members their own."""
    items, next_cursor = await service.page(
        context, status=status, user_id=user_id, sort=sort, params=params
    )
    return Page(items=items, next_cursor=next_cursor)


@router.get(
    "/{conflict_id}",
    response_model=ConflictRead,
    responses={**DIRECTORY_ERRORS, **error_responses(422)},
)
async def get_conflict(
    conflict_id: UUID, context: WorkspaceMember, service: ConflictServiceDep
) -> ConflictRead:
    """A conflict with the allocations it is made of."""
    return await service.get(context, conflict_id)


@router.post(
    "/{conflict_id}/resolve",
    response_model=ConflictRead,
    responses={**DIRECTORY_ERRORS, **error_responses(409, 422)},
)
async def resolve_conflict(
    conflict_id: UUID, context: WorkspaceAdmin, service: ConflictServiceDep
) -> ConflictRead:
    """Settle a conflict by hand (admins); detected again if it still holds at the next change."""
    return await service.resolve(context, conflict_id)


@router.post(
    "/{conflict_id}/ignore",
    response_model=ConflictRead,
    responses={**DIRECTORY_ERRORS, **error_responses(409, 422)},
)
async def ignore_conflict(
    conflict_id: UUID, context: WorkspaceAdmin, service: ConflictServiceDep
) -> ConflictRead:
    """Ignore an open conflict while the same allocations overlap (admins)."""
    return await service.ignore(context, conflict_id)
