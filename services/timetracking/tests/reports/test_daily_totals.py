"""The daily and monthly totals the workspace summary reads and the report totals the report
reads always equal a GROUP BY of the finished entries: whatever is created, moved, changed,
stopped or deleted, through the API or not."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any
from uuid import UUID

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.testing.directory import DirectorySeeder
from worksync.timetracking.testing import Issues, World, arrange_world

TOTALS = """
SELECT work_date, project_id, user_id, seconds, billable_seconds, entries
FROM timetracking.daily_totals WHERE workspace_id = :workspace_id
ORDER BY 1, 2, 3
"""
FROM_ENTRIES = """
SELECT work_date, project_id, user_id, SUM(duration_seconds),
       COALESCE(SUM(duration_seconds) FILTER (WHERE billable), 0), COUNT(*)
FROM timetracking.time_entries
WHERE workspace_id = :workspace_id AND duration_seconds IS NOT NULL
GROUP BY 1, 2, 3
ORDER BY 1, 2, 3
"""

MONTHLY_TOTALS = """
SELECT month, project_id, user_id, seconds, billable_seconds, amount, entries
FROM timetracking.monthly_totals WHERE workspace_id = :workspace_id
ORDER BY 1, 2, 3
"""
MONTHLY_FROM_ENTRIES = """
SELECT CAST(date_trunc('month', work_date) AS date), project_id, user_id,
       SUM(rounded_duration_seconds),
       COALESCE(SUM(rounded_duration_seconds) FILTER (WHERE billable), 0),
       COALESCE(SUM(rounded_duration_seconds * hourly_rate)
                FILTER (WHERE billable AND hourly_rate IS NOT NULL), 0),
       COUNT(*)
FROM timetracking.time_entries
WHERE workspace_id = :workspace_id AND duration_seconds IS NOT NULL
GROUP BY 1, 2, 3
ORDER BY 1, 2, 3
"""

REPORT_TOTALS = """
SELECT work_date, user_id, project_id, issue_id, currency, approval_state, seconds,
       billable_seconds, amount, rated_billable_entries, billable_entries, entries
FROM timetracking.report_totals WHERE workspace_id = :workspace_id
ORDER BY 1, 2, 3, 4, 5, 6
"""
REPORT_FROM_ENTRIES = """
SELECT work_date, user_id, project_id, issue_id, currency, approval_state,
       SUM(rounded_duration_seconds),
       COALESCE(SUM(rounded_duration_seconds) FILTER (WHERE billable), 0),
       COALESCE(SUM(rounded_duration_seconds * hourly_rate)
                FILTER (WHERE billable AND hourly_rate IS NOT NULL), 0),
       COUNT(*) FILTER (WHERE billable AND hourly_rate IS NOT NULL),
       COUNT(*) FILTER (WHERE billable), COUNT(*)
