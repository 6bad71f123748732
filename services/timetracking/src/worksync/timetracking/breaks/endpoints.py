"""`/workspaces/{ws}/time-entries/{entry_id}/breaks`."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Response, status
from fastapi.responses import JSONResponse

from worksync.common.db import SessionDep
from worksync.common.directory import DIRECTORY_ERRORS, WorkspaceMember
from worksync.common.errors import error_responses
from worksync.common.idempotency import IdempotencyKeyHeader, idempotent
from worksync.common.preconditions import IfMatch
from worksync.timetracking.breaks.schemas import BreakCreate, EntryBreaks
from worksync.timetracking.dependencies import BreakServiceDep
from worksync.timetracking.models import idempotency_keys

router = APIRouter(prefix="/workspaces/{ws}/time-entries/{entry_id}/breaks", tags=["breaks"])

READ_ERRORS = {**DIRECTORY_ERRORS, **error_responses(422)}
WRITE_ERRORS = {**DIRECTORY_ERRORS, **error_responses(409, 422)}


@router.get("", response_model=EntryBreaks, responses=READ_ERRORS)
async def list_breaks(
    workspace: WorkspaceMember, service: BreakServiceDep, entry_id: UUID
) -> EntryBreaks:
    """An entry's breaks (timer pauses included) and its worked seconds."""
    return await service.list(workspace, entry_id)


@router.post(
    "", status_code=status.HTTP_201_CREATED, response_model=EntryBreaks, responses=WRITE_ERRORS
)
async def add_break(
    request: BreakCreate,
    workspace: WorkspaceMember,
    service: BreakServiceDep,
    session: SessionDep,
    entry_id: UUID,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    """Add a paid or unpaid break inside a finished timed entry; the entry's worked seconds
    follow."""

    async def add() -> EntryBreaks:
        return await service.add(workspace, entry_id, request)

    return await idempotent(
        session,
        idempotency_keys,
        key=idempotency_key,
        scope=f"breaks.create:{workspace.workspace_id}:{workspace.user_id}:{entry_id}",
        payload=request,
        status_code=status.HTTP_201_CREATED,
        produce=add,
    )


@router.delete("/{break_id}", status_code=status.HTTP_204_NO_CONTENT, responses=WRITE_ERRORS)
async def remove_break(
    workspace: WorkspaceMember,
    service: BreakServiceDep,
    entry_id: UUID,
    break_id: UUID,
    if_match: IfMatch,
) -> Response:
    """Remove a break; the entry's worked seconds follow. `If-Match` names a version of the
    entry (its `ETag`)."""
    await service.remove(workspace, entry_id, break_id, if_match)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
