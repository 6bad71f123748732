"""`/workspaces/{ws}/projects/{pid}/issues`: issues, their deletion and restore."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Path, Query, Response, status
from fastapi.responses import JSONResponse

from worksync.common.clock import NowDep
from worksync.common.db import SessionDep
from worksync.common.directory import DIRECTORY_ERRORS, ProjectMember, ProjectViewer
from worksync.common.errors import error_responses
from worksync.common.fields import IsoDate
from worksync.common.idempotency import IdempotencyKeyHeader, idempotent
from worksync.common.pagination import Page, PageParams, page_params
from worksync.common.preconditions import IfMatch
from worksync.common.responses import encoded
from worksync.work_items.dependencies import IssueServiceDep
from worksync.work_items.enums import Priority, StateGroup
from worksync.work_items.issues.schemas import (
    Issue,
    IssueCreate,
    IssueFilters,
    IssueSort,
    IssueUpdate,
)
from worksync.work_items.models import idempotency_keys

router = APIRouter(prefix="/workspaces/{ws}/projects/{pid}/issues", tags=["issues"])

IssueId = Annotated[UUID, Path(description="The issue's id")]
IncludeDeleted = Annotated[bool, Query(description="Deleted issues as well (project admins only)")]


async def issue_filters(
    state: Annotated[list[UUID] | None, Query(description="State ids (any of them)")] = None,
    state_group: Annotated[
        list[StateGroup] | None, Query(description="State groups (any of them)")
    ] = None,
    priority: Annotated[
        list[Priority] | None, Query(description="Priorities (any of them)")
    ] = None,
    assignee: Annotated[UUID | None, Query(description="Assigned to this user")] = None,
    label: Annotated[UUID | None, Query(description="Carrying this label")] = None,
    parent: Annotated[UUID | None, Query(description="Sub-issues of this issue")] = None,
    due_before: Annotated[IsoDate | None, Query(description="Due on or before")] = None,
    due_after: Annotated[IsoDate | None, Query(description="Due on or after")] = None,
    search: Annotated[
        str | None,
        Query(min_length=1, max_length=200, description="Words of title or description, or a key"),
    ] = None,
    include_deleted: IncludeDeleted = False,
) -> IssueFilters:
    return IssueFilters(
        state_ids=state or [],
        state_groups=state_group or [],
        priorities=priority or [],
        assignee_id=assignee,
        label_id=label,
        parent_id=parent,
        due_before=due_before,
        due_after=due_after,
        search=search,
        include_deleted=include_deleted,
    )


@router.get(
    "", response_model=Page[Issue], responses={**DIRECTORY_ERRORS, **error_responses(400, 422)}
)
async def list_issues(
    context: ProjectViewer,
    service: IssueServiceDep,
    filters: Annotated[IssueFilters, Depends(issue_filters)],
    params: Annotated[PageParams, Depends(page_params)],
    sort: IssueSort = IssueSort.NEWEST_FIRST,
) -> Response:
    """The project's issues, filtered and sorted."""
    return encoded(await service.page(context, filters, sort, params))


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=Issue,
    responses={**DIRECTORY_ERRORS, **error_responses(422)},
)
async def create_issue(
    request: IssueCreate,
    context: ProjectMember,
    service: IssueServiceDep,
    session: SessionDep,
    now: NowDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    """Create an issue (project members and admins); it gets the project's next key."""

    async def create() -> Issue:
        return await service.create(context, request, now)

    return await idempotent(
        session,
        idempotency_keys,
        key=idempotency_key,
        scope=f"issues.create:{context.project.id}:{context.workspace.user_id}",
        payload=request,
        status_code=status.HTTP_201_CREATED,
        produce=create,
    )


@router.get("/{iid}", response_model=Issue, responses={**DIRECTORY_ERRORS, **error_responses(422)})
async def get_issue(
    iid: IssueId,
    context: ProjectViewer,
    service: IssueServiceDep,
    include_deleted: IncludeDeleted = False,
) -> Response:
    """One issue."""
    issue = await service.get(context, iid, include_deleted)
    return encoded(issue, etag=issue["version"])


@router.patch(
    "/{iid}", response_model=Issue, responses={**DIRECTORY_ERRORS, **error_responses(409, 422)}
)
async def update_issue(
    iid: IssueId,
    request: IssueUpdate,
    context: ProjectMember,
    service: IssueServiceDep,
    now: NowDep,
    if_match: IfMatch,
) -> Response:
    """Change an issue (project members and admins); a change of nothing records nothing."""
    issue = await service.update(context, iid, request, now, if_match)
    return encoded(issue, etag=issue.version)


@router.delete(
    "/{iid}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={**DIRECTORY_ERRORS, **error_responses(422)},
)
async def delete_issue(
    iid: IssueId,
    context: ProjectMember,
    service: IssueServiceDep,
    now: NowDep,
    if_match: IfMatch,
) -> None:
    """Delete an issue (its creator or a project admin); it can be restored."""
    await service.delete(context, iid, now, if_match)


@router.post(
    "/{iid}/restore",
    response_model=Issue,
    responses={**DIRECTORY_ERRORS, **error_responses(409, 422)},
)
async def restore_issue(
    iid: IssueId, context: ProjectMember, service: IssueServiceDep, now: NowDep
) -> Issue:
    """Restore a deleted issue (its creator or a project admin)."""
    return await service.restore(context, iid, now)
