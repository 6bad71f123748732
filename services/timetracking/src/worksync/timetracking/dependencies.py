"""FastAPI dependencies: the services, built over the request's session and clock."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.clock import NowDep
from worksync.common.db import SessionDep
from worksync.common.directory.dependencies import directory_of
from worksync.timetracking.breaks.service import BreakService
from worksync.timetracking.budgets.service import BudgetWatch
from worksync.timetracking.entries.service import EntryService, EntryWrites
from worksync.timetracking.issues.service import IssueLookup
from worksync.timetracking.modifications.service import ModificationService
from worksync.timetracking.reports.overtime import OvertimeService
from worksync.timetracking.reports.report import TimeReportService
from worksync.timetracking.reports.service import ReportService
from worksync.timetracking.timers.service import TimerService
from worksync.timetracking.timesheets.service import TimesheetService
from worksync.timetracking.user_settings.service import UserSettingsService
from worksync.timetracking.worklogs.service import WorklogService


def _entry_writes(request: Request, session: AsyncSession, now: datetime) -> EntryWrites:
    """What the entry services build on, from the app's state: a plain call rather than a
    dependency of its own, as FastAPI solves every dependency's own parameters on each
    request (about a fifth of a page of entries went into solving its fourteen; three fewer
    now)."""
    issues: IssueLookup = request.app.state.issue_lookup
    grace: timedelta = request.app.state.lockdown_grace
    return EntryWrites(session, directory_of(request), issues, now, grace)


async def get_entry_service(request: Request, session: SessionDep, now: NowDep) -> EntryService:
    return EntryService(_entry_writes(request, session, now))


EntryServiceDep = Annotated[EntryService, Depends(get_entry_service)]


async def get_worklog_service(request: Request, session: SessionDep, now: NowDep) -> WorklogService:
    return WorklogService(_entry_writes(request, session, now))


async def get_timer_service(request: Request, session: SessionDep, now: NowDep) -> TimerService:
    return TimerService(_entry_writes(request, session, now))


async def get_report_service(session: SessionDep, now: NowDep) -> ReportService:
    return ReportService(session, now)


async def get_timesheet_service(session: SessionDep, now: NowDep) -> TimesheetService:
    return TimesheetService(session, now)


async def get_modification_service(entries: EntryServiceDep, now: NowDep) -> ModificationService:
    return ModificationService(entries, now)


async def get_break_service(request: Request, session: SessionDep, now: NowDep) -> BreakService:
    return BreakService(_entry_writes(request, session, now))


async def get_overtime_service(session: SessionDep) -> OvertimeService:
    return OvertimeService(session)


async def get_time_report_service(session: SessionDep) -> TimeReportService:
    return TimeReportService(session)


async def get_budget_watch(session: SessionDep) -> BudgetWatch:
    return BudgetWatch(session)


async def get_user_settings_service(session: SessionDep) -> UserSettingsService:
    return UserSettingsService(session)


WorklogServiceDep = Annotated[WorklogService, Depends(get_worklog_service)]
TimerServiceDep = Annotated[TimerService, Depends(get_timer_service)]
ReportServiceDep = Annotated[ReportService, Depends(get_report_service)]
UserSettingsServiceDep = Annotated[UserSettingsService, Depends(get_user_settings_service)]
TimesheetServiceDep = Annotated[TimesheetService, Depends(get_timesheet_service)]
ModificationServiceDep = Annotated[ModificationService, Depends(get_modification_service)]
BudgetWatchDep = Annotated[BudgetWatch, Depends(get_budget_watch)]
BreakServiceDep = Annotated[BreakService, Depends(get_break_service)]
OvertimeServiceDep = Annotated[OvertimeService, Depends(get_overtime_service)]
TimeReportServiceDep = Annotated[TimeReportService, Depends(get_time_report_service)]
