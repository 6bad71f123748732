"""FastAPI dependencies: the services, built over the request's session and clock."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from worksync.common.clock import NowDep
from worksync.common.db import SessionDep
from worksync.common.directory import DirectoryDep
from worksync.timetracking.entries.service import EntryService, EntryWrites
from worksync.timetracking.issues.service import IssueLookup
from worksync.timetracking.reports.service import ReportService
from worksync.timetracking.timers.service import TimerService
from worksync.timetracking.user_settings.service import UserSettingsService
from worksync.timetracking.worklogs.service import WorklogService


def get_issue_lookup(request: Request) -> IssueLookup:
    issues: IssueLookup = request.app.state.issue_lookup
    return issues


IssueLookupDep = Annotated[IssueLookup, Depends(get_issue_lookup)]


def get_entry_writes(
    session: SessionDep, directory: DirectoryDep, issues: IssueLookupDep, now: NowDep
) -> EntryWrites:
    return EntryWrites(session, directory, issues, now)


EntryWritesDep = Annotated[EntryWrites, Depends(get_entry_writes)]


def get_entry_service(writes: EntryWritesDep) -> EntryService:
    return EntryService(writes)


def get_worklog_service(writes: EntryWritesDep) -> WorklogService:
    return WorklogService(writes)


def get_timer_service(writes: EntryWritesDep) -> TimerService:
    return TimerService(writes)


def get_report_service(session: SessionDep, now: NowDep) -> ReportService:
    return ReportService(session, now)


def get_user_settings_service(session: SessionDep) -> UserSettingsService:
    return UserSettingsService(session)


EntryServiceDep = Annotated[EntryService, Depends(get_entry_service)]
WorklogServiceDep = Annotated[WorklogService, Depends(get_worklog_service)]
TimerServiceDep = Annotated[TimerService, Depends(get_timer_service)]
ReportServiceDep = Annotated[ReportService, Depends(get_report_service)]
UserSettingsServiceDep = Annotated[UserSettingsService, Depends(get_user_settings_service)]
