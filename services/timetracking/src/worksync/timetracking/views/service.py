"""The caller's today and week (split at local midnights by the database), and the
summaries (aggregated by the database; this only sorts the rows into their lists)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.directory import ProjectContext, WorkspaceContext
from worksync.timetracking.entries import repository as entries
from worksync.timetracking.entries.schemas import Entry
from worksync.timetracking.errors import invalid_field
from worksync.timetracking.models import TimeEntry
from worksync.timetracking.timezones import check_day, local_date
from worksync.timetracking.views import repository
from worksync.timetracking.views.repository import SummaryFilters
from worksync.timetracking.views.schemas import (
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

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def check_range(from_date: date | None, to_date: date | None) -> None:
    if from_date is not None and to_date is not None and from_date > to_date:
        raise invalid_field("to", "must not be before from")


class ViewService:
    def __init__(self, session: AsyncSession, now: datetime) -> None:
        self.session = session
        self.now = now

    async def today(self, workspace: WorkspaceContext) -> Timesheet:
        facts = await entries.user_facts(self.session, workspace.workspace_id, workspace.user_id)
        today = local_date(self.now, ZoneInfo(facts.timezone))
        return await self._timesheet(workspace, facts.timezone, today, today)

    async def week(self, workspace: WorkspaceContext, day: date | None) -> Timesheet:
        facts = await entries.user_facts(self.session, workspace.workspace_id, workspace.user_id)
        day = day or local_date(self.now, ZoneInfo(facts.timezone))
        check_day(day, "date")
        start = WEEKDAYS.index(facts.week_start) if facts.week_start in WEEKDAYS else 0
        first = day - timedelta(days=(day.weekday() - start) % 7)
        return await self._timesheet(workspace, facts.timezone, first, first + timedelta(days=6))

    async def _timesheet(
        self, workspace: WorkspaceContext, tz: str, first: date, last: date
    ) -> Timesheet:
        worked = dict(
            await entries.user_days(
                self.session, workspace.workspace_id, workspace.user_id, tz, first, last
            )
        )
        days = [
            DayTotal(
                date=first + timedelta(days=n), seconds=worked.get(first + timedelta(days=n), 0)
            )
            for n in range((last - first).days + 1)
        ]
        query = (
            select(TimeEntry)
            .where(
                TimeEntry.workspace_id == workspace.workspace_id,
                TimeEntry.user_id == workspace.user_id,
                entries.in_local_range(tz, first, last),
            )
            .order_by(TimeEntry.sort_at, TimeEntry.id)
        )
        rows = await self.session.scalars(query)
        return Timesheet(
            timezone=tz,
            first_day=first,
            last_day=last,
            days=days,
            total_seconds=sum(worked.values()),
            entries=[Entry.of(entry) for entry in rows],
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
        for row in await repository.worklog_summary(self.session, filters):
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
        """Admins see everyone's time; members only their own (whatever user_id asks)."""
        check_range(from_date, to_date)
        if not workspace.role.administers:
            if user_id is not None and user_id != workspace.user_id:
                return TimeSummary(
                    by_project=[], by_member=[], by_day=[], total_seconds=0, billable_seconds=0
                )
            user_id = workspace.user_id
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
        for row in await repository.time_summary(self.session, filters):
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
