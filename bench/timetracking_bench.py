"""Timetracking benchmark: the report over 1,000,000 entries by project x user x week, and
approving a month's timesheets of 200 people.

Runs the timetracking app in-process (httpx on its ASGI app, tokens from the kit's test
minter) on a database of its own, migrated to head and dropped afterwards. The workspace
(Europe/Berlin, monthly timesheets, no rounding, no lockdown), five projects and 200 members
come through the service's own handlers (the kit's `DirectorySeeder`, as its worker fills the
directory); N finished entries of those 200 people over 2025 go straight into the table (what
the API writes: non-overlapping, rate 80 EUR, a third billable), as in `summary_bench.py`.

The report answers two groupings at most and 5,000 rows at most, so project x user x week
over the year is asked as 20 reports — each project, each quarter, `group_by=user&then_by=
week` (200 people x 14 weeks: 2,800 rows) — which together cover every entry once. A pass
of those 20 requests is timed against a pass of the same 20 plain `GROUP BY user_id, week`
statements on the same rows, run directly on the database; the ratio is of the p50 passes
(target ≤ 1.0). For reference: one plain `GROUP BY project_id, user_id, week` over the whole
year, and the one report the API can answer over the whole year in one request,
`group_by=project&then_by=user`, against its plain `GROUP BY`.

Then every member submits their June timesheet through the API and the owner approves the
200 one after another (p50 and p99 per approval).

`--small` (or `WORKSYNC_BENCH_SMALL=1`) seeds a tenth of the entries, for a quick look.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path

import httpx
import psycopg

from worksync.common.testing.clients import asgi_client
from worksync.common.testing.directory import (
    DirectorySeeder,
    SeededProject,
    SeededUser,
    SeededWorkspace,
)
from worksync.common.testing.infra import (
    DEFAULT_AMQP_URL,
    DEFAULT_DATABASE_URL,
    create_database,
    drop_database,
    unique_name,
)
from worksync.common.testing.migrate import upgrade_to_head
from worksync.common.testing.settings import build_test_settings
from worksync.common.testing.tokens import TokenMinter
from worksync.timetracking.config import TimetrackingSettings
from worksync.timetracking.main import create_app
from worksync.timetracking.messaging.handlers import HANDLERS
from worksync.timetracking.testing import set_workspace_settings

ALEMBIC_INI = Path(__file__).resolve().parents[1] / "services/timetracking/alembic.ini"
API = "/api/v1"
PEOPLE = 200
PROJECTS = 5
PASSES = 5
RUNS = 5
YEAR = (date(2025, 1, 1), date(2025, 12, 31))
QUARTERS = (
    (date(2025, 1, 1), date(2025, 3, 31)),
    (date(2025, 4, 1), date(2025, 6, 30)),
    (date(2025, 7, 1), date(2025, 9, 30)),
    (date(2025, 10, 1), date(2025, 12, 31)),
)

# Entry k of person p starts k * 105 minutes after 2025-01-01 00:00 UTC and lasts an hour:
# 5,000 entries a person fill the year, and no two of a person's entries overlap.
SEED_ENTRIES = """
WITH people AS (
    SELECT p, user_id FROM unnest(%(user_ids)s::uuid[]) WITH ORDINALITY AS people(user_id, p)
), starts AS (
    SELECT people.p, people.user_id, k,
           timestamptz '2025-01-01 00:00:00+00' + k * interval '105 minutes' AS at
    FROM people CROSS JOIN generate_series(0, %(per_person)s - 1) AS k
)
INSERT INTO timetracking.time_entries
    (id, workspace_id, project_id, user_id, work_date, started_at, ended_at, duration_seconds,
     rounded_started_at, rounded_ended_at, rounded_duration_seconds, billable, hourly_rate,
     currency, source, timezone, sort_at, rounding_source)
SELECT gen_random_uuid(), %(workspace_id)s,
       (%(project_ids)s::uuid[])[1 + (p + k) %% cardinality(%(project_ids)s::uuid[])],
       user_id, (at AT TIME ZONE 'Europe/Berlin')::date, at, at + interval '1 hour', 3600,
       at, at + interval '1 hour', 3600, k %% 3 = 0, 80.00, 'EUR', 'manual', 'Europe/Berlin', at,
       'workspace'
