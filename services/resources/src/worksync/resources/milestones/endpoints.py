"""`/workspaces/{ws}/projects/{pid}/milestones`, `/critical-path`, `/milestone-report`.

Project members read; workspace admins and project admins plan (see `access`).
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Response, status
from fastapi.responses import JSONResponse

from worksync.common.clock import NowDep
from worksync.common.db import SessionDep
from worksync.common.directory import DIRECTORY_ERRORS
from worksync.common.errors import error_responses, invalid_field
from worksync.common.fields import IsoDate
from worksync.common.idempotency import IdempotencyKeyHeader, idempotent
from worksync.common.pagination import Page, PageParams, page_params
from worksync.common.preconditions import IfMatch
from worksync.common.responses import encoded
from worksync.resources.dependencies import MilestoneServiceDep
from worksync.resources.milestones.access import ProjectPlanner, ProjectReader
from worksync.resources.milestones.repository import MilestoneFilter
from worksync.resources.milestones.schemas import (
    CriticalPathRead,
    DependencyCreate,
    MilestoneCreate,
    MilestoneRead,
    MilestoneReport,
    MilestoneSort,
    MilestoneUpdate,
)
from worksync.resources.models import MilestonePriority, MilestoneStatus, idempotency_keys

PROJECT = "/workspaces/{ws}/projects/{pid}"
router = APIRouter(prefix=PROJECT, tags=["milestones"])

Paging = Annotated[PageParams, Depends(page_params)]


async def milestone_filter(
    status: MilestoneStatus | None = None,
    priority: MilestonePriority | None = None,
    assignee_id: UUID | None = None,
    due_from: Annotated[IsoDate | None, Query(description="Due on this day or later")] = None,
    due_to: Annotated[IsoDate | None, Query(description="Due on this day or earlier")] = None,
) -> MilestoneFilter:
    if due_from is not None and due_to is not None and due_to < due_from:
        raise invalid_field("due_to", "must not be before due_from")
    return MilestoneFilter(
        status=status,
        priority=priority,
        assignee_id=assignee_id,
        due_from=due_from,
        due_to=due_to,
    )


@router.get(
    "/milestones",
    response_model=Page[MilestoneRead],
    responses={**DIRECTORY_ERRORS, **error_responses(400, 422)},
)
async def list_milestones(
    context: ProjectReader,
    service: MilestoneServiceDep,
    params: Paging,
    where: Annotated[MilestoneFilter, Depends(milestone_filter)],
    sort: MilestoneSort = MilestoneSort.DUE_DATE,
) -> Page[MilestoneRead]:
    """The project's milestones, optionally by status, priority, assignee or due dates."""
    items, next_cursor = await service.page(context, where, sort, params)
    return Page(items=items, next_cursor=next_cursor)


@router.post(
    "/milestones",
    status_code=status.HTTP_201_CREATED,
    response_model=MilestoneRead,
    responses={**DIRECTORY_ERRORS, **error_responses(422)},
)
async def create_milestone(
    request: MilestoneCreate,
    context: ProjectPlanner,
    service: MilestoneServiceDep,
    session: SessionDep,
    now: NowDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    """Add a milestone to the project (workspace admins, project admins)."""

    async def create() -> MilestoneRead:
        return await service.create(context, request, now)

    return await idempotent(
        session,
        idempotency_keys,
        key=idempotency_key,
        scope=f"milestones.create:{context.project.id}:{context.workspace.user_id}",
        payload=request,
        status_code=status.HTTP_201_CREATED,
        produce=create,
    )


@router.get(
    "/milestones/{milestone_id}",
    response_model=MilestoneRead,
    responses={**DIRECTORY_ERRORS, **error_responses(422)},
)
async def get_milestone(
    milestone_id: UUID, context: ProjectReader, service: MilestoneServiceDep
) -> Response:
    """A milestone with its dependencies."""
    milestone = await service.get(context, milestone_id)
    return encoded(milestone, etag=milestone.version)


@router.patch(
    "/milestones/{milestone_id}",
    response_model=MilestoneRead,
    responses={**DIRECTORY_ERRORS, **error_responses(409, 422)},
)
async def update_milestone(
    milestone_id: UUID,
    request: MilestoneUpdate,
    context: ProjectPlanner,
    service: MilestoneServiceDep,
    now: NowDep,
    if_match: IfMatch,
    force: Annotated[
        bool,
        Query(description="Complete despite open required deliverables (workspace admins)"),
    ] = False,
) -> Response:
    """Change a milestone (workspace admins, project admins). Completing it while a
    required deliverable is open is a 409 unless a workspace admin forces it."""
    milestone = await service.update(
        context, milestone_id, request, force=force, now=now, if_match=if_match
    )
    return encoded(milestone, etag=milestone.version)


@router.delete(
    "/milestones/{milestone_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={**DIRECTORY_ERRORS, **error_responses(422)},
)
async def delete_milestone(
    milestone_id: UUID, context: ProjectPlanner, service: MilestoneServiceDep, if_match: IfMatch
) -> None:
    """Delete a milestone, its deliverables and the dependencies on it."""
    await service.delete(context, milestone_id, if_match)


@router.post(
    "/milestones/{milestone_id}/dependencies",
    status_code=status.HTTP_201_CREATED,
    response_model=MilestoneRead,
    responses={**DIRECTORY_ERRORS, **error_responses(409, 422)},
)
async def add_dependency(
    milestone_id: UUID,
    request: DependencyCreate,
    context: ProjectPlanner,
    service: MilestoneServiceDep,
) -> MilestoneRead:
    """Make the milestone start after another of the project finishes (plus `lag_days`
    working days); 409 `dependency_cycle` when that would close a cycle."""
    return await service.add_dependency(context, milestone_id, request)


@router.delete(
    "/milestones/{milestone_id}/dependencies/{depends_on_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={**DIRECTORY_ERRORS, **error_responses(422)},
)
async def remove_dependency(
    milestone_id: UUID,
    depends_on_id: UUID,
    context: ProjectPlanner,
    service: MilestoneServiceDep,
) -> None:
    """Remove a dependency."""
    await service.remove_dependency(context, milestone_id, depends_on_id)


@router.get(
    "/critical-path",
    response_model=CriticalPathRead,
    responses={**DIRECTORY_ERRORS, **error_responses(422)},
)
async def get_critical_path(
    context: ProjectReader, service: MilestoneServiceDep
) -> CriticalPathRead:
    """The critical path method over the project's milestones (cancelled ones left out)
    in working days, Monday to Friday."""
    return await service.critical_path(context)


@router.get(
    "/milestone-report",
    response_model=MilestoneReport,
    responses={**DIRECTORY_ERRORS, **error_responses(422)},
)
async def get_milestone_report(
    context: ProjectReader, service: MilestoneServiceDep, now: NowDep
) -> MilestoneReport:
    """Each open or completed milestone on track, at risk or overdue, with the reasons
    (as of today, UTC)."""
    return await service.report(context, now.date())
