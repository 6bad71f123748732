"""`/auth/me` (the caller's own account) and `/users` (profiles; admin management)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Response, status

from worksync.common.clock import NowDep
from worksync.common.errors import error_responses
from worksync.common.pagination import Page, PageParams, page_params
from worksync.common.preconditions import IfMatch
from worksync.common.responses import encoded
from worksync.identity.dependencies import CallerDep, PlatformAdminDep, UserServiceDep
from worksync.identity.users.schemas import MeUpdate, User, UserAdminUpdate, UserProfile, UserSort

me_router = APIRouter(prefix="/auth", tags=["me"])
router = APIRouter(prefix="/users", tags=["users"])


@me_router.get("/me", response_model=User, responses=error_responses(401))
async def get_me(caller: CallerDep) -> Response:
    """The caller's account."""
    return encoded(User.of(caller.user), etag=caller.user.version)


@me_router.patch("/me", response_model=User, responses=error_responses(401, 422))
async def update_me(
    update: MeUpdate, caller: CallerDep, service: UserServiceDep, if_match: IfMatch
) -> Response:
    """Change the caller's display name, avatar or preferences."""
    user = await service.update_me(caller.user, update, if_match)
    return encoded(user, etag=user.version)


@router.get("", response_model=Page[User], responses=error_responses(400, 401, 403, 422))
async def list_users(
    admin: PlatformAdminDep,
    service: UserServiceDep,
    params: Annotated[PageParams, Depends(page_params)],
    search: Annotated[
        str | None, Query(max_length=100, description="Part of the email or display name")
    ] = None,
    sort: UserSort = UserSort.NEWEST_FIRST,
) -> Page[User]:
    """Every user, for platform admins; searchable by email or name."""
    items, next_cursor = await service.page(search, sort, params)
    return Page(items=items, next_cursor=next_cursor)


@router.get(
    "/{user_id}", response_model=User | UserProfile, responses=error_responses(401, 404, 422)
)
async def get_user(user_id: UUID, caller: CallerDep, service: UserServiceDep) -> Response:
    """A user: the whole account (with its `ETag`) for oneself and admins, the profile for
    co-members."""
    user = await service.get_visible(caller.user, user_id)
    return encoded(user, etag=user.version if isinstance(user, User) else None)


@router.patch("/{user_id}", response_model=User, responses=error_responses(401, 403, 404, 409, 422))
async def update_user(
    user_id: UUID,
    update: UserAdminUpdate,
    admin: PlatformAdminDep,
    service: UserServiceDep,
    now: NowDep,
    if_match: IfMatch,
) -> Response:
    """Change a user's name, flags or active state (platform admins)."""
    user = await service.admin_update(admin.user, user_id, update, now, if_match)
    return encoded(user, etag=user.version)


@router.delete(
    "/{user_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(401, 403, 404, 409, 422),
)
async def deactivate_user(
    user_id: UUID, admin: PlatformAdminDep, service: UserServiceDep, now: NowDep, if_match: IfMatch
) -> None:
    """Deactivate a user: no more logins, sessions and API tokens revoked (platform admins)."""
    await service.deactivate(admin.user, user_id, now, if_match)
