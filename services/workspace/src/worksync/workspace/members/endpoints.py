"""`/workspaces/{ws}/members`: who belongs to a workspace, in which role."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Response, status

from worksync.common.clock import NowDep
from worksync.common.errors import error_responses
from worksync.common.pagination import MAX_LIMIT, Page, PageParams, page_params
from worksync.common.preconditions import IfMatch
from worksync.common.responses import encoded
from worksync.common.roles import WorkspaceRole
from worksync.workspace.access import WorkspaceAdmin, WorkspaceGuest
from worksync.workspace.dependencies import MemberServiceDep
from worksync.workspace.members.schemas import (
    Member,
    MemberCreate,
    MemberSelf,
    MemberSort,
    MemberUpdate,
)

router = APIRouter(prefix="/workspaces/{ws}/members", tags=["members"])


@router.get("", response_model=Page[Member], responses=error_responses(400, 401, 404, 422))
async def list_members(
    access: WorkspaceGuest,
    service: MemberServiceDep,
    params: Annotated[PageParams, Depends(page_params)],
    role: WorkspaceRole | None = None,
    search: Annotated[
        str | None, Query(max_length=100, description="Part of the name or email")
    ] = None,
    sort: MemberSort = MemberSort.DISPLAY_NAME,
    user_id: Annotated[
        list[UUID] | None,
        Query(
            max_length=MAX_LIMIT,
            description="Only these users (repeat the parameter; at most one page's worth), "
            "so that another service looks several up in one call",
        ),
    ] = None,
) -> Page[Member]:
    """The workspace's members."""
    items, next_cursor = await service.page(access, role, search, user_id, sort, params)
    return Page(items=items, next_cursor=next_cursor)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=Member,
    responses=error_responses(401, 403, 404, 409, 422),
)
async def add_member(
    request: MemberCreate, access: WorkspaceAdmin, service: MemberServiceDep, now: NowDep
) -> Member:
    """Add a registered user by id (admins; owners only by owners)."""
    return await service.add(access, request, now)


@router.get("/me", response_model=MemberSelf, responses=error_responses(401, 404))
async def get_my_membership(access: WorkspaceGuest, service: MemberServiceDep) -> MemberSelf:
    """The caller's own membership: role and version."""
    return service.me(access)


@router.get("/{user_id}", response_model=Member, responses=error_responses(401, 404, 422))
async def get_member(user_id: UUID, access: WorkspaceGuest, service: MemberServiceDep) -> Response:
    """One live member of the workspace, with the `version` of their membership."""
    member = await service.get(access, user_id)
    return encoded(member, etag=member.version)


@router.patch(
    "/{user_id}", response_model=Member, responses=error_responses(401, 403, 404, 409, 422)
)
async def update_member(
    user_id: UUID,
    request: MemberUpdate,
    access: WorkspaceAdmin,
    service: MemberServiceDep,
    now: NowDep,
    if_match: IfMatch,
) -> Response:
    """Change a member's role (admins; ownership only by owners; one owner always stays)."""
    member = await service.update(access, user_id, request, now, if_match)
    return encoded(member, etag=member.version)


@router.delete(
    "/{user_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(401, 403, 404, 409, 422),
)
async def remove_member(
    user_id: UUID, access: WorkspaceGuest, service: MemberServiceDep, now: NowDep, if_match: IfMatch
) -> None:
    """Remove a member (admins), or leave (anyone); the last owner cannot go."""
    await service.remove(access, user_id, now, if_match)
