"""`/workspaces/{ws}/projects/{pid}/issues/{iid}/worklogs`: time logged on an issue."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Path, Response, status
from fastapi.responses import JSONResponse

from worksync.common.db import SessionDep
from worksync.common.directory import DIRECTORY_ERRORS, WorkspaceMember
from worksync.common.errors import error_responses
from worksync.common.idempotency import IdempotencyKeyHeader, idempotent
from worksync.common.pagination import Page, PageParams, page_params
from worksync.common.preconditions import IfMatch
from worksync.common.responses import encoded
from worksync.timetracking.dependencies import WorklogServiceDep
from worksync.timetracking.models import idempotency_keys
from worksync.timetracking.worklogs.schemas import (
    Worklog,
    WorklogCreate,
    WorklogSort,
    WorklogUpdate,
)

router = APIRouter(
    prefix="/workspaces/{ws}/projects/{pid}/issues/{iid}/worklogs", tags=["worklogs"]
)

ProjectId = Annotated[UUID, Path(description="The project's id")]
IssueId = Annotated[UUID, Path(description="The issue's id")]
READ_ERRORS = {**DIRECTORY_ERRORS, **error_responses(422)}
WRITE_ERRORS = {**DIRECTORY_ERRORS, **error_responses(409, 422)}


@router.get("", response_model=Page[Worklog], responses=READ_ERRORS)
async def list_worklogs(
    workspace: WorkspaceMember,
    service: WorklogServiceDep,
    pid: ProjectId,
    iid: IssueId,
    params: Annotated[PageParams, Depends(page_params)],
    sort: WorklogSort = WorklogSort.NEWEST_LOGGED_AT,
) -> Response:
    """The issue's worklogs the caller may see (their own; admins everyone's)."""
    return encoded(await service.page(workspace, pid, iid, sort, params))


@router.post(
    "", status_code=status.HTTP_201_CREATED, response_model=Worklog, responses=WRITE_ERRORS
)
async def create_worklog(
    request: WorklogCreate,
    workspace: WorkspaceMember,
    service: WorklogServiceDep,
    session: SessionDep,
    pid: ProjectId,
    iid: IssueId,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    """Log minutes on the issue."""

    async def create() -> Worklog:
        return await service.create(workspace, pid, iid, request)

    return await idempotent(
        session,
        idempotency_keys,
        key=idempotency_key,
        scope=f"worklogs.create:{workspace.workspace_id}:{workspace.user_id}:{iid}",
        payload=request,
        status_code=status.HTTP_201_CREATED,
        produce=create,
    )


@router.get("/{worklog_id}", response_model=Worklog, responses=READ_ERRORS)
async def get_worklog(
    workspace: WorkspaceMember,
    service: WorklogServiceDep,
    pid: ProjectId,
    iid: IssueId,
    worklog_id: UUID,
) -> Response:
    """One worklog of the issue."""
    worklog = await service.get(workspace, pid, iid, worklog_id)
    return encoded(worklog, etag=worklog.version)


@router.patch("/{worklog_id}", response_model=Worklog, responses=WRITE_ERRORS)
async def update_worklog(
    request: WorklogUpdate,
    workspace: WorkspaceMember,
    service: WorklogServiceDep,
    pid: ProjectId,
    iid: IssueId,
    worklog_id: UUID,
    if_match: IfMatch,
) -> Response:
    """Change a worklog (its owner, or an admin)."""
    worklog = await service.update(workspace, pid, iid, worklog_id, request, if_match)
    return encoded(worklog, etag=worklog.version)


@router.delete("/{worklog_id}", status_code=status.HTTP_204_NO_CONTENT, responses=WRITE_ERRORS)
async def delete_worklog(
    workspace: WorkspaceMember,
    service: WorklogServiceDep,
    pid: ProjectId,
    iid: IssueId,
    worklog_id: UUID,
    if_match: IfMatch,
) -> Response:
    """Delete a worklog (its owner, or an admin)."""
    await service.delete(workspace, pid, iid, worklog_id, if_match)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
