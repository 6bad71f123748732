"""`/workspaces/{ws}/timer`: the caller's timer, started, paused, resumed, stopped, discarded."""

from __future__ import annotations

from fastapi import APIRouter, Response, status
from fastapi.responses import JSONResponse

from worksync.common.db import SessionDep
from worksync.common.directory import DIRECTORY_ERRORS, WorkspaceMember
from worksync.common.errors import error_responses
from worksync.common.idempotency import IdempotencyKeyHeader, idempotent
from worksync.common.responses import encoded
from worksync.timetracking.dependencies import TimerServiceDep
from worksync.timetracking.entries.schemas import Entry
from worksync.timetracking.models import idempotency_keys
from worksync.timetracking.timers.schemas import Timer, TimerStart

router = APIRouter(prefix="/workspaces/{ws}/timer", tags=["timer"])

TIMER_ERRORS = {**DIRECTORY_ERRORS, **error_responses(409, 422)}


@router.get("", response_model=Timer, responses=DIRECTORY_ERRORS)
async def get_timer(workspace: WorkspaceMember, service: TimerServiceDep) -> Response:
    """The caller's running or paused timer in this workspace (404 `no_running_timer`)."""
    return encoded(await service.current(workspace))


@router.post(
    "/start", status_code=status.HTTP_201_CREATED, response_model=Timer, responses=TIMER_ERRORS
)
async def start_timer(
    request: TimerStart,
    workspace: WorkspaceMember,
    service: TimerServiceDep,
    session: SessionDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    """Start a timer (409 `timer_already_running` unless `stop_running`)."""

    async def start() -> Timer:
        return await service.start(workspace, request)

    return await idempotent(
        session,
        idempotency_keys,
        key=idempotency_key,
        scope=f"timer.start:{workspace.workspace_id}:{workspace.user_id}",
        payload=request,
        status_code=status.HTTP_201_CREATED,
        produce=start,
    )


@router.post("/pause", response_model=Timer, responses=TIMER_ERRORS)
async def pause_timer(workspace: WorkspaceMember, service: TimerServiceDep) -> Response:
    """Pause the timer: an unpaid break begins."""
    return encoded(await service.pause(workspace))


@router.post("/resume", response_model=Timer, responses=TIMER_ERRORS)
async def resume_timer(workspace: WorkspaceMember, service: TimerServiceDep) -> Response:
    """Resume the paused timer: its break ends."""
    return encoded(await service.resume(workspace))


@router.post("/stop", response_model=Entry, responses=TIMER_ERRORS)
async def stop_timer(workspace: WorkspaceMember, service: TimerServiceDep) -> Response:
    """Stop the timer; it becomes a finished entry (409 `timer_too_short` under a second)."""
    return encoded(await service.stop(workspace))


@router.post(
    "/discard",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={**DIRECTORY_ERRORS, **error_responses(422)},
)
async def discard_timer(workspace: WorkspaceMember, service: TimerServiceDep) -> Response:
    """Throw the timer away; nothing is logged."""
    await service.discard(workspace)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
