"""Resources benchmark: the allocation optimiser, the critical path and the capacity forecast.

- Optimiser: 200 people (one or two of five skills, 32 or 40 hours a week) booked on 30
  projects over 26 weeks in blocks of 2 to 6 weeks, about a fifth of them over-booked at
  times. The pure planner (`optimizer/planning.py`: the HiGHS MILP with its time limit) and
  the greedy baseline on the same data, in process: time to answer, hours moved and cut,
  over-allocations left. Then the same data seeded into a workspace, through
  `POST /workspaces/{ws}/optimize-allocations` (the service's time limit, 10 s by default).
- Critical path: 2,000 milestones and 6,000 dependencies (with lags) in one project: the pure
  module (`critical_path()` on keys, and `timetable()` on positions, which the endpoint runs),
  p50 of 15 runs, and `GET …/projects/{pid}/critical-path` through the gateway over the same
  network seeded into the table (target ≤ 100 ms).
- Capacity forecast: 500 people booked as the optimiser's (5,022 allocations),
  `GET …/capacity-forecast?weeks=26` through the gateway, p50 of 15 runs.

Rows are seeded straight into resources' tables (what the API writes, without thousands of
requests); the workspace and project come through the gateway. Prints figures, asserts
nothing. `python -m bench.resources_bench` starts a system of its own (like `make bench`).
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from uuid import UUID

import httpx
import psycopg

from bench.own_system import own_system
from bench.seeding import owner_headers, wait_for
from worksync.common.testing.infra import (
    DEFAULT_AMQP_URL,
    DEFAULT_DATABASE_URL,
)
from worksync.resources.conflicts.detection import Availability
from worksync.resources.milestones.critical_path import Activity, Link, critical_path, timetable
from worksync.resources.optimizer import planning

PEOPLE = 200
WEEKS = 26
PROJECTS = 30
MILESTONES = 2_000
DEPENDENCIES = 6_000
FORECAST_PEOPLE = 500
RUNS = 15
FIRST_MONDAY = date(2027, 1, 4)
SKILLS = ("backend", "frontend", "design", "qa", "data")


def _p50_ms(run: Callable[[], object], runs: int = RUNS) -> float:
    run()  # warm caches and plans
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def optimiser_case(
    people: int = PEOPLE, weeks: int = WEEKS, projects: int = PROJECTS, seed: int = 11
) -> tuple[dict[UUID, planning.Person], list[planning.Allocation]]:
    """People with skills, each on two or three projects at a time in blocks of 2-6 weeks."""
    rng = random.Random(seed)
    project_ids = [uuid.UUID(int=rng.getrandbits(128)) for _ in range(projects)]
    members: dict[UUID, planning.Person] = {}
    allocations: list[planning.Allocation] = []
    for _ in range(people):
        user_id = uuid.UUID(int=rng.getrandbits(128))
        skills = frozenset(rng.sample(SKILLS, rng.choice((1, 1, 2))))
        hours = Decimal(rng.choice((40, 40, 40, 32)))
        members[user_id] = planning.Person(
            user_id, Availability(hours, frozenset({1, 2, 3, 4, 5})), skills
        )
        for _track in range(rng.choice((1, 1, 2, 2, 3))):
            week = rng.randrange(3)
            while week < weeks:
                length = min(rng.randint(2, 6), weeks - week)
                start = FIRST_MONDAY + timedelta(weeks=week)
                allocations.append(
                    planning.Allocation(
                        uuid.UUID(int=rng.getrandbits(128)),
                        user_id,
                        rng.choice(project_ids),
                        rng.choice(sorted(skills)) if rng.random() < 0.7 else None,
                        Decimal(rng.choice((4, 8, 8, 10, 12, 16, 20))),
                        start,
                        start + timedelta(weeks=length, days=-1),
                    )
                )
                week += length + rng.choice((0, 0, 1, 2))
    return members, allocations


def network(
    milestones: int = MILESTONES, dependencies: int = DEPENDENCIES, seed: int = 7
) -> tuple[list[Activity[int]], list[Link[int]]]:
    """Milestones of 1-10 days, each depending on up to a few of the 60 before it."""
    rng = random.Random(seed)
    activities = []
    for number in range(milestones):
        start = FIRST_MONDAY + timedelta(days=number // 4)
        activities.append(Activity(number, start, start + timedelta(days=rng.randint(0, 9))))
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < dependencies:
        successor = rng.randrange(1, milestones)
        pairs.add((rng.randrange(max(0, successor - 60), successor), successor))
    links = [Link(before, after, rng.choice((0, 0, 1, 2))) for before, after in sorted(pairs)]
    return activities, links


def _optimiser_in_process(
    members: dict[UUID, planning.Person], allocations: list[planning.Allocation]
) -> list[tuple[str, float, planning.Plan]]:
    last = FIRST_MONDAY + timedelta(weeks=WEEKS, days=-1)
    figures = []
    for name, planner in (("MILP (HiGHS)", planning.optimise), ("greedy", planning.greedy)):
        started = time.perf_counter()
        plan = planner(members, allocations, FIRST_MONDAY, last, planning.Options())
        figures.append((name, time.perf_counter() - started, plan))
    return figures


HEADER = (
    "| planner        | seconds | status                   | changes | hours moved "
    "| hours cut | left |\n|----------------|---------|--------------------------|---------"
    "|-------------|-----------|------|"
)


def _print_plans(rows: list[tuple[str, float, planning.Plan]]) -> None:
    print(HEADER)
    for name, seconds, plan in rows:
        print(
            f"| {name:14} | {seconds:7.2f} | {plan.status.value:24} | {len(plan.changes):7} "
            f"| {plan.hours_moved:11.0f} | {plan.hours_reduced:9.0f} | {len(plan.unresolved):4} |"
        )


SEED_PROFILE = """
INSERT INTO resources.capacity_profiles (id, workspace_id, user_id, skills, hours_per_week)
VALUES (gen_random_uuid(), %s, %s, %s, %s)
"""
SEED_ALLOCATION = """
INSERT INTO resources.allocations
    (id, workspace_id, user_id, project_id, role, hours_per_week, start_date, end_date)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s)
