"""The utilization report, aggregated in one SQL statement.

Per (user, period), as if every day of the range were summed:
- capacity: hours per week / number of working days, on working days not in time off;
- allocated: each covering allocation's hours per week / number of working days, on
  working days (time off does not un-book anyone: that shows as allocation above 100 %);
- actual: the seconds of the actual-hours projection, on every day.
Users: active capacity profiles and live members of the workspace (without a profile: the
defaults, 40 hours over Monday to Friday).

No row is made per user and day: the range is cut into stretches where a user's bookings
or the period change, and working days are counted from a running count per workweek.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, Row, Select, bindparam, column, func, select, text
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.types import Date, Integer, Numeric, String, Uuid

from worksync.common.repository import Repository
from worksync.resources.models import directory_tables

PERIODS = """
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
), workweeks AS (
    -- Each distinct workweek once, numbered: joins on a number rather than an array.
    SELECT working_days, row_number() OVER (ORDER BY working_days) AS workweek
    FROM (SELECT DISTINCT working_days FROM selected) AS distinct_workweeks
), members AS (
    SELECT selected.*, workweeks.workweek
    FROM selected
    JOIN workweeks ON workweeks.working_days = selected.working_days
), days AS (
    SELECT day,
           CASE WHEN :granularity = 'month' THEN date_trunc('month', day)::date
                ELSE day - ((extract(isodow FROM day)::int - :week_start + 7) % 7)
           END AS period_start
    -- A series of integers: the planner knows how many days it holds.
    FROM generate_series(0, CAST(:to_date AS date) - CAST(:from_date AS date)) AS offsets (n)
    CROSS JOIN LATERAL (SELECT CAST(:from_date AS date) + n AS day) AS range_day
), periods AS (
    SELECT period_start, min(day) AS first_day, max(day) AS last_day
    FROM days
    GROUP BY period_start
), calendar AS (
    -- Per workweek among the selected people, each day of the range and the day after it:
    -- the working days of the range before it, so that any stretch of days counts its
    -- working days as a difference.
    SELECT workweek, day, period_start, is_working,
           count(*) FILTER (WHERE is_working) OVER (
               PARTITION BY workweek ORDER BY day
               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
           ) AS working_before
    FROM (
        SELECT workweeks.workweek, days.day, days.period_start,
               extract(isodow FROM days.day)::smallint = ANY (workweeks.working_days)
                   AS is_working
        FROM workweeks
        CROSS JOIN (
            SELECT day, period_start FROM days
            UNION ALL
            SELECT CAST(:to_date AS date) + 1, NULL
        ) AS days
    ) AS workdays
), period_working AS (
    SELECT first.workweek, periods.period_start,
           after.working_before - first.working_before AS days
    FROM periods
    JOIN calendar AS first ON first.day = periods.first_day
    JOIN calendar AS after
      ON after.workweek = first.workweek AND after.day = periods.last_day + 1
), off_days AS (
    SELECT DISTINCT t.profile_id, members.workweek, d::date AS day
    FROM resources.time_off AS t
    JOIN members ON members.profile_id = t.profile_id
    CROSS JOIN LATERAL generate_series(
        greatest(t.start_date, CAST(:from_date AS date)),
        least(t.end_date, CAST(:to_date AS date)),
        interval '1 day'
    ) AS d
    WHERE t.end_date >= :from_date AND t.start_date <= :to_date
), working_off AS (
    SELECT off_days.profile_id, calendar.period_start, count(*) AS days
    FROM off_days
    JOIN calendar
      ON calendar.workweek = off_days.workweek AND calendar.day = off_days.day
    WHERE calendar.is_working
    GROUP BY off_days.profile_id, calendar.period_start
), allocated AS (
    SELECT a.user_id,
           members.workweek,
           cardinality(members.working_days) AS days_per_week,
           greatest(a.start_date, CAST(:from_date AS date)) AS first_day,
           least(a.end_date, CAST(:to_date AS date)) + 1 AS day_after,
           a.hours_per_week
    FROM resources.allocations AS a
    JOIN members ON members.user_id = a.user_id
    WHERE a.workspace_id = :workspace_id
      AND a.end_date >= :from_date AND a.start_date <= :to_date
), changes AS (
    -- Where the hours booked on someone may change: an allocation's first day, the day
    -- after its last, the first day of each period, the day after the range.
    SELECT user_id, workweek, days_per_week, day,
           sum(hours) AS hours, sum(allocations) AS allocations
    FROM (
        SELECT user_id, workweek, days_per_week, first_day AS day, hours_per_week AS hours,
               1 AS allocations
        FROM allocated
        UNION ALL
        SELECT user_id, workweek, days_per_week, day_after, -hours_per_week, -1
        FROM allocated
        UNION ALL
        SELECT members.user_id, members.workweek, cardinality(members.working_days),
               periods.first_day, 0, 0
        FROM members
        CROSS JOIN periods
        UNION ALL
        SELECT user_id, workweek, cardinality(working_days), CAST(:to_date AS date) + 1, 0, 0
        FROM members
    ) AS change
    GROUP BY user_id, workweek, days_per_week, day
), stretches AS (
    -- From each change to the next: days of one period over which someone's bookings
    -- stay the same.
    SELECT changes.user_id,
           changes.days_per_week,
           changes.day,
           calendar.period_start,
           lead(calendar.working_before) OVER running - calendar.working_before
               AS working_days_count,
           sum(changes.hours) OVER running AS hours_per_week,
           sum(changes.allocations) OVER running AS allocations
    FROM changes
    JOIN calendar
      ON calendar.workweek = changes.workweek AND calendar.day = changes.day
    WINDOW running AS (PARTITION BY changes.user_id ORDER BY changes.day)
), booked AS (
    -- The hours of a working day times the working days of the stretch: exactly the sum
    -- of the same quotient day by day (numeric sums are exact).
    SELECT user_id,
           period_start,
           sum(working_days_count * (
               coalesce(CASE WHEN allocations > 0 THEN hours_per_week END, 0)
               / days_per_week
           )) AS hours
    FROM stretches
    WHERE day <= :to_date AND working_days_count > 0
    GROUP BY user_id, period_start
), actual AS (
    SELECT user_id, day, sum(seconds) AS seconds
    FROM resources.actual_days
    WHERE workspace_id = :workspace_id AND day BETWEEN :from_date AND :to_date
    GROUP BY user_id, day
), actual_periods AS (
    SELECT actual.user_id, days.period_start, sum(actual.seconds) AS seconds
    FROM actual
    JOIN days ON days.day = actual.day
    GROUP BY actual.user_id, days.period_start
), capacity AS (
    SELECT members.user_id,
           periods.period_start,
           period_working.days - coalesce(working_off.days, 0) AS days,
           members.hours_per_week / cardinality(members.working_days) AS hours_per_day
    FROM members
    CROSS JOIN periods
    JOIN period_working
      ON period_working.workweek = members.workweek
     AND period_working.period_start = periods.period_start
    LEFT JOIN working_off
           ON working_off.profile_id = members.profile_id
          AND working_off.period_start = periods.period_start
), summed AS (
    -- Each figure as the sum, day by day, of the same terms would be (same values, same
    -- scales): a period without a counted day sums to a plain 0.
    SELECT capacity.user_id,
           capacity.period_start,
           CASE WHEN capacity.days > 0 THEN capacity.days * capacity.hours_per_day ELSE 0 END
               AS capacity_hours,
           coalesce(booked.hours, 0) AS allocated_hours,
           coalesce(actual_periods.seconds, 0) / 3600.0 AS actual_hours
    FROM capacity
    LEFT JOIN booked
           ON booked.user_id = capacity.user_id AND booked.period_start = capacity.period_start
    LEFT JOIN actual_periods
           ON actual_periods.user_id = capacity.user_id
          AND actual_periods.period_start = capacity.period_start
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
"""
PERIOD_ROWS = (
    text(PERIODS)
    .bindparams(
        bindparam("workspace_id", type_=Uuid),
        bindparam("user_id", type_=Uuid),
        bindparam("from_date", type_=Date),
        bindparam("to_date", type_=Date),
        bindparam("granularity", type_=String),
        bindparam("week_start", type_=Integer),
    )
    .columns(
        column("user_id", Uuid),
        column("display_name", String),
        column("period_start", Date),
        column("period_end", Date),
        column("capacity_hours", Numeric),
        column("allocated_hours", Numeric),
        column("actual_hours", Numeric),
        column("utilization_percent", Numeric),
        column("allocation_percent", Numeric),
    )
    .subquery("periods")
)
REPORT = select(PERIOD_ROWS).order_by(
    PERIOD_ROWS.c.display_name.nulls_last(), PERIOD_ROWS.c.user_id, PERIOD_ROWS.c.period_start
)


def _in_period_order(value: ColumnElement[Any]) -> ColumnElement[Any]:
    return func.array_agg(aggregate_order_by(value, PERIOD_ROWS.c.period_start))


# One row per member with its periods' figures as arrays, in the report's order: thousands
# of rows (each with its own uuid) cost more to load than the arrays.
REPORT_BY_MEMBER = (
    select(
        PERIOD_ROWS.c.user_id,
        PERIOD_ROWS.c.display_name,
        _in_period_order(PERIOD_ROWS.c.period_start).label("period_starts"),
        _in_period_order(PERIOD_ROWS.c.capacity_hours).label("capacity_hours"),
        _in_period_order(PERIOD_ROWS.c.allocated_hours).label("allocated_hours"),
    )
    .group_by(PERIOD_ROWS.c.user_id, PERIOD_ROWS.c.display_name)
    .order_by(PERIOD_ROWS.c.display_name.nulls_last(), PERIOD_ROWS.c.user_id)
)

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


_WEEK_START = select(directory_tables.workspaces.c.week_start).where(
    directory_tables.workspaces.c.id == bindparam("workspace_id", type_=Uuid)
)


class UtilizationRepository(Repository):
    async def week_start(self, workspace_id: UUID) -> int:
        """The workspace's first day of the week as an ISO weekday (Monday when unknown)."""
        name = await self.session.scalar(_WEEK_START, {"workspace_id": workspace_id})
        return WEEKDAYS.index(name) + 1 if name in WEEKDAYS else 1

    async def report(self, **parameters: Any) -> Sequence[Row[Any]]:
        """`parameters`: workspace_id, user_id (or None), from_date, to_date, granularity,
        week_start (ISO weekday)."""
        return await self._rows(REPORT, parameters)

    async def report_by_member(self, **parameters: Any) -> Sequence[Row[Any]]:
        """The report's capacity and allocated hours per member (same parameters): one row
        per member, in the report's order, with `period_starts`, `capacity_hours` and
        `allocated_hours` arrays in period order."""
        return await self._rows(REPORT_BY_MEMBER, parameters)

    async def _rows(self, statement: Select[Any], parameters: dict[str, Any]) -> Sequence[Row[Any]]:
        # The planner prices hundreds of members high enough to JIT-compile the statement,
        # which then costs more than running it (0.7 of 1.1 s for 500 members x 26 weeks
        # when it summed every day): off for this transaction.
        await self.session.execute(text("SET LOCAL jit = off"))
        rows: Sequence[Row[Any]] = (await self.session.execute(statement, parameters)).all()
        return rows
