"""`/workspaces/{ws}/team-members`: members' capacity profiles and their time off.

Members read; admins create, change and plan time off. (A member may not edit even their
own skills: capacity is a planning decision, and one rule is easier to reason about.)
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Response, status
from fastapi.responses import JSONResponse

from worksync.common.db import SessionDep
from worksync.common.directory import DIRECTORY_ERRORS, WorkspaceAdmin, WorkspaceMember
from worksync.common.errors import error_responses
from worksync.common.idempotency import IdempotencyKeyHeader, idempotent
from worksync.common.pagination import Page, PageParams, page_params
from worksync.common.preconditions import IfMatch
from worksync.common.responses import encoded
from worksync.resources.dependencies import TeamMemberServiceDep
from worksync.resources.models import idempotency_keys
from worksync.resources.team_members.schemas import (
    TeamMember,
    TeamMemberCreate,
    TeamMemberSort,
    TeamMemberUpdate,
    TimeOffCreate,
    TimeOffRead,
)

router = APIRouter(prefix="/workspaces/{ws}/team-members", tags=["team members"])

Paging = Annotated[PageParams, Depends(page_params)]


@router.get(
    "",
    response_model=Page[TeamMember],
    responses={**DIRECTORY_ERRORS, **error_responses(400, 422)},
)
async def list_capacity_profiles(
    context: WorkspaceMember,
    service: TeamMemberServiceDep,
    params: Paging,
    is_active: bool | None = None,
    sort: TeamMemberSort = TeamMemberSort.CREATED_AT,
) -> Page[TeamMember]:
    """The workspace's capacity profiles."""
    items, next_cursor = await service.page(context, is_active, sort, params)
    return Page(items=items, next_cursor=next_cursor)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=TeamMember,
    responses={**DIRECTORY_ERRORS, **error_responses(409, 422)},
)
async def create_capacity_profile(
    request: TeamMemberCreate,
    context: WorkspaceAdmin,
    service: TeamMemberServiceDep,
    session: SessionDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    """Create the profile of a member who has none (admins)."""

    async def create() -> TeamMember:
        return await service.create(context, request)

    return await idempotent(
        session,
        idempotency_keys,
        key=idempotency_key,
        scope=f"team_members.create:{context.workspace_id}:{context.user_id}",
        payload=request,
        status_code=status.HTTP_201_CREATED,
        produce=create,
    )


@router.get(
    "/{profile_id}",
    response_model=TeamMember,
    responses={**DIRECTORY_ERRORS, **error_responses(422)},
)
async def get_capacity_profile(
    profile_id: UUID, context: WorkspaceMember, service: TeamMemberServiceDep
) -> Response:
    """A capacity profile."""
    profile = await service.get(context, profile_id)
    return encoded(profile, etag=profile.version)


@router.patch(
    "/{profile_id}",
    response_model=TeamMember,
    responses={**DIRECTORY_ERRORS, **error_responses(422)},
)
async def update_capacity_profile(
    profile_id: UUID,
    request: TeamMemberUpdate,
    context: WorkspaceAdmin,
    service: TeamMemberServiceDep,
    if_match: IfMatch,
) -> Response:
    """Change a profile (admins); capacity changes recompute the member's conflicts."""
    profile = await service.update(context, profile_id, request, if_match)
    return encoded(profile, etag=profile.version)


@router.get(
    "/{profile_id}/time-off",
    response_model=Page[TimeOffRead],
    responses={**DIRECTORY_ERRORS, **error_responses(400, 422)},
)
async def list_time_off(
    profile_id: UUID, context: WorkspaceMember, service: TeamMemberServiceDep, params: Paging
) -> Page[TimeOffRead]:
    """The member's time off, earliest first."""
    items, next_cursor = await service.page_time_off(context, profile_id, params)
    return Page(items=items, next_cursor=next_cursor)


@router.post(
    "/{profile_id}/time-off",
    status_code=status.HTTP_201_CREATED,
    response_model=TimeOffRead,
    responses={**DIRECTORY_ERRORS, **error_responses(409, 422)},
)
async def add_time_off(
    profile_id: UUID,
    request: TimeOffCreate,
    context: WorkspaceAdmin,
    service: TeamMemberServiceDep,
    session: SessionDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    """Add a time-off period (admins); periods of one member never overlap."""

    async def create() -> TimeOffRead:
        return await service.add_time_off(context, profile_id, request)

    return await idempotent(
        session,
        idempotency_keys,
        key=idempotency_key,
        scope=f"time_off.create:{context.workspace_id}:{profile_id}:{context.user_id}",
        payload=request,
        status_code=status.HTTP_201_CREATED,
        produce=create,
    )


@router.delete(
    "/{profile_id}/time-off/{time_off_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={**DIRECTORY_ERRORS, **error_responses(422)},
)
async def delete_time_off(
    profile_id: UUID, time_off_id: UUID, context: WorkspaceAdmin, service: TeamMemberServiceDep
) -> None:
    """Remove a time-off period (admins)."""
    await service.delete_time_off(context, profile_id, time_off_id)
