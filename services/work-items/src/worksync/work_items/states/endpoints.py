"""`/workspaces/{ws}/projects/{pid}/states`: a project's workflow states."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Path, Response, status
from fastapi.responses import JSONResponse

from worksync.common.clock import NowDep
from worksync.common.db import SessionDep
from worksync.common.directory import DIRECTORY_ERRORS, VIEWER_ERRORS, ProjectAdmin, ProjectViewer
from worksync.common.errors import error_responses
from worksync.common.idempotency import IdempotencyKeyHeader, idempotent
from worksync.common.pagination import Page, PageParams, page_params
from worksync.common.preconditions import IfMatch
from worksync.common.responses import encoded
from worksync.work_items.dependencies import StateServiceDep
from worksync.work_items.models import idempotency_keys
from worksync.work_items.states.schemas import State, StateCreate, StateSort, StateUpdate

router = APIRouter(prefix="/workspaces/{ws}/projects/{pid}/states", tags=["states"])

StateId = Annotated[UUID, Path(description="The state's id")]


@router.get(
    "", response_model=Page[State], responses={**VIEWER_ERRORS, **error_responses(400, 422)}
)
async def list_states(
    context: ProjectViewer,
    service: StateServiceDep,
    params: Annotated[PageParams, Depends(page_params)],
    sort: StateSort = StateSort.POSITION,
) -> Page[State]:
    """The project's states, in board order by default."""
    items, next_cursor = await service.page(context, sort, params)
    return Page(items=items, next_cursor=next_cursor)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=State,
    responses={**DIRECTORY_ERRORS, **error_responses(409, 422)},
)
async def create_state(
    request: StateCreate,
    context: ProjectAdmin,
    service: StateServiceDep,
    session: SessionDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    """Add a state (project admins)."""

    async def create() -> State:
        return await service.create(context, request)

    return await idempotent(
        session,
        idempotency_keys,
        key=idempotency_key,
        scope=f"states.create:{context.project.id}:{context.workspace.user_id}",
        payload=request,
        status_code=status.HTTP_201_CREATED,
        produce=create,
    )


@router.get(
    "/{state_id}", response_model=State, responses={**VIEWER_ERRORS, **error_responses(422)}
)
async def get_state(
    state_id: StateId, context: ProjectViewer, service: StateServiceDep
) -> Response:
    """One state."""
    state = await service.get(context, state_id)
    return encoded(state, etag=state.version)


@router.patch(
    "/{state_id}",
    response_model=State,
    responses={**DIRECTORY_ERRORS, **error_responses(409, 422)},
)
async def update_state(
    state_id: StateId,
    request: StateUpdate,
    context: ProjectAdmin,
    service: StateServiceDep,
    now: NowDep,
    if_match: IfMatch,
) -> Response:
    """Change a state (project admins); `is_default: true` moves the default here."""
    state = await service.update(context, state_id, request, now, if_match)
    return encoded(state, etag=state.version)


@router.delete(
    "/{state_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={**DIRECTORY_ERRORS, **error_responses(409, 422)},
)
async def delete_state(
    state_id: StateId,
    context: ProjectAdmin,
    service: StateServiceDep,
    now: NowDep,
    if_match: IfMatch,
) -> None:
    """Delete a state (project admins); not the default, nor one live issues are in."""
    await service.delete(context, state_id, now, if_match)
