"""FastAPI dependencies: the request's clock, the caller's membership (members and above:
guests may do nothing here) and the services."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Request

from worksync.common.db import SessionDep
from worksync.common.directory import Directory, WorkspaceContext, WorkspaceRole, workspace_context
from worksync.timetracking.entries.service import EntryService, EntryWrites
from worksync.timetracking.issues.service import IssueLookup
from worksync.timetracking.timers.service import TimerService
from worksync.timetracking.timezones import whole_seconds
from worksync.timetracking.user_settings.service import UserSettingsService
from worksync.timetracking.views.service import ViewService
from worksync.timetracking.worklogs.service import WorklogService


def utc_now() -> datetime:
    """One instant per request (in whole seconds), so that everything it writes agrees."""
    return whole_seconds(datetime.now(UTC))


NowDep = Annotated[datetime, Depends(utc_now)]

MemberDep = Annotated[WorkspaceContext, Depends(workspace_context(WorkspaceRole.MEMBER))]


def get_directory(request: Request) -> Directory:
    directory: Directory = request.app.state.directory
    return directory


def get_issue_lookup(request: Request) -> IssueLookup:
    issues: IssueLookup = request.app.state.issue_lookup
    return issues


DirectoryDep = Annotated[Directory, Depends(get_directory)]
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


def get_view_service(session: SessionDep, now: NowDep) -> ViewService:
    return ViewService(session, now)


def get_user_settings_service(session: SessionDep) -> UserSettingsService:
    return UserSettingsService(session)


EntryServiceDep = Annotated[EntryService, Depends(get_entry_service)]
WorklogServiceDep = Annotated[WorklogService, Depends(get_worklog_service)]
TimerServiceDep = Annotated[TimerService, Depends(get_timer_service)]
ViewServiceDep = Annotated[ViewService, Depends(get_view_service)]
UserSettingsServiceDep = Annotated[UserSettingsService, Depends(get_user_settings_service)]
