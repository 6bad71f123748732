"""Capacity forecast: per member and per skill, per week from the current one on, the
capacity, the allocated hours and what is free.

Weeks start on the workspace's week start; the figures are the utilization report's (one
SQL statement: capacity from the profile's hours and working days less time off,
allocations pro rata over their working days). A member's skills are their active capacity
profile's together with their staff profile's (`workspace.staff.*`; matched ignoring case,
the capacity profile's spelling first), read in one more statement. A member without a
capacity profile counts with the defaults, as the report counts them, and with their staff
profile's skills; staff skills alone never add a member the report does not hold (one who
left the workspace). A skill's week sums its members'. Admins see every member; members see
themselves.

The answer is built as plain JSON values (`CapacityForecast`'s shape, hours as numbers) and
serialised once: 500 members over 26 weeks are 13,000 weeks, and validating a model for each
cost more than the statement.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.directory import WorkspaceContext
from worksync.common.roles import WorkspaceRole
from worksync.resources.staff_skills.repository import StaffSkillsRepository
from worksync.resources.utilization.repository import UtilizationRepository

MAX_WEEKS = 52
ZERO = Decimal(0)


@dataclass(frozen=True)
class _Member:
    user_id: UUID
    display_name: str | None
    skills: list[str]
    # Week by week, in order.
    week_starts: list[date]
    capacity: list[Decimal]
    allocated: list[Decimal]


def _weeks(
    starts: Iterable[date], capacity: Iterable[Decimal], allocated: Iterable[Decimal]
) -> list[dict[str, Any]]:
    """`ForecastWeek`s as JSON values (`Hours` travel as numbers)."""
    return [
        {
            "week_start": start,
            "capacity_hours": float(hours),
            "allocated_hours": float(booked),
            "free_hours": float(hours - booked),
        }
        for start, hours, booked in zip(starts, capacity, allocated, strict=True)
    ]


class ForecastService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.reports = UtilizationRepository(session)
        self.skills = StaffSkillsRepository(session)

    async def forecast(
        self, context: WorkspaceContext, *, today: date, weeks: int, skill: str | None
    ) -> dict[str, Any]:
        """The `CapacityForecast` as JSON values."""
        week_start = await self.reports.week_start(context.workspace_id)
        first = today - timedelta(days=(today.isoweekday() - week_start) % 7)
        last = first + timedelta(days=7 * weeks - 1)
        own = None if context.role.at_least(WorkspaceRole.ADMIN) else context.user_id
        rows = await self.reports.report_by_member(
            workspace_id=context.workspace_id,
            user_id=own,
            from_date=first,
            to_date=last,
            granularity="week",
            week_start=week_start,
        )
        skills = await self.skills.skills_by_user(context.workspace_id)
        wanted = None if skill is None else skill.casefold()
        members = [
            _Member(
                row.user_id,
                row.display_name,
                skills.get(row.user_id, []),
                row.period_starts,
                row.capacity_hours,
                row.allocated_hours,
            )
            for row in rows
        ]
        if wanted is not None:
            members = [m for m in members if wanted in {s.casefold() for s in m.skills}]
        return {
            "from_date": first,
            "to_date": last,
            "users": [
                {
                    "user_id": member.user_id,
                    "display_name": member.display_name,
                    "skills": member.skills,
                    "weeks": _weeks(member.week_starts, member.capacity, member.allocated),
                }
                for member in members
            ],
            "skills": _per_skill(members, wanted),
        }


def _per_skill(members: Iterable[_Member], wanted: str | None) -> list[dict[str, Any]]:
    """Each skill's members and weekly sums (only `wanted` when given), by skill name."""
    spelling: dict[str, str] = {}
    user_ids: defaultdict[str, list[UUID]] = defaultdict(list)
    capacity: defaultdict[str, dict[date, Decimal]] = defaultdict(dict)
    allocated: defaultdict[str, dict[date, Decimal]] = defaultdict(dict)
    for member in members:
        for name in member.skills:
            key = name.casefold()
            if wanted is not None and key != wanted:
                continue
            spelling.setdefault(key, name)
            user_ids[key].append(member.user_id)
            capacity_sums, allocated_sums = capacity[key], allocated[key]
            for start, hours, booked in zip(
                member.week_starts, member.capacity, member.allocated, strict=True
            ):
                capacity_sums[start] = capacity_sums.get(start, ZERO) + hours
                allocated_sums[start] = allocated_sums.get(start, ZERO) + booked
    answer = []
    for key in sorted(spelling):
        starts = sorted(capacity[key])
        answer.append(
            {
                "skill": spelling[key],
                "user_ids": user_ids[key],
                "weeks": _weeks(
                    starts,
                    [capacity[key][start] for start in starts],
                    [allocated[key][start] for start in starts],
                ),
            }
        )
    return answer
