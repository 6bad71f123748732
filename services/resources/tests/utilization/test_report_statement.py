"""The utilization statement counts stretches of days (where bookings, periods and time off
change) instead of summing every member's every day; the former day-by-day statement is
kept here as the reference, and both run on random data: identical rows, every value with
the same digits (numeric scales included)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import bindparam, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.types import Date, Integer, String, Uuid

from worksync.common.ids import new_id
from worksync.resources.testing import Team
from worksync.resources.utilization.repository import REPORT

DAY_BY_DAY = text(
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

FIRST = date(2026, 1, 1)
WORKWEEKS = ([1, 2, 3, 4, 5], [1, 2, 3, 4, 5, 6], [1, 2, 3], [2, 4, 6, 7], [1, 2, 3, 4, 5, 6, 7])
# Hours whose shares of a 3-, 6- or 7-day week do not end: the per-day quotients are rounded.
HOURS = ("40", "37.5", "10.01", "33.33", "7", "20.05", "0.01")


def _day(rng: random.Random, within: int = 400) -> date:
    return FIRST + timedelta(days=rng.randrange(within))


async def _seed(session: AsyncSession, workspace_id: UUID, rng: random.Random) -> list[UUID]:
    """Profiles (some inactive) with time off, allocations and tracked days."""
    users = []
    for number in range(30):
        user_id, profile_id = new_id(), new_id()
        users.append(user_id)
        await session.execute(
            text(
                "INSERT INTO resources.capacity_profiles (id, workspace_id, user_id, "
                "hours_per_week, working_days, is_active) VALUES (:id, :workspace_id, "
                ":user_id, :hours, :working_days, :active)"
            ),
            {
                "id": profile_id,
                "workspace_id": workspace_id,
                "user_id": user_id,
                "hours": Decimal(rng.choice(HOURS)),
                "working_days": rng.choice(WORKWEEKS),
                "active": number % 10 != 0,
            },
        )
        start = _day(rng)
        for _ in range(rng.randrange(3)):
            await session.execute(
                text(
                    "INSERT INTO resources.time_off (id, workspace_id, profile_id, start_date, "
                    "end_date) VALUES (:id, :workspace_id, :profile_id, :start, :end)"
                ),
                {
                    "id": new_id(),
                    "workspace_id": workspace_id,
                    "profile_id": profile_id,
                    "start": start,
                    "end": start + timedelta(days=rng.randrange(12)),
                },
            )
            start += timedelta(days=20 + rng.randrange(60))
        for _ in range(rng.randrange(6)):
            begin = _day(rng)
            await session.execute(
                text(
                    "INSERT INTO resources.allocations (id, workspace_id, user_id, project_id, "
                    "hours_per_week, start_date, end_date) VALUES (:id, :workspace_id, "
                    ":user_id, :project_id, :hours, :start, :end)"
                ),
                {
                    "id": new_id(),
                    "workspace_id": workspace_id,
                    "user_id": user_id,
                    "project_id": new_id(),
                    "hours": Decimal(rng.choice(HOURS)),
                    "start": begin,
                    "end": begin + timedelta(days=rng.randrange(90)),
                },
            )
        for _ in range(rng.randrange(4)):
            entry_id = new_id()
            await session.execute(
                text(
                    "INSERT INTO resources.actual_entries (entry_id, workspace_id, user_id, "
                    "project_id, sequence) VALUES (:id, :workspace_id, :user_id, :id, 1)"
                ),
                {"id": entry_id, "workspace_id": workspace_id, "user_id": user_id},
            )
            await session.execute(
                text(
                    "INSERT INTO resources.actual_days (entry_id, day, seconds, workspace_id, "
                    "user_id, project_id) VALUES (:id, :day, :seconds, :workspace_id, "
                    ":user_id, :id)"
                ),
                {
                    "id": entry_id,
                    "day": _day(rng),
                    "seconds": rng.randrange(1, 40_000),
                    "workspace_id": workspace_id,
                    "user_id": user_id,
                },
            )
    return users


async def test_the_statement_matches_the_day_by_day_one(
    sessionmaker: async_sessionmaker[AsyncSession], team: Team
) -> None:
    rng = random.Random(20261206)
    workspace_id = team.workspace.id
    async with sessionmaker() as session, session.begin():
        users = await _seed(session, workspace_id, rng)
    cases: list[dict[str, Any]] = [
        {
            "user_id": rng.choice([None, None, rng.choice(users), team.member.id]),
            "from_date": (start := _day(rng, 300)),
            "to_date": start + timedelta(days=rng.randrange(366)),
            "granularity": rng.choice(["week", "month"]),
            "week_start": rng.randint(1, 7),
        }
        for _ in range(40)
    ]
    compared = 0
    async with sessionmaker() as session:
        for case in cases:
            parameters = {"workspace_id": workspace_id, **case}
            expected = (await session.execute(DAY_BY_DAY, parameters)).all()
            found = (await session.execute(REPORT, parameters)).all()
            assert [tuple(map(str, row)) for row in found] == [
                tuple(map(str, row)) for row in expected
            ], case
            compared += len(expected)
    # An inactive profile's user alone has no rows; most cases have hundreds.
    assert compared > 2000