"""
SEED_MILESTONE = """
INSERT INTO resources.milestones
    (id, workspace_id, project_id, title, start_date, due_date, status, priority, progress,
     manual_progress)
VALUES (%s, %s, %s, %s, %s, %s, 'pending', 'medium', 0, 0)
"""
SEED_DEPENDENCY = """
INSERT INTO resources.milestone_dependencies (milestone_id, depends_on_id, project_id, lag_days)
VALUES (%s, %s, %s, %s)
"""


def _workspace(client: httpx.Client, headers: dict[str, str], kind: str) -> tuple[str, str, str]:
    """A new workspace with one project: slug, workspace id, project id; once resources
    knows both."""
    slug = f"bench-{kind}-{uuid.uuid4().hex[:8]}"
    created = client.post(
        "/api/v1/workspaces", json={"slug": slug, "name": "Bench"}, headers=headers
    )
    created.raise_for_status()
    project = client.post(
        f"/api/v1/workspaces/{slug}/projects",
        json={"identifier": "BR", "name": "Plan"},
        headers=headers,
    )
    project.raise_for_status()
    project_id = project.json()["id"]
    path = f"/api/v1/workspaces/{slug}/projects/{project_id}/critical-path"
    wait_for(lambda: client.get(path, headers=headers).status_code == 200)
    return slug, created.json()["id"], project_id


def _seed_people(
    conn: psycopg.Connection[tuple[object, ...]],
    workspace_id: str,
    members: dict[UUID, planning.Person],
    allocations: list[planning.Allocation],
) -> None:
    with conn.cursor() as cursor:
        cursor.executemany(
            SEED_PROFILE,
            [
                (workspace_id, p.user_id, sorted(p.skills), p.availability.hours_per_week)
                for p in members.values()
            ],
        )
        cursor.executemany(
            SEED_ALLOCATION,
            [
                (
                    a.allocation_id,
                    workspace_id,
                    a.user_id,
                    a.project_id,
                    a.role,
                    a.hours_per_week,
                    a.start_date,
                    a.end_date,
                )
                for a in allocations
            ],
        )
    conn.execute("ANALYZE resources.capacity_profiles")
    conn.execute("ANALYZE resources.allocations")


def run(gateway_url: str, database_url: str) -> None:
    members, allocations = optimiser_case()
    in_process = _optimiser_in_process(members, allocations)
    activities, links = network()
    pure_ms = _p50_ms(lambda: critical_path(activities, links))
    starts, dues = [a.start for a in activities], [a.due for a in activities]
    positions = [(k.predecessor, k.successor, k.lag) for k in links]
    timetable_ms = _p50_ms(lambda: timetable(starts, dues, positions))
    forecast_members, forecast_allocations = optimiser_case(people=FORECAST_PEOPLE, seed=5)
    last = FIRST_MONDAY + timedelta(weeks=WEEKS, days=-1)

    with (
        httpx.Client(base_url=gateway_url, timeout=300) as client,
        psycopg.connect(database_url, autocommit=True) as conn,
    ):
        headers = owner_headers(client)
        slug, workspace_id, project_id = _workspace(client, headers, "optimiser")
        _seed_people(conn, workspace_id, members, allocations)
        started = time.perf_counter()
        answer = client.post(
            f"/api/v1/workspaces/{slug}/optimize-allocations",
            json={"start_date": FIRST_MONDAY.isoformat(), "end_date": last.isoformat()},
            headers=headers,
        )
        endpoint_seconds = time.perf_counter() - started
        answer.raise_for_status()
        proposal = answer.json()

        slug, workspace_id, project_id = _workspace(client, headers, "network")
        ids = [uuid.uuid4() for _ in activities]
        with conn.cursor() as cursor:
            cursor.executemany(
                SEED_MILESTONE,
                [
                    (ids[a.id], workspace_id, project_id, f"M{a.id}", a.start, a.due)
                    for a in activities
                ],
            )
            cursor.executemany(
                SEED_DEPENDENCY,
                [(ids[k.successor], ids[k.predecessor], project_id, k.lag) for k in links],
            )
        conn.execute("ANALYZE resources.milestones")
        conn.execute("ANALYZE resources.milestone_dependencies")
        path = f"/api/v1/workspaces/{slug}/projects/{project_id}/critical-path"

        def critical_path_api() -> object:
            response = client.get(path, headers=headers)
            response.raise_for_status()
            return response.json()

        endpoint_ms = _p50_ms(critical_path_api)

        slug, workspace_id, _ = _workspace(client, headers, "forecast")
        _seed_people(conn, workspace_id, forecast_members, forecast_allocations)

        def forecast_api() -> object:
            response = client.get(
                f"/api/v1/workspaces/{slug}/capacity-forecast",
                params={"weeks": WEEKS},
                headers=headers,
            )
            response.raise_for_status()
            return response.json()

        forecast_ms = _p50_ms(forecast_api)

    print(
        f"\nresources benchmark: optimiser over {PEOPLE} people x {WEEKS} weeks x {PROJECTS} "
        f"projects, {len(allocations)} allocations, "
        f"{in_process[0][2].conflicts} over-allocations in the range"
    )
    _print_plans(in_process)
    print(
        f"| endpoint       | {endpoint_seconds:7.2f} | {proposal['status']:24} "
        f"| {len(proposal['changes']):7} | {proposal['hours_moved']:11.0f} "
        f"| {proposal['hours_reduced']:9.0f} | {len(proposal['unresolved']):4} |"
    )
    print(f"\ncritical path, {len(activities):,} milestones and {len(links):,} dependencies:")
    print(f"| pure module p50 ms | {pure_ms:8.1f} |")
    print(f"| on positions p50 ms| {timetable_ms:8.1f} |")
    print(f"| endpoint p50 ms    | {endpoint_ms:8.1f} |")
    print(
        f"\ncapacity forecast, {FORECAST_PEOPLE} people x {WEEKS} weeks "
        f"({len(forecast_allocations)} allocations): p50 {forecast_ms:.1f} ms"
    )


def main() -> int:
    """Start a system on a fresh database (as `make bench` does), run, stop."""
    from bench.run import BENCH_ENV  # here: bench.run imports this module

    admin_url = os.environ.get("WORKSYNC_TEST_DATABASE_URL", DEFAULT_DATABASE_URL)
    amqp_url = os.environ.get("WORKSYNC_TEST_AMQP_URL", DEFAULT_AMQP_URL)
    with own_system(admin_url, amqp_url, BENCH_ENV) as system:
        run(system.gateway_url, system.database_url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