FROM starts
"""

# Weeks start on Monday, the workspace's `week_start`, as the report's do.
PLAIN_SLICE = """
SELECT user_id, date_trunc('week', work_date)::date AS week, SUM(rounded_duration_seconds)
FROM timetracking.time_entries
WHERE workspace_id = %(workspace_id)s AND project_id = %(project_id)s
  AND work_date BETWEEN %(from)s AND %(to)s AND duration_seconds IS NOT NULL
GROUP BY user_id, week
"""

PLAIN_WHOLE = """
SELECT project_id, user_id, date_trunc('week', work_date)::date AS week,
       SUM(rounded_duration_seconds)
FROM timetracking.time_entries
WHERE workspace_id = %(workspace_id)s AND work_date BETWEEN %(from)s AND %(to)s
  AND duration_seconds IS NOT NULL
GROUP BY project_id, user_id, week
"""

PLAIN_PROJECT_USER = """
SELECT project_id, user_id, SUM(rounded_duration_seconds)
FROM timetracking.time_entries
WHERE workspace_id = %(workspace_id)s AND work_date BETWEEN %(from)s AND %(to)s
  AND duration_seconds IS NOT NULL
GROUP BY project_id, user_id
"""


def _p50_ms(run: Callable[[], object], runs: int) -> float:
    run()  # warm caches and plans
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


async def _p50_ms_async(run: Callable[[], Awaitable[object]], runs: int) -> float:
    await run()
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        await run()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


async def _arrange(
    seeder: DirectorySeeder,
) -> tuple[SeededWorkspace, list[SeededProject], list[SeededUser]]:
    workspace = await seeder.workspace(timezone="Europe/Berlin")
    await set_workspace_settings(seeder, workspace, timesheet_period="monthly")
    projects = [
        await seeder.project(workspace, name=f"Project {number}") for number in range(PROJECTS)
    ]
    people = []
    for number in range(PEOPLE):
        person = await seeder.member(workspace, display_name=f"Person {number:03}")
        for project in projects:
            await seeder.project_member(project, person)
        people.append(person)
    return workspace, projects, people


def _seed(
    database_url: str,
    workspace: SeededWorkspace,
    projects: list[SeededProject],
    people: list[SeededUser],
    entries: int,
) -> float:
    """Seconds it took."""
    started = time.perf_counter()
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(
            SEED_ENTRIES,
            {
                "workspace_id": workspace.id,
                "project_ids": [project.id for project in projects],
                "user_ids": [person.id for person in people],
                "per_person": entries // len(people),
            },
        )
        conn.execute("VACUUM ANALYZE timetracking.time_entries")
        conn.execute("VACUUM ANALYZE timetracking.daily_totals")
        conn.execute("VACUUM ANALYZE timetracking.report_totals")
    return time.perf_counter() - started


async def _report_figures(
    client: httpx.AsyncClient,
    database_url: str,
    workspace: SeededWorkspace,
    projects: list[SeededProject],
) -> dict[str, tuple[float, float]]:
    """API and plain SQL p50 ms: the 20-slice pass, and the whole year by project x user."""
    owner = workspace.owner.headers
    url = f"{API}/workspaces/{workspace.slug}/time-tracking/report"
    slices = [(project, quarter) for project in projects for quarter in QUARTERS]

    async def api_pass() -> None:
        for project, (first, last) in slices:
            params = {
                "group_by": "user",
                "then_by": "week",
                "project_id": str(project.id),
                "from": first.isoformat(),
                "to": last.isoformat(),
            }
            (await client.get(url, params=params, headers=owner)).raise_for_status()

    async def api_project_user() -> None:
        params = {
            "group_by": "project",
            "then_by": "user",
            "from": "2025-01-01",
            "to": "2025-12-31",
        }
        (await client.get(url, params=params, headers=owner)).raise_for_status()

    whole = {"workspace_id": workspace.id, "from": YEAR[0], "to": YEAR[1]}
    with psycopg.connect(database_url, autocommit=True) as conn:

        def plain_pass() -> None:
            for project, (first, last) in slices:
                conn.execute(
                    PLAIN_SLICE,
                    {
                        "workspace_id": workspace.id,
                        "project_id": project.id,
                        "from": first,
                        "to": last,
                    },
                ).fetchall()

        return {
            "slices": (await _p50_ms_async(api_pass, PASSES), _p50_ms(plain_pass, PASSES)),
            "whole": (
                float("nan"),
                _p50_ms(lambda: conn.execute(PLAIN_WHOLE, whole).fetchall(), RUNS),
            ),
            "project_user": (
                await _p50_ms_async(api_project_user, RUNS),
                _p50_ms(lambda: conn.execute(PLAIN_PROJECT_USER, whole).fetchall(), RUNS),
            ),
        }


async def _approvals(
    client: httpx.AsyncClient, workspace: SeededWorkspace, people: list[SeededUser], day: date
) -> tuple[list[float], int]:
    """Each person submits the month holding `day`; the owner approves each: ms per approval,
    and the entries the approved timesheets hold."""
    base = f"{API}/workspaces/{workspace.slug}/timesheets"
    submitted = []
    for person in people:
        response = await client.post(
            f"{base}/submit", json={"date": day.isoformat()}, headers=person.headers
        )
        response.raise_for_status()
        submitted.append(response.json()["id"])
    timings = []
    entries = 0
    for timesheet_id in submitted:
        started = time.perf_counter()
        response = await client.post(
            f"{base}/{timesheet_id}/approve", headers=workspace.owner.headers
        )
        timings.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
        entries += len(response.json()["entries"])
    return timings, entries


async def _bench(database_url: str, amqp_url: str, small: bool) -> None:
    entries = 100_000 if small else 1_000_000
    # The small seed fills January and February only.
    month_day = date(2025, 1, 15) if small else date(2025, 6, 15)
    minter = TokenMinter()
    app = create_app(build_test_settings(TimetrackingSettings, database_url, amqp_url))
    async with asgi_client(app) as client:
        app.state.token_verifier = minter.verifier()
        workspace, projects, people = await _arrange(
            DirectorySeeder(HANDLERS, app.state.sessionmaker, minter)
        )
        seeded_seconds = _seed(database_url, workspace, projects, people, entries)
        figures = await _report_figures(client, database_url, workspace, projects)
        approvals, approved_entries = await _approvals(client, workspace, people, month_day)

    print(
        f"\ntimetracking benchmark: {entries:,} entries of {PEOPLE} people in {PROJECTS} "
        f"projects over 2025 (seeded in {seeded_seconds:.0f} s), in-process ASGI client"
    )
    print("| report | API p50 ms | plain GROUP BY p50 ms | ratio (target ≤ 1.0) |")
    print("|---|---|---|---|")
    api_ms, plain_ms = figures["slices"]
    print(
        f"| project x user x week, 20 requests (5 projects x 4 quarters), p50 of {PASSES} "
        f"passes | {api_ms:.0f} | {plain_ms:.0f} | {api_ms / plain_ms:.2f} |"
    )
    print(
        f"| project x user x week, one plain statement over the year | — "
        f"| {figures['whole'][1]:.0f} | — |"
    )
    api_ms, plain_ms = figures["project_user"]
    print(
        f"| project x user over the year, one request, p50 of {RUNS} | {api_ms:.0f} "
        f"| {plain_ms:.0f} | {api_ms / plain_ms:.2f} |"
    )
    p50, p99 = statistics.median(approvals), statistics.quantiles(approvals, n=100)[98]
    print(
        f"approving {len(approvals)} monthly timesheets "
        f"({approved_entries // len(approvals)} entries each), one after another: "
        f"p50 {p50:.1f} ms, p99 {p99:.1f} ms"
    )


def run(
    admin_url: str = DEFAULT_DATABASE_URL, amqp_url: str = DEFAULT_AMQP_URL, *, small: bool = False
) -> None:
    """The benchmark on a fresh database of its own, dropped afterwards."""
    name = unique_name("bench_timetracking")
    database_url = create_database(admin_url, name)
    try:
        upgrade_to_head(ALEMBIC_INI, database_url)
        asyncio.run(_bench(database_url, amqp_url, small))
    finally:
        drop_database(admin_url, name)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--small", action="store_true", default=bool(os.environ.get("WORKSYNC_BENCH_SMALL"))
    )
    arguments = parser.parse_args()
    run(
        os.environ.get("WORKSYNC_TEST_DATABASE_URL", DEFAULT_DATABASE_URL),
        os.environ.get("WORKSYNC_TEST_AMQP_URL", DEFAULT_AMQP_URL),
        small=arguments.small,
    )


if __name__ == "__main__":
    main()
