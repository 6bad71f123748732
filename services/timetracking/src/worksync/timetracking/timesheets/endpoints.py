"""`/workspaces/{ws}/timesheets`: the caller's submissions and the approver's queue."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Response

from worksync.common.directory import DIRECTORY_ERRORS, WorkspaceMember
from worksync.common.errors import error_responses
from worksync.common.fields import IsoDate
from worksync.common.pagination import Page, PageParams, page_params
from worksync.common.preconditions import IfMatch
from worksync.common.responses import encoded
from worksync.timetracking.dependencies import TimesheetServiceDep
from worksync.timetracking.models import TimesheetState
from worksync.timetracking.timesheets.schemas import (
    Timesheet,
    TimesheetDetail,
    TimesheetFilters,
    TimesheetRejection,
    TimesheetReopening,
    TimesheetSubmit,
)

router = APIRouter(prefix="/workspaces/{ws}/timesheets", tags=["timesheets"])

READ_ERRORS = {**DIRECTORY_ERRORS, **error_responses(422)}
ACT_ERRORS = {**DIRECTORY_ERRORS, **error_responses(409, 422)}


async def timesheet_filters(
    state: TimesheetState | None = None,
    user_id: UUID | None = None,
    from_date: Annotated[
        IsoDate | None, Query(alias="from", description="Periods ending on or after")
    ] = None,
    to_date: Annotated[
        IsoDate | None, Query(alias="to", description="Periods starting on or before")
    ] = None,
) -> TimesheetFilters:
    return TimesheetFilters(state=state, user_id=user_id, from_date=from_date, to_date=to_date)


@router.get("", response_model=Page[Timesheet], responses=READ_ERRORS)
async def list_timesheets(
    workspace: WorkspaceMember,
    service: TimesheetServiceDep,
    filters: Annotated[TimesheetFilters, Depends(timesheet_filters)],
    params: Annotated[PageParams, Depends(page_params)],
) -> Page[Timesheet]:
    """Submitted-at-least-once timesheets by period: admins see all, team leads their
    members' and their own, members their own (`state=submitted`: the approver's queue)."""
    items, next_cursor = await service.page(workspace, filters, params)
    return Page(items=items, next_cursor=next_cursor)


@router.post("/submit", response_model=TimesheetDetail, responses=ACT_ERRORS)
async def submit_timesheet(
    request: TimesheetSubmit, workspace: WorkspaceMember, service: TimesheetServiceDep
) -> TimesheetDetail:
    """Submit the caller's timesheet of the period holding `date`; its time is then frozen
    for them until a decision or a withdrawal."""
    return await service.submit(workspace, request)


@router.get("/{timesheet_id}", response_model=TimesheetDetail, responses=READ_ERRORS)
async def get_timesheet(
    workspace: WorkspaceMember, service: TimesheetServiceDep, timesheet_id: UUID
) -> Response:
    """One timesheet with its entries and rounded totals (its user and their approvers)."""
    sheet = await service.get(workspace, timesheet_id)
    return encoded(sheet, etag=sheet.version)


@router.post("/{timesheet_id}/withdraw", response_model=TimesheetDetail, responses=ACT_ERRORS)
async def withdraw_timesheet(
    workspace: WorkspaceMember, service: TimesheetServiceDep, timesheet_id: UUID
) -> TimesheetDetail:
    """Take a submitted timesheet back before a decision (its user)."""
    return await service.withdraw(workspace, timesheet_id)


@router.post("/{timesheet_id}/approve", response_model=TimesheetDetail, responses=ACT_ERRORS)
async def approve_timesheet(
    workspace: WorkspaceMember, service: TimesheetServiceDep, timesheet_id: UUID, if_match: IfMatch
) -> Response:
    """Approve a submitted timesheet (an approver): its time is frozen for everyone. With
    `If-Match`, only the version the approver reviewed."""
    sheet = await service.approve(workspace, timesheet_id, if_match)
    return encoded(sheet, etag=sheet.version)


@router.post("/{timesheet_id}/reject", response_model=TimesheetDetail, responses=ACT_ERRORS)
async def reject_timesheet(
    request: TimesheetRejection,
    workspace: WorkspaceMember,
    service: TimesheetServiceDep,
    timesheet_id: UUID,
) -> TimesheetDetail:
    """Send a submitted timesheet back with a comment (an approver)."""
    return await service.reject(workspace, timesheet_id, request.comment)


@router.post("/{timesheet_id}/reopen", response_model=TimesheetDetail, responses=ACT_ERRORS)
async def reopen_timesheet(
    request: TimesheetReopening,
    workspace: WorkspaceMember,
    service: TimesheetServiceDep,
    timesheet_id: UUID,
) -> TimesheetDetail:
    """Open an approved timesheet again, with a reason (a workspace admin)."""
    return await service.reopen(workspace, timesheet_id, request.reason)
