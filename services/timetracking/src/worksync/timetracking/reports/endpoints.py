"""`/workspaces/{ws}/time-tracking/{today,week,summary}` and a project's worklog summary."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Response

from worksync.common.directory import DIRECTORY_ERRORS, ProjectMember, WorkspaceMember
from worksync.common.errors import error_responses
from worksync.common.fields import IsoDate
from worksync.common.responses import encoded
from worksync.timetracking.dependencies import (
    OvertimeServiceDep,
    ReportServiceDep,
    TimeReportServiceDep,
)
from worksync.timetracking.models import ApprovalState
from worksync.timetracking.reports.overtime import Overtime
from worksync.timetracking.reports.report import (
    MAX_FILTER_IDS,
    Dimension,
    Report,
    ReportQuery,
    report_csv,
)
from worksync.timetracking.reports.schemas import Timesheet, TimeSummary, WorklogSummary

router = APIRouter(prefix="/workspaces/{ws}", tags=["reports"])

REPORT_ERRORS = {**DIRECTORY_ERRORS, **error_responses(422)}
FromDate = Annotated[IsoDate | None, Query(alias="from", description="First work date")]
ToDate = Annotated[IsoDate | None, Query(alias="to", description="Last work date")]


@router.get("/time-tracking/today", response_model=Timesheet, responses=REPORT_ERRORS)
async def get_today(workspace: WorkspaceMember, service: ReportServiceDep) -> Response:
    """The caller's entries and worked seconds today, in their time zone."""
    return encoded(await service.today(workspace))


async def report_query(
    group_by: Annotated[Dimension, Query(description="The first grouping")],
    from_date: Annotated[IsoDate, Query(alias="from", description="First work date")],
    to_date: Annotated[IsoDate, Query(alias="to", description="Last work date (366 days at most)")],
    then_by: Annotated[
        Dimension | None,
        Query(description="A second grouping; the same as `group_by` adds none"),
    ] = None,
    project_id: Annotated[list[UUID] | None, Query(max_length=MAX_FILTER_IDS)] = None,
    user_id: Annotated[list[UUID] | None, Query(max_length=MAX_FILTER_IDS)] = None,
    client_id: Annotated[
        list[UUID] | None,
        Query(max_length=MAX_FILTER_IDS, description="The clients of the entries' projects"),
    ] = None,
    billable: bool | None = None,
    approval_state: Annotated[
        ApprovalState | None,
        Query(description="The entries' approval (their timesheet's state; draft: open)"),
    ] = None,
) -> ReportQuery:
    return ReportQuery(
        group_by=group_by,
        then_by=None if then_by == group_by else then_by,
        from_date=from_date,
        to_date=to_date,
        project_ids=project_id or [],
        user_ids=user_id or [],
        client_ids=client_id or [],
        billable=billable,
        approval_state=approval_state,
    )


@router.get("/time-tracking/report", response_model=Report, responses=REPORT_ERRORS)
async def get_report(
    workspace: WorkspaceMember,
    service: TimeReportServiceDep,
    query: Annotated[ReportQuery, Depends(report_query)],
) -> Response:
    """Rounded hours, billable hours and billable amount of the entries the caller may see,
    grouped by one or two dimensions."""
    encoded = await service.report(workspace, query)
    return Response(encoded.body, media_type="application/json")


@router.get(
    "/time-tracking/report/csv",
    response_class=Response,
    responses={
        200: {
            "description": "The report's rows as CSV, with a header row",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        },
        **REPORT_ERRORS,
    },
)
async def report_as_csv(
    workspace: WorkspaceMember,
    service: TimeReportServiceDep,
    query: Annotated[ReportQuery, Depends(report_query)],
) -> Response:
    """The report as CSV."""
    built = (await service.report(workspace, query)).parsed()
    return Response(
        report_csv(built),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="time-report.csv"'},
    )


@router.get("/time-tracking/overtime", response_model=Overtime, responses=REPORT_ERRORS)
async def get_overtime(
    workspace: WorkspaceMember,
    service: OvertimeServiceDep,
    from_date: Annotated[IsoDate, Query(alias="from", description="First day")],
    to_date: Annotated[IsoDate, Query(alias="to", description="Last day (366 days at most)")],
    user_id: Annotated[
        UUID | None, Query(description="Whose (default: the caller; others: their approvers)")
    ] = None,
) -> Overtime:
    """Expected (working hours on working days) against worked rounded time, per day with
    the running balance, per week and in total."""
    return await service.of(workspace, from_date, to_date, user_id)


@router.get("/time-tracking/week", response_model=Timesheet, responses=REPORT_ERRORS)
async def get_week(
    workspace: WorkspaceMember,
    service: ReportServiceDep,
    day: Annotated[
        IsoDate | None, Query(alias="date", description="A day of the week (default: today)")
    ] = None,
) -> Response:
    """The caller's week (from the workspace's week start) with per-day totals."""
    return encoded(await service.week(workspace, day))


@router.get("/time-tracking/summary", response_model=TimeSummary, responses=REPORT_ERRORS)
async def time_summary(
    workspace: WorkspaceMember,
    service: ReportServiceDep,
    project_id: UUID | None = None,
    user_id: UUID | None = None,
    from_date: FromDate = None,
    to_date: ToDate = None,
) -> TimeSummary:
    """Time by project, member and work date, of the entries the caller may see: admins
    everyone's, project leads and admins their projects', team leads their members', everyone
    their own."""
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
    """Logged minutes per issue (against its estimate, everyone's time) and per member (the
    members whose time the caller may see)."""
    return await service.worklog_summary(context, from_date, to_date)
