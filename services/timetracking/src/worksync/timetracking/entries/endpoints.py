"""`/workspaces/{ws}/time-entries`: every kind of logged time, with its filters."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Body, Depends, Query, Response, status
from fastapi.responses import JSONResponse, StreamingResponse

from worksync.common.db import SessionDep, SessionmakerDep
from worksync.common.directory import DIRECTORY_ERRORS, WorkspaceMember
from worksync.common.errors import error_responses
from worksync.common.fields import IsoDate
from worksync.common.idempotency import IdempotencyKeyHeader, idempotent
from worksync.common.pagination import Page, PageParams, page_params
from worksync.common.preconditions import IfMatch
from worksync.common.responses import encoded
from worksync.timetracking.dependencies import EntryServiceDep
from worksync.timetracking.entries.export import entries_csv
from worksync.timetracking.entries.schemas import (
    Entry,
    EntryCreate,
    EntryDuplicate,
    EntryFilters,
    EntrySort,
    EntryUpdate,
)
from worksync.timetracking.models import ApprovalState, EntrySource, idempotency_keys

router = APIRouter(prefix="/workspaces/{ws}/time-entries", tags=["time entries"])

READ_ERRORS = {**DIRECTORY_ERRORS, **error_responses(422)}
WRITE_ERRORS = {**DIRECTORY_ERRORS, **error_responses(409, 422)}


async def entry_filters(
    project_id: UUID | None = None,
    issue_id: UUID | None = None,
    user_id: UUID | None = None,
    from_date: Annotated[IsoDate | None, Query(alias="from", description="First work date")] = None,
    to_date: Annotated[IsoDate | None, Query(alias="to", description="Last work date")] = None,
    billable: bool | None = None,
    source: EntrySource | None = None,
    approval_state: Annotated[
        ApprovalState | None, Query(description="Its timesheet's state (draft: open)")
    ] = None,
) -> EntryFilters:
    return EntryFilters(
        project_id=project_id,
        issue_id=issue_id,
        user_id=user_id,
        from_date=from_date,
        to_date=to_date,
        billable=billable,
        source=source,
        approval_state=approval_state,
    )


@router.get("", response_model=Page[Entry], responses=READ_ERRORS)
async def list_entries(
    workspace: WorkspaceMember,
    service: EntryServiceDep,
    filters: Annotated[EntryFilters, Depends(entry_filters)],
    params: Annotated[PageParams, Depends(page_params)],
    sort: EntrySort = EntrySort.NEWEST_START,
) -> Response:
    """Entries the caller may see: their own; admins everyone's (in their projects)."""
    return encoded(await service.page(workspace, filters, sort, params))


@router.get(
    "/export",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "The finished entries as CSV, with a header row",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        },
        **READ_ERRORS,
    },
)
async def export_entries(
    workspace: WorkspaceMember,
    service: EntryServiceDep,
    sessionmaker: SessionmakerDep,
    filters: Annotated[EntryFilters, Depends(entry_filters)],
) -> StreamingResponse:
    """The finished entries the caller may see, with the list's filters, as CSV (newest
    start first)."""
    query = service.export_query(workspace, filters)
    return StreamingResponse(
        entries_csv(sessionmaker, query),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="time-entries.csv"'},
    )


@router.post("", status_code=status.HTTP_201_CREATED, response_model=Entry, responses=WRITE_ERRORS)
async def create_entry(
    request: EntryCreate,
    workspace: WorkspaceMember,
    service: EntryServiceDep,
    session: SessionDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    """Log time: a start and an end, or a duration on a date."""

    async def create() -> Entry:
        return await service.create(workspace, request)

    return await idempotent(
        session,
        idempotency_keys,
        key=idempotency_key,
        scope=f"time_entries.create:{workspace.workspace_id}:{workspace.user_id}",
        payload=request,
        status_code=status.HTTP_201_CREATED,
        produce=create,
    )


@router.get("/{entry_id}", response_model=Entry, responses=READ_ERRORS)
async def get_entry(
    workspace: WorkspaceMember, service: EntryServiceDep, entry_id: UUID
) -> Response:
    """One entry the caller may see."""
    entry = await service.get(workspace, entry_id)
    return encoded(entry, etag=entry.version)


@router.post(
    "/{entry_id}/duplicate",
    status_code=status.HTTP_201_CREATED,
    response_model=Entry,
    responses=WRITE_ERRORS,
)
async def duplicate_entry(
    workspace: WorkspaceMember,
    service: EntryServiceDep,
    session: SessionDep,
    entry_id: UUID,
    request: Annotated[EntryDuplicate | None, Body()] = None,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    """Log a finished entry again (one the caller may change): on `work_date`, default
    today; a timed entry at the same local times of day."""
    body = request or EntryDuplicate()

    async def duplicate() -> Entry:
        return await service.duplicate(workspace, entry_id, body)

    return await idempotent(
        session,
        idempotency_keys,
        key=idempotency_key,
        scope=f"time_entries.duplicate:{workspace.workspace_id}:{workspace.user_id}:{entry_id}",
        payload=body,
        status_code=status.HTTP_201_CREATED,
        produce=duplicate,
    )


@router.patch("/{entry_id}", response_model=Entry, responses=WRITE_ERRORS)
async def update_entry(
    request: EntryUpdate,
    workspace: WorkspaceMember,
    service: EntryServiceDep,
    entry_id: UUID,
    if_match: IfMatch,
) -> Response:
    """Change an entry (its owner, or an admin)."""
    entry = await service.update(workspace, entry_id, request, if_match=if_match)
    return encoded(entry, etag=entry.version)


@router.delete("/{entry_id}", status_code=status.HTTP_204_NO_CONTENT, responses=WRITE_ERRORS)
async def delete_entry(
    workspace: WorkspaceMember, service: EntryServiceDep, entry_id: UUID, if_match: IfMatch
) -> Response:
    """Delete an entry (its owner, or an admin)."""
    await service.delete(workspace, entry_id, if_match=if_match)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
