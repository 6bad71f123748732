"""`GET .../time-tracking/overtime`: a user's expected and worked (rounded) time per day,
week and range, with the running balance (`overtime.py` computes; this reads)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from uuid import UUID

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.directory import WorkspaceContext
from worksync.common.errors import not_found
from worksync.timetracking import overtime, time_rules
from worksync.timetracking.entries.repository import EntryRepository
from worksync.timetracking.errors import NotAnApprover, invalid_times
from worksync.timetracking.models import DailyTotal, directory_tables
from worksync.timetracking.timesheets.service import approves
from worksync.timetracking.timesheets.teams import TeamRepository

MAX_DAYS = 366
DEFAULT_HOURS_PER_DAY = Decimal(8)


class OvertimeSpan(BaseModel):
    first_day: date
    last_day: date
    expected_seconds: int
    worked_seconds: int
    overtime_seconds: int


class OvertimeDay(BaseModel):
    date: date
    expected_seconds: int
    worked_seconds: int
    overtime_seconds: int
    balance_seconds: int


class Overtime(BaseModel):
    """A user's range: totals, weeks (from the workspace's week start) and days."""

    user_id: UUID
    timezone: str
    total: OvertimeSpan
    weeks: list[OvertimeSpan]
    days: list[OvertimeDay]


def _span(span: overtime.SpanOvertime) -> OvertimeSpan:
    return OvertimeSpan(
        first_day=span.first_day,
        last_day=span.last_day,
        expected_seconds=span.expected_seconds,
        worked_seconds=span.worked_seconds,
        overtime_seconds=span.overtime_seconds,
    )


class OvertimeService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.entries = EntryRepository(session)
        self.teams = TeamRepository(session)

    async def _is_member(self, workspace_id: UUID, user_id: UUID) -> bool:
        members = directory_tables.members
        found = await self.session.scalar(
            select(members.c.user_id).where(
                members.c.workspace_id == workspace_id,
                members.c.user_id == user_id,
                members.c.removed.is_(False),
            )
        )
        return found is not None

    async def of(
        self, workspace: WorkspaceContext, first: date, last: date, user_id: UUID | None
    ) -> Overtime:
        """The caller's, or (for their approvers) another member's overtime."""
        user_id = user_id or workspace.user_id
        if user_id != workspace.user_id:
            if not await self._is_member(workspace.workspace_id, user_id):
                raise not_found("member")
            if not await approves(self.teams, workspace, user_id):
                raise NotAnApprover()
        with invalid_times():
            time_rules.check_day(first, "from")
            time_rules.check_day(last, "to")
            time_rules.check_date_range(first, last)
            if last - first >= timedelta(days=MAX_DAYS):
                raise time_rules.TimeRuleViolation("to", f"a range lasts {MAX_DAYS} days at most")
        facts = await self.entries.user_facts(workspace.workspace_id, user_id)
        hours = await self.session.scalar(
            select(directory_tables.workspaces.c.working_hours_per_day).where(
                directory_tables.workspaces.c.id == workspace.workspace_id
            )
        )
        per_day = int(Decimal(hours if hours is not None else DEFAULT_HOURS_PER_DAY) * 3600)
        rows = await self.session.execute(
            select(DailyTotal.work_date, func.sum(DailyTotal.seconds))
            .where(
                DailyTotal.workspace_id == workspace.workspace_id,
                DailyTotal.user_id == user_id,
                DailyTotal.work_date.between(first, last),
            )
            .group_by(DailyTotal.work_date)
        )
        worked = {day: int(seconds) for day, seconds in rows}
        days = overtime.daily(first, last, worked, per_day)
        return Overtime(
            user_id=user_id,
            timezone=facts.timezone,
            total=_span(overtime.total(days)),
            weeks=[_span(week) for week in overtime.weekly(days, facts.week_start)],
            days=[
                OvertimeDay(
                    date=day.day,
                    expected_seconds=day.expected_seconds,
                    worked_seconds=day.worked_seconds,
                    overtime_seconds=day.overtime_seconds,
                    balance_seconds=day.balance_seconds,
                )
                for day in days
            ],
        )
