"""Reports: the caller's today and week (split at local midnights by the database), and
the summaries (aggregated by the database; this only sorts the rows into their lists)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.directory import ProjectContext, WorkspaceContext
from worksync.common.responses import RowAnswer
from worksync.timetracking.access import entry_reader
from worksync.timetracking.entries.repository import EntryRepository
from worksync.timetracking.entries.schemas import entry_answer
from worksync.timetracking.errors import invalid_times
from worksync.timetracking.reports.repository import ReportRepository, SummaryFilters
from worksync.timetracking.reports.schemas import (
    DayBillable,
    DayTotal,
    IssueLogged,
    MemberLogged,
    MemberTotal,
    ProjectTotal,
    Timesheet,
    TimeSummary,
    WorklogSummary,
)
from worksync.timetracking.time_rules import (
    check_date_range,
    check_day,
    days_from,
    local_date,
    week_of,
)


def check_range(from_date: date | None, to_date: date | None) -> None:
    with invalid_times():
        check_date_range(from_date, to_date)


_TIMESHEET_ANSWER = RowAnswer(Timesheet)
_DAY_TOTAL_ANSWER = RowAnswer(DayTotal)


class ReportService:
    def __init__(self, session: AsyncSession, now: datetime) -> None:
        self.entries = EntryRepository(session)
        self.reports = ReportRepository(session)
        self.now = now

    async def today(self, workspace: WorkspaceContext) -> dict[str, Any]:
        facts = await self.entries.user_facts(workspace.workspace_id, workspace.user_id)
        today = local_date(self.now, ZoneInfo(facts.timezone))
        return await self._timesheet(workspace, facts.timezone, today, today)

    async def week(self, workspace: WorkspaceContext, day: date | None) -> dict[str, Any]:
        facts = await self.entries.user_facts(workspace.workspace_id, workspace.user_id)
        day = day or local_date(self.now, ZoneInfo(facts.timezone))
        with invalid_times():
            check_day(day, "date")
        first, last = week_of(day, facts.week_start)
        return await self._timesheet(workspace, facts.timezone, first, last)

    async def _timesheet(
        self, workspace: WorkspaceContext, tz: str, first: date, last: date
    ) -> dict[str, Any]:
        """The `Timesheet` answer, built from the rows as `RowAnswer`s."""
        worked = dict(
            await self.entries.user_days(workspace.workspace_id, workspace.user_id, tz, first, last)
        )
        days = [
            _DAY_TOTAL_ANSWER({"date": day, "seconds": worked.get(day, 0)})
            for day in days_from(first, last)
        ]
        rows = await self.entries.finished_on_local_days(
            workspace.workspace_id, workspace.user_id, tz, first, last
        )
        return _TIMESHEET_ANSWER(
            {
                "timezone": tz,
                "first_day": first,
                "last_day": last,
                "days": days,
                "total_seconds": sum(worked.values()),
                "entries": [entry_answer(entry) for entry in rows],
            }
        )

    async def worklog_summary(
        self, context: ProjectContext, from_date: date | None, to_date: date | None
    ) -> WorklogSummary:
        check_range(from_date, to_date)
        filters = SummaryFilters(
            workspace_id=context.workspace.workspace_id,
            project_id=context.project.id,
            from_date=from_date,
            to_date=to_date,
        )
        issues: list[IssueLogged] = []
        members: list[MemberLogged] = []
        total_minutes, total_estimate = 0, 0
        for row in await self.reports.worklog_summary(filters):
            minutes = int(row.seconds or 0) // 60
            total_estimate = int(row.total_estimate_minutes or 0)
            if row.all_issues and row.all_users:
                total_minutes = minutes
            elif not row.all_issues and row.issue_id is not None:
                estimate = row.estimate_minutes
                issues.append(
                    IssueLogged(
                        issue_id=row.issue_id,
                        key=row.key,
                        title=row.title,
                        estimate_minutes=estimate,
                        logged_minutes=minutes,
                        remaining_minutes=None if estimate is None else max(estimate - minutes, 0),
                        over_estimate=estimate is not None and minutes > estimate,
                        deleted=row.issue_deleted,
                    )
                )
            elif not row.all_users:
                members.append(
                    MemberLogged(
                        user_id=row.user_id, display_name=row.display_name, logged_minutes=minutes
                    )
                )
        reader = entry_reader(context.workspace)
        if not reader.everyone and members:
            # The issues' logged time is the issues' own (work items shows it on each); a
            # person's time is theirs and their leads'.
            readable = await self.reports.readable_users(
                reader, context.project.id, [member.user_id for member in members]
            )
            members = [member for member in members if member.user_id in readable]
        return WorklogSummary(
            issues=issues,
            members=members,
            total_minutes=total_minutes,
            total_estimate_minutes=total_estimate,
        )

    async def time_summary(
        self,
        workspace: WorkspaceContext,
        project_id: UUID | None,
        user_id: UUID | None,
        from_date: date | None,
        to_date: date | None,
    ) -> TimeSummary:
        """The time the caller may see (`entry_reader`): admins everyone's, project leads
        and admins their projects', team leads their members', everyone their own; a
        `user_id` they may not see sums to nothing."""
        check_range(from_date, to_date)
        filters = SummaryFilters(
            workspace_id=workspace.workspace_id,
            project_id=project_id,
            user_id=user_id,
            from_date=from_date,
            to_date=to_date,
        )
        summary = TimeSummary(
            by_project=[], by_member=[], by_day=[], total_seconds=0, billable_seconds=0
        )
        for row in await self.reports.time_summary(filters, entry_reader(workspace)):
            seconds, billable = int(row.seconds or 0), int(row.billable_seconds or 0)
            if not row.all_projects:
                summary.by_project.append(
                    ProjectTotal(
                        project_id=row.project_id,
                        name=row.project_name,
                        seconds=seconds,
                        billable_seconds=billable,
                    )
                )
            elif not row.all_users:
                summary.by_member.append(
                    MemberTotal(
                        user_id=row.user_id,
                        display_name=row.display_name,
                        seconds=seconds,
                        billable_seconds=billable,
                    )
                )
            elif not row.all_days:
                summary.by_day.append(
                    DayBillable(date=row.work_date, seconds=seconds, billable_seconds=billable)
                )
            else:
                summary.total_seconds, summary.billable_seconds = seconds, billable
        return summary
