"""`/workspaces/{ws}/time-tracking/{today,week,summary}` and a project's worklog summary."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query

from worksync.common.directory import DIRECTORY_ERRORS, ProjectMember, WorkspaceMember
from worksync.common.errors import error_responses
from worksync.timetracking.dependencies import ReportServiceDep
from worksync.timetracking.reports.schemas import Timesheet, TimeSummary, WorklogSummary

router = APIRouter(prefix="/workspaces/{ws}", tags=["reports"])

REPORT_ERRORS = {**DIRECTORY_ERRORS, **error_responses(422)}
FromDate = Annotated[date | None, Query(alias="from", description="First work date")]
ToDate = Annotated[date | None, Query(alias="to", description="Last work date")]


@router.get("/time-tracking/today", response_model=Timesheet, responses=REPORT_ERRORS)
async def today(workspace: WorkspaceMember, service: ReportServiceDep) -> Timesheet:
    """The caller's entries and worked seconds today, in their time zone."""
    return await service.today(workspace)


@router.get("/time-tracking/week", response_model=Timesheet, responses=REPORT_ERRORS)
async def week(
    workspace: WorkspaceMember,
    service: ReportServiceDep,
    day: Annotated[
        date | None, Query(alias="date", description="A day of the week (default: today)")
    ] = None,
) -> Timesheet:
    """The caller's week (from the workspace's week start) with per-day totals."""
    return await service.week(workspace, day)


@router.get("/time-tracking/summary", response_model=TimeSummary, responses=REPORT_ERRORS)
async def time_summary(
    workspace: WorkspaceMember,
    service: ReportServiceDep,
    project_id: UUID | None = None,
    user_id: UUID | None = None,
    from_date: FromDate = None,
    to_date: ToDate = None,
) -> TimeSummary:
    """Time by project, member and work date; admins see everyone's, members their own."""
    return await service.time_summary(workspace, project_id, user_id, from_date, to_date)


@router.get(
    "/projects/{pid}/worklogs/summary", response_model=WorklogSummary, responses=REPORT_ERRORS
)
async def worklog_summary(
    _: WorkspaceMember,
    context: ProjectMember,
    service: ReportServiceDep,
    from_date: FromDate = None,
    to_date: ToDate = None,
) -> WorklogSummary:
    """Logged minutes per issue (against its estimate) and per member (project members)."""
    return await service.worklog_summary(context, from_date, to_date)
