"""Capacity forecast: per member and per skill, per week from the current one on, the
capacity, the allocated hours and what is free.

Weeks start on the workspace's week start; the figures are the utilization report's (one
SQL statement: capacity from the profile's hours and working days less time off,
allocations pro rata over their working days). Skills are the capacity profiles' (matched
ignoring case); the directory's staff profiles carry no skills. A skill's week sums its
members'. Admins see every member; members see themselves.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.directory import WorkspaceContext
from worksync.common.roles import WorkspaceRole
from worksync.resources.forecast.schemas import (
    CapacityForecast,
    ForecastWeek,
    SkillForecast,
    UserForecast,
)
from worksync.resources.models import CapacityProfile
from worksync.resources.utilization.repository import UtilizationRepository

MAX_WEEKS = 52


def _week(start: date, capacity: Decimal, allocated: Decimal) -> ForecastWeek:
    return ForecastWeek(
        week_start=start,
        capacity_hours=capacity,
        allocated_hours=allocated,
        free_hours=capacity - allocated,
    )


class ForecastService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.reports = UtilizationRepository(session)

    async def forecast(
        self, context: WorkspaceContext, *, today: date, weeks: int, skill: str | None
    ) -> CapacityForecast:
        week_start = await self.reports.week_start(context.workspace_id)
        first = today - timedelta(days=(today.isoweekday() - week_start) % 7)
        last = first + timedelta(days=7 * weeks - 1)
        own = None if context.role.at_least(WorkspaceRole.ADMIN) else context.user_id
        rows = await self.reports.report(
            workspace_id=context.workspace_id,
            user_id=own,
            from_date=first,
            to_date=last,
            granularity="week",
            week_start=week_start,
        )
        skills = await self._skills(context.workspace_id)
        wanted = None if skill is None else skill.casefold()
        users: dict[UUID, UserForecast] = {}
        for row in rows:
            mine = skills.get(row.user_id, [])
            if wanted is not None and wanted not in {s.casefold() for s in mine}:
                continue
            user = users.setdefault(
                row.user_id,
                UserForecast(
                    user_id=row.user_id, display_name=row.display_name, skills=mine, weeks=[]
                ),
            )
            user.weeks.append(_week(row.period_start, row.capacity_hours, row.allocated_hours))
        return CapacityForecast(
            from_date=first,
            to_date=last,
            users=list(users.values()),
            skills=_per_skill(users.values(), wanted),
        )

    async def _skills(self, workspace_id: UUID) -> dict[UUID, list[str]]:
        rows = await self.session.execute(
            select(CapacityProfile.user_id, CapacityProfile.skills).where(
                CapacityProfile.workspace_id == workspace_id, CapacityProfile.is_active
            )
        )
        return {row.user_id: list(row.skills) for row in rows}


def _per_skill(users: Iterable[UserForecast], wanted: str | None) -> list[SkillForecast]:
    """Each skill's members and weekly sums (only `wanted` when given), by skill name."""
    spelling: dict[str, str] = {}
    members: defaultdict[str, list[UUID]] = defaultdict(list)
    sums: defaultdict[str, dict[date, tuple[Decimal, Decimal]]] = defaultdict(dict)
    for user in users:
        for name in user.skills:
            key = name.casefold()
            if wanted is not None and key != wanted:
                continue
            spelling.setdefault(key, name)
            members[key].append(user.user_id)
            for week in user.weeks:
                capacity, allocated = sums[key].get(week.week_start, (Decimal(0), Decimal(0)))
                sums[key][week.week_start] = (
                    capacity + week.capacity_hours,
                    allocated + week.allocated_hours,
                )
    return [
        SkillForecast(
            skill=spelling[key],
            user_ids=members[key],
            weeks=[_week(start, *sums[key][start]) for start in sorted(sums[key])],
        )
        for key in sorted(spelling)
    ]
