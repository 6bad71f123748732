"""The daily totals the workspace summary reads and the report totals the report reads always
equal a GROUP BY of the finished entries: whatever is created, moved, changed, stopped or
deleted, through the API or not."""

from __future__ import annotations

from typing import Any

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
        report_totals = (await session.execute(text(REPORT_TOTALS), parameters)).all()
        report_expected = (await session.execute(text(REPORT_FROM_ENTRIES), parameters)).all()
    assert [tuple(row) for row in totals] == [tuple(row) for row in expected]
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
