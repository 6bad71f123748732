"""Worklogs: duration-only entries on an issue (source "worklog"); the list shows every
finished entry on the issue that the caller may see, whatever its source."""

from __future__ import annotations

from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from worksync.common.directory import WorkspaceContext
from worksync.common.errors import not_found
from worksync.common.ids import new_id
from worksync.common.pagination import PageParams, SortKey, build_page, page_answer, sort_key
from worksync.common.preconditions import EntityTags, check_version
from worksync.timetracking.access import entry_reader, project_of
from worksync.timetracking.entries.service import EntryWrites
from worksync.timetracking.errors import EntryIsTimed
from worksync.timetracking.models import EntrySource, TimeEntry
from worksync.timetracking.time_rules import local_date, local_midnight
from worksync.timetracking.worklogs.schemas import (
    Worklog,
    WorklogCreate,
    WorklogSort,
    WorklogUpdate,
    worklog_answer,
)

SORTS: dict[WorklogSort, SortKey] = {
    WorklogSort.NEWEST_LOGGED_AT: sort_key("-logged_at", TimeEntry.work_date, TimeEntry.id),
    WorklogSort.LOGGED_AT: sort_key("logged_at", TimeEntry.work_date, TimeEntry.id),
    WorklogSort.CREATED_AT: sort_key("created_at", TimeEntry.created_at, TimeEntry.id),
}


class WorklogService:
    def __init__(self, writes: EntryWrites) -> None:
        self.writes = writes
        self.session = writes.session
        self.entries = writes.entries

    async def page(
        self,
        workspace: WorkspaceContext,
        project_id: UUID,
        issue_id: UUID,
        sort: WorklogSort,
        params: PageParams,
    ) -> dict[str, Any]:
        """The `Page[Worklog]` answer, its worklogs as `worklog_answer`s."""
        project = await project_of(self.session, self.writes.directory, workspace, project_id)
        await self.writes.issues.live_issue(self.session, workspace, project.id, issue_id)
        key = SORTS[sort]
        rows = await self.entries.page_on_issue(
            entry_reader(workspace), project.id, issue_id, key, params
        )
        items, next_cursor = build_page(rows, key, params)
        return page_answer([worklog_answer(entry) for entry in items], next_cursor)

    async def create(
        self, workspace: WorkspaceContext, project_id: UUID, issue_id: UUID, request: WorklogCreate
    ) -> Worklog:
        target = await self.writes.target(workspace, project_id, issue_id)
        self.writes.check_description(target.facts, request.description)
        zone = target.zone
        work_date = request.logged_at or local_date(self.writes.now, zone)
        self.writes.check_work_date(zone, work_date, "logged_at")
        rate, currency = await self.writes.rate(workspace, target, None)
        entry = TimeEntry(
            id=new_id(),
            workspace_id=workspace.workspace_id,
            project_id=target.project.id,
            issue_id=issue_id,
            user_id=workspace.user_id,
            description=request.description,
            work_date=work_date,
            duration_seconds=request.duration_minutes * 60,
            billable=target.facts.default_billable,
            hourly_rate=rate,
            currency=currency,
            tags=[],
            source=EntrySource.WORKLOG,
            timezone=zone.key,
            sort_at=local_midnight(work_date, zone),
            version=0,
        )
        return Worklog.of(await self.writes.insert(entry, workspace, target))

    async def _worklog(
        self,
        workspace: WorkspaceContext,
        project_id: UUID,
        issue_id: UUID,
        worklog_id: UUID,
        *,
        writing: bool,
    ) -> TimeEntry:
        entry, _ = await self.writes.owned_entry(
            workspace, worklog_id, writing=writing, what="worklog"
        )
        if entry.project_id != project_id or entry.issue_id != issue_id:
            raise not_found("worklog")
        if entry.duration_seconds is None:
            raise not_found("worklog")
        return entry

    async def get(
        self, workspace: WorkspaceContext, project_id: UUID, issue_id: UUID, worklog_id: UUID
    ) -> Worklog:
        entry = await self._worklog(workspace, project_id, issue_id, worklog_id, writing=False)
        return Worklog.of(entry)

    async def update(
        self,
        workspace: WorkspaceContext,
        project_id: UUID,
        issue_id: UUID,
        worklog_id: UUID,
        request: WorklogUpdate,
        if_match: EntityTags | None = None,
    ) -> Worklog:
        entry = await self._worklog(workspace, project_id, issue_id, worklog_id, writing=True)
        check_version(if_match, entry.version)
        fields = request.model_fields_set
        if not fields:
            return Worklog.of(entry)
        if entry.started_at is not None and fields & {"duration_minutes", "logged_at"}:
            raise EntryIsTimed()
        facts = await self.entries.user_facts(workspace.workspace_id, entry.user_id)
        await self.writes.check_open(workspace, facts, entry.user_id, entry.work_date)
        if request.description is not None:
            self.writes.check_description(facts, request.description)
            entry.description = request.description
        if request.logged_at is not None:
            zone = ZoneInfo(facts.timezone)
            self.writes.check_work_date(zone, request.logged_at, "logged_at")
            entry.work_date, entry.sort_at = (
                request.logged_at,
                local_midnight(request.logged_at, zone),
            )
            entry.timezone = facts.timezone
        if request.duration_minutes is not None:
            entry.duration_seconds = request.duration_minutes * 60
        entry.approval_state = await self.writes.check_open(
            workspace, facts, entry.user_id, entry.work_date
        )
        await self.writes.changed(entry, workspace.user_id)
        return Worklog.of(entry)

    async def delete(
        self,
        workspace: WorkspaceContext,
        project_id: UUID,
        issue_id: UUID,
        worklog_id: UUID,
        if_match: EntityTags | None = None,
    ) -> None:
        entry = await self._worklog(workspace, project_id, issue_id, worklog_id, writing=True)
        check_version(if_match, entry.version)
        facts = await self.entries.user_facts(workspace.workspace_id, entry.user_id)
        await self.writes.check_open(workspace, facts, entry.user_id, entry.work_date)
        await self.writes.remove(entry, workspace.user_id)
