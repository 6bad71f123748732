"""FastAPI dependencies: the services, built over the request's session and clock."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request

from worksync.common.clock import NowDep
from worksync.common.db import SessionDep
from worksync.common.directory import DirectoryDep
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


async def get_issue_lookup(request: Request) -> IssueLookup:
    issues: IssueLookup = request.app.state.issue_lookup
    return issues


IssueLookupDep = Annotated[IssueLookup, Depends(get_issue_lookup)]


async def get_entry_writes(
    request: Request,
    session: SessionDep,
    directory: DirectoryDep,
    issues: IssueLookupDep,
    now: NowDep,
) -> EntryWrites:
    grace: timedelta = request.app.state.lockdown_grace
    return EntryWrites(session, directory, issues, now, grace)


EntryWritesDep = Annotated[EntryWrites, Depends(get_entry_writes)]


async def get_entry_service(writes: EntryWritesDep) -> EntryService:
    return EntryService(writes)


EntryServiceDep = Annotated[EntryService, Depends(get_entry_service)]


async def get_worklog_service(writes: EntryWritesDep) -> WorklogService:
    return WorklogService(writes)


async def get_timer_service(writes: EntryWritesDep) -> TimerService:
    return TimerService(writes)


async def get_report_service(session: SessionDep, now: NowDep) -> ReportService:
    return ReportService(session, now)


async def get_timesheet_service(session: SessionDep, now: NowDep) -> TimesheetService:
    return TimesheetService(session, now)


async def get_modification_service(entries: EntryServiceDep, now: NowDep) -> ModificationService:
    return ModificationService(entries, now)


async def get_break_service(writes: EntryWritesDep) -> BreakService:
    return BreakService(writes)


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
