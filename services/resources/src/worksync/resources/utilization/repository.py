"""The utilization report, aggregated in one SQL statement.

Every (user, day) of the range is generated, then summed per (user, period):
- capacity: hours per week / number of working days, on working days not in time off;
- allocated: each covering allocation's hours per week / number of working days, on
  working days (time off does not un-book anyone: that shows as allocation above 100 %);
- actual: the seconds of the actual-hours projection, on every day.
Users: active capacity profiles and live members of the workspace (without a profile: the
defaults, 40 hours over Monday to Friday).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import Row, bindparam, select, text
from sqlalchemy.types import Date, Integer, String, Uuid

from worksync.common.repository import Repository
from worksync.resources.models import directory_tables

REPORT = text(
    """
WITH people AS (
    SELECT user_id FROM resources.capacity_profiles
    WHERE workspace_id = :workspace_id AND is_active
    UNION
    SELECT user_id FROM resources.directory_members
    WHERE workspace_id = :workspace_id AND NOT removed
), selected AS (
    SELECT people.user_id,
           profile.id AS profile_id,
           coalesce(profile.hours_per_week, 40) AS hours_per_week,
           coalesce(profile.working_days, '{1,2,3,4,5}'::smallint[]) AS working_days
    FROM people
    LEFT JOIN resources.capacity_profiles AS profile
           ON profile.workspace_id = :workspace_id AND profile.user_id = people.user_id
    WHERE CAST(:user_id AS uuid) IS NULL OR people.user_id = CAST(:user_id AS uuid)
), user_days AS (
    SELECT selected.user_id,
           day::date AS day,
           CASE WHEN :granularity = 'month' THEN date_trunc('month', day)::date
                ELSE day::date - ((extract(isodow FROM day)::int - :week_start + 7) % 7)
           END AS period_start,
           extract(isodow FROM day)::smallint = ANY (selected.working_days) AS is_working,
           selected.hours_per_week / cardinality(selected.working_days) AS hours_per_day,
           cardinality(selected.working_days) AS working_days_per_week,
           selected.profile_id
    FROM selected
    CROSS JOIN generate_series(CAST(:from_date AS date), CAST(:to_date AS date), interval '1 day')
         AS day
), off_days AS (
    -- Time off and allocations spread into days once, then joined by hash: a lookup per
    -- (member, day) would cost more than everything else at hundreds of members.
    SELECT DISTINCT t.profile_id, d::date AS day
    FROM resources.time_off AS t
    JOIN selected ON selected.profile_id = t.profile_id
    CROSS JOIN LATERAL generate_series(
        greatest(t.start_date, CAST(:from_date AS date)),
        least(t.end_date, CAST(:to_date AS date)),
        interval '1 day'
    ) AS d
    WHERE t.end_date >= :from_date AND t.start_date <= :to_date
), booked AS (
    SELECT a.user_id, d::date AS day, sum(a.hours_per_week) AS hours_per_week
    FROM resources.allocations AS a
    CROSS JOIN LATERAL generate_series(
        greatest(a.start_date, CAST(:from_date AS date)),
        least(a.end_date, CAST(:to_date AS date)),
        interval '1 day'
    ) AS d
    WHERE a.workspace_id = :workspace_id
      AND a.end_date >= :from_date AND a.start_date <= :to_date
    GROUP BY a.user_id, d::date
), actual AS (
    SELECT user_id, day, sum(seconds) AS seconds
    FROM resources.actual_days
    WHERE workspace_id = :workspace_id AND day BETWEEN :from_date AND :to_date
    GROUP BY user_id, day
), summed AS (
    SELECT user_days.user_id,
           user_days.period_start,
           sum(CASE WHEN is_working AND off_days.day IS NULL THEN hours_per_day ELSE 0 END)
               AS capacity_hours,
           sum(CASE WHEN is_working THEN coalesce(booked.hours_per_week, 0)
                                         / working_days_per_week
                    ELSE 0 END) AS allocated_hours,
           coalesce(sum(actual.seconds), 0) / 3600.0 AS actual_hours
    FROM user_days
    LEFT JOIN booked ON booked.user_id = user_days.user_id AND booked.day = user_days.day
    LEFT JOIN off_days
           ON off_days.profile_id = user_days.profile_id AND off_days.day = user_days.day
    LEFT JOIN actual ON actual.user_id = user_days.user_id AND actual.day = user_days.day
    GROUP BY user_days.user_id, user_days.period_start
)
SELECT summed.user_id,
       member.display_name,
       summed.period_start,
       CASE WHEN :granularity = 'month'
            THEN (summed.period_start + interval '1 month' - interval '1 day')::date
            ELSE summed.period_start + 6
       END AS period_end,
       round(capacity_hours, 2) AS capacity_hours,
       round(allocated_hours, 2) AS allocated_hours,
       round(actual_hours, 2) AS actual_hours,
       round(actual_hours / nullif(capacity_hours, 0) * 100, 2) AS utilization_percent,
       round(allocated_hours / nullif(capacity_hours, 0) * 100, 2) AS allocation_percent
FROM summed
LEFT JOIN resources.directory_members AS member
       ON member.workspace_id = :workspace_id AND member.user_id = summed.user_id
ORDER BY member.display_name NULLS LAST, summed.user_id, summed.period_start
"""
).bindparams(
    bindparam("workspace_id", type_=Uuid),
    bindparam("user_id", type_=Uuid),
    bindparam("from_date", type_=Date),
    bindparam("to_date", type_=Date),
    bindparam("granularity", type_=String),
    bindparam("week_start", type_=Integer),
)

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class UtilizationRepository(Repository):
    async def week_start(self, workspace_id: UUID) -> int:
        """The workspace's first day of the week as an ISO weekday (Monday when unknown)."""
        table = directory_tables.workspaces
        name = await self.session.scalar(
            select(table.c.week_start).where(table.c.id == workspace_id)
        )
        return WEEKDAYS.index(name) + 1 if name in WEEKDAYS else 1

    async def report(self, **parameters: Any) -> Sequence[Row[Any]]:
        """`parameters`: workspace_id, user_id (or None), from_date, to_date, granularity,
        week_start (ISO weekday)."""
        # The planner cannot estimate generate_series and prices hundreds of members high
        # enough to JIT-compile the statement, which then costs more than running it (0.7 of
        # 1.1 s for 500 members x 26 weeks): off for this transaction.
        await self.session.execute(text("SET LOCAL jit = off"))
        return (await self.session.execute(REPORT, parameters)).all()