FROM timetracking.time_entries
WHERE workspace_id = :workspace_id AND duration_seconds IS NOT NULL
GROUP BY 1, 2, 3, 4, 5, 6
ORDER BY 1, 2, 3, 4, 5, 6
"""


async def _assert_totals_match(
    sessionmaker: async_sessionmaker[AsyncSession], world: World
) -> list[Any]:
    async with sessionmaker() as session:
        parameters = {"workspace_id": world.workspace.id}
        totals = (await session.execute(text(TOTALS), parameters)).all()
        expected = (await session.execute(text(FROM_ENTRIES), parameters)).all()
        monthly = (await session.execute(text(MONTHLY_TOTALS), parameters)).all()
        monthly_expected = (await session.execute(text(MONTHLY_FROM_ENTRIES), parameters)).all()
        report_totals = (await session.execute(text(REPORT_TOTALS), parameters)).all()
        report_expected = (await session.execute(text(REPORT_FROM_ENTRIES), parameters)).all()
    assert [tuple(row) for row in totals] == [tuple(row) for row in expected]
    assert [tuple(row) for row in monthly] == [tuple(row) for row in monthly_expected]
    assert [tuple(row) for row in report_totals] == [tuple(row) for row in report_expected]
    return list(totals)


async def test_totals_follow_every_change_of_the_entries(
    client: httpx.AsyncClient,
    world: World,
    seeder: DirectorySeeder,
    issues: Issues,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    entries = f"{world.base}/time-entries"
    ada = world.ada.headers
    project = str(world.project.id)

    async def create(person: dict[str, str], **body: Any) -> str:
        response = await client.post(entries, json={"project_id": project, **body}, headers=person)
        assert response.status_code == 201, response.text
        entry_id: str = response.json()["id"]
        return entry_id

    night = await create(
        ada, started_at="2024-05-07T22:00:00", ended_at="2024-05-08T02:00:00", billable=True
    )
    same_day = await create(ada, work_date="2024-05-07", duration_seconds=600)
    # Same day, user and project, without an issue and with one: rows apart in the report's.
    await create(ada, work_date="2024-05-07", duration_seconds=300)
    await create(ada, work_date="2024-05-07", duration_seconds=1200, issue_id=str(world.issue_id))
    await create(world.bob.headers, work_date="2024-05-07", duration_seconds=900, billable=True)
    assert len(await _assert_totals_match(sessionmaker, world)) == 2

    # Longer, not billable, then on another day: seconds move out of one row into another.
    for change in (
        {"ended_at": "2024-05-08T03:00:00"},
        {"issue_id": str(world.issue_id)},
        {"billable": False},
        {"started_at": "2024-05-09T20:00:00", "ended_at": "2024-05-09T21:00:00"},
    ):
        response = await client.patch(f"{entries}/{night}", json=change, headers=ada)
        assert response.status_code == 200, response.text
        await _assert_totals_match(sessionmaker, world)

    # A running timer counts once it stops; a deleted entry leaves no row behind.
    started = await client.post(
        f"{world.base}/timer/start", json={"project_id": project}, headers=ada
    )
    assert started.status_code == 201, started.text
    await _assert_totals_match(sessionmaker, world)
    async with sessionmaker.begin() as session:
        # Backdate the start so that the stop finds worked time.
        await session.execute(
            text(
                "UPDATE timetracking.time_entries SET started_at = started_at - interval '1 hour'"
                " WHERE id = :id"
            ),
            {"id": started.json()["id"]},
        )
    stopped = await client.post(f"{world.base}/timer/stop", headers=ada)
    assert stopped.status_code == 200, stopped.text
    await _assert_totals_match(sessionmaker, world)
    assert (await client.delete(f"{entries}/{same_day}", headers=ada)).status_code == 204
    await _assert_totals_match(sessionmaker, world)

    # Another project of the workspace: a row of its own.
    other = await arrange_world(seeder, issues)
    async with sessionmaker.begin() as session:
        await session.execute(
            text(
                "UPDATE timetracking.time_entries SET project_id = :project_id,"
                " workspace_id = :workspace_id WHERE id = :id"
            ),
            {"project_id": other.project.id, "workspace_id": world.workspace.id, "id": night},
        )
    rows = await _assert_totals_match(sessionmaker, world)
    assert other.project.id in {row.project_id for row in rows}

    # A timesheet action moves its period's seconds to rows of the new approval state.
    submitted = await client.post(
        f"{world.base}/timesheets/submit", json={"date": "2024-05-07"}, headers=ada
    )
    assert submitted.status_code == 200, submitted.text
    async with sessionmaker() as session:
        states = await session.scalars(
            text(
                "SELECT DISTINCT approval_state FROM timetracking.report_totals"
                " WHERE workspace_id = :workspace_id AND user_id = :user_id"
                " AND work_date BETWEEN '2024-05-06' AND '2024-05-12'"
            ),
            {"workspace_id": world.workspace.id, "user_id": world.ada.id},
        )
        assert list(states) == ["submitted"]
    await _assert_totals_match(sessionmaker, world)


# Finished entries of one person, each an hour from `hour` o'clock on its day, written in
# one statement: the report totals count a statement's rows together.
INSERT_ENTRIES = """
INSERT INTO timetracking.time_entries
    (id, workspace_id, project_id, user_id, work_date, started_at, ended_at, duration_seconds,
     rounded_started_at, rounded_ended_at, rounded_duration_seconds, billable, hourly_rate,
     currency, source, timezone, sort_at, rounding_source)
