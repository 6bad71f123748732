"""`/auth/sessions`: the caller's own login sessions."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, status

from worksync.common.clock import NowDep
from worksync.common.errors import error_responses
from worksync.common.pagination import Page, PageParams, page_params
from worksync.identity.dependencies import SessionCallerDep, SessionServiceDep
from worksync.identity.sessions.schemas import Session

router = APIRouter(prefix="/auth/sessions", tags=["sessions"])


@router.get("", response_model=Page[Session], responses=error_responses(400, 401, 403, 422))
async def list_sessions(
    caller: SessionCallerDep,
    service: SessionServiceDep,
    params: Annotated[PageParams, Depends(page_params)],
    now: NowDep,
) -> Page[Session]:
    """The caller's live sessions, newest first; `current` marks the calling one."""
    items, next_cursor = await service.page_own(caller.user.id, caller.session_id, params, now)
    return Page(items=items, next_cursor=next_cursor)


@router.delete(
    "/{session_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(401, 403, 404, 422),
)
async def revoke_session(
    session_id: UUID, caller: SessionCallerDep, service: SessionServiceDep, now: NowDep
) -> None:
    """End one of the caller's sessions."""
    await service.revoke_own(caller.user.id, session_id, now)
