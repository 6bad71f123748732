"""`…/issues/{iid}/activity` and `…/projects/{pid}/activity`: the read-only feeds."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Path, Query

from worksync.common.directory import VIEWER_ERRORS, ProjectViewer
from worksync.common.errors import error_responses
from worksync.common.pagination import Page, PageParams, page_params
from worksync.work_items.activity.schemas import ActivityEntry, ActivityFilters, ActivitySort
from worksync.work_items.dependencies import ActivityServiceDep
from worksync.work_items.enums import ActivityKind

router = APIRouter(prefix="/workspaces/{ws}/projects/{pid}", tags=["activity"])


async def activity_filters(
    kind: Annotated[
        list[ActivityKind] | None, Query(max_length=20, description="Kinds (any of them)")
    ] = None,
    actor: Annotated[UUID | None, Query(description="Done by this user")] = None,
    since: Annotated[datetime | None, Query(description="At or after this instant")] = None,
) -> ActivityFilters:
    return ActivityFilters(kinds=kind or [], actor_id=actor, since=since)


Filters = Annotated[ActivityFilters, Depends(activity_filters)]
Params = Annotated[PageParams, Depends(page_params)]


@router.get(
    "/issues/{iid}/activity",
    response_model=Page[ActivityEntry],
    responses={**VIEWER_ERRORS, **error_responses(400, 422)},
)
async def issue_activity(
    iid: Annotated[UUID, Path(description="The issue's id")],
    context: ProjectViewer,
    service: ActivityServiceDep,
    filters: Filters,
    params: Params,
    sort: ActivitySort = ActivitySort.NEWEST_FIRST,
) -> Page[ActivityEntry]:
    """Everything that happened to an issue."""
    items, next_cursor = await service.issue_page(context, iid, filters, sort, params)
    return Page(items=items, next_cursor=next_cursor)


@router.get(
    "/activity",
    response_model=Page[ActivityEntry],
    responses={**VIEWER_ERRORS, **error_responses(400, 422)},
)
async def project_activity(
    context: ProjectViewer,
    service: ActivityServiceDep,
    filters: Filters,
    params: Params,
    sort: ActivitySort = ActivitySort.NEWEST_FIRST,
) -> Page[ActivityEntry]:
    """Everything that happened to the project's issues."""
    items, next_cursor = await service.project_page(context, filters, sort, params)
    return Page(items=items, next_cursor=next_cursor)