SELECT gen_random_uuid(), :workspace_id, :project_id, :user_id, day, at, at + interval '1 hour',
       3600, at, at + interval '1 hour', 3600, billable, 80.00, 'EUR', 'manual', 'UTC', at,
       'workspace'
FROM unnest(CAST(:days AS date[]), CAST(:billable AS boolean[])) AS given(day, billable),
     LATERAL (SELECT day + make_interval(hours => :hour) AS at) AS start
RETURNING id
"""
REPORT_ROW_VERSIONS = (
    "SELECT xmin::text FROM timetracking.report_totals WHERE workspace_id = :workspace_id"
    " ORDER BY work_date, user_id"
)


async def test_report_totals_count_a_statement_of_many_entries_at_once(
    world: World, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    days = [date(2024, 6, day) for day in (3, 4, 5)]
    where = {"workspace_id": world.workspace.id}
    async with sessionmaker.begin() as session:
        for hour in (8, 9, 10):
            await session.execute(
                text(INSERT_ENTRIES),
                {
                    **where,
                    "project_id": world.project.id,
                    "user_id": world.ada.id,
                    "days": days,
                    "billable": [hour % 2 == 0, True, hour == 9],
                    "hour": hour,
                },
            )
    assert len(await _assert_totals_match(sessionmaker, world)) == 3

    # Every entry of the 3rd moves to the 5th and becomes billable: one row empties.
    async with sessionmaker.begin() as session:
        await session.execute(
            text(
                "UPDATE timetracking.time_entries SET work_date = '2024-06-05', billable = true"
                " WHERE workspace_id = :workspace_id AND work_date = '2024-06-03'"
            ),
            where,
        )
    rows = await _assert_totals_match(sessionmaker, world)
    assert [row.work_date for row in rows] == [date(2024, 6, 4), date(2024, 6, 5)]

    # A change of nothing counted writes no row of the totals.
    async with sessionmaker() as session:
        before = list(await session.scalars(text(REPORT_ROW_VERSIONS), where))
    async with sessionmaker.begin() as session:
        await session.execute(
            text(
                "UPDATE timetracking.time_entries SET description = 'reviewed'"
                " WHERE workspace_id = :workspace_id"
            ),
            where,
        )
    async with sessionmaker() as session:
        assert list(await session.scalars(text(REPORT_ROW_VERSIONS), where)) == before

    async with sessionmaker.begin() as session:
        await session.execute(
            text("DELETE FROM timetracking.time_entries WHERE workspace_id = :workspace_id"),
            where,
        )
    assert await _assert_totals_match(sessionmaker, world) == []


async def test_concurrent_statements_on_the_same_rows_neither_deadlock_nor_lose_time(
    world: World, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    """Four transactions at once, each removing its entries of six days and writing new
    ones, every one walking the days in its own order, round after round: every one
    commits, and the totals end equal to the entries."""
    writers, rounds = 4, 5
    days = [date(2024, 7, day) for day in range(1, 7)]

    async def write(number: int, hour: int, ids: list[UUID]) -> list[UUID]:
        ordered = days[number:] + days[:number]
        if number % 2:
            ordered.reverse()
        async with sessionmaker.begin() as session:
            await session.execute(
                text("DELETE FROM timetracking.time_entries WHERE id = ANY(:ids)"), {"ids": ids}
            )
            return list(
                await session.scalars(
                    text(INSERT_ENTRIES),
                    {
                        "workspace_id": world.workspace.id,
                        "project_id": world.project.id,
                        "user_id": world.ada.id,
                        "days": ordered,
                        "billable": [day.day % 2 == number % 2 for day in ordered],
                        "hour": hour,
                    },
                )
            )

    written: list[list[UUID]] = [[] for _ in range(writers)]
    for round_number in range(rounds):
        # Each writer's hour alternates between two of its own: its entries never overlap.
        written = await asyncio.gather(
            *(
                write(number, 2 * number + round_number % 2, written[number])
                for number in range(writers)
            )
        )
    rows = await _assert_totals_match(sessionmaker, world)
    assert sum(row.entries for row in rows) == writers * len(days)
