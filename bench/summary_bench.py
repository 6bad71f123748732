"""Summary benchmark: the workspace time-tracking summary over 1,000,000 time entries.

Creates a workspace with five projects through the gateway, then seeds N finished entries
of 200 people straight into timetracking's table (the API would take hours to write them
one by one; the rows are what the API itself writes: non-overlapping, in Europe/Berlin).
Times `GET /workspaces/{ws}/time-tracking/summary` through the gateway (by project, by
member, by day, totals) for the whole range and for one month, next to a plain SQL
`GROUP BY project_id` of the same rows run directly on the database, and prints the ratio.
"""

from __future__ import annotations

import statistics
import time
import uuid
from collections.abc import Callable

import httpx
import psycopg

from bench.seeding import owner_headers, wait_for

PEOPLE = 200
PROJECTS = 5
RUNS = 15
MONTH = ("2025-06-01", "2025-06-30")

# Entry k of person p starts k * 2 hours after the first one and lasts an hour: no two of a
# person's entries overlap, as the exclusion constraint demands.
SEED_ENTRIES = """
WITH people AS (
    SELECT p, gen_random_uuid() AS user_id FROM generate_series(1, %(people)s) AS p
), starts AS (
    SELECT people.p, people.user_id, k,
           timestamptz '2025-01-01 07:00:00+00' + (k * 2 + people.p %% 2) * interval '1 hour'
               AS at
    FROM people CROSS JOIN generate_series(1, %(per_person)s) AS k
)
INSERT INTO timetracking.time_entries
    (id, workspace_id, project_id, user_id, work_date, started_at, ended_at, duration_seconds,
     rounded_started_at, rounded_ended_at, rounded_duration_seconds, billable, source,
     timezone, sort_at, rounding_source)
SELECT gen_random_uuid(), %(workspace_id)s, (%(project_ids)s::uuid[])[1 + (p + k) %% 5],
       user_id, (at AT TIME ZONE 'Europe/Berlin')::date, at, at + interval '1 hour', 3600,
       at, at + interval '1 hour', 3600, k %% 3 = 0, 'manual', 'Europe/Berlin', at, 'workspace'
FROM starts
"""

PLAIN_GROUP_BY = """
SELECT project_id, SUM(duration_seconds)
FROM timetracking.time_entries
WHERE workspace_id = %(workspace_id)s {dates}
GROUP BY project_id
"""


def _p50_ms(run: Callable[[], object]) -> float:
    run()  # warm caches and plans
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        run()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def run(gateway_url: str, database_url: str, entries: int = 1_000_000) -> None:
    with httpx.Client(base_url=gateway_url, timeout=120) as client:
        headers = owner_headers(client)
        slug = f"bench-summary-{uuid.uuid4().hex[:8]}"
        created = client.post(
            "/api/v1/workspaces",
            json={"slug": slug, "name": "Bench", "settings": {"timezone": "Europe/Berlin"}},
            headers=headers,
        )
        created.raise_for_status()
        workspace_id = created.json()["id"]
        project_ids = []
        for number in range(PROJECTS):
            project = client.post(
                f"/api/v1/workspaces/{slug}/projects",
                json={"identifier": f"BS{chr(ord('A') + number)}", "name": f"Project {number}"},
                headers=headers,
            )
            project.raise_for_status()
            project_ids.append(project.json()["id"])
        summary_url = f"/api/v1/workspaces/{slug}/time-tracking/summary"
        wait_for(lambda: client.get(summary_url, headers=headers).status_code == 200)

        seed = {
            "workspace_id": workspace_id,
            "project_ids": project_ids,
            "people": PEOPLE,
            "per_person": entries // PEOPLE,
        }
        started = time.perf_counter()
        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute(SEED_ENTRIES, seed)
            conn.execute("VACUUM ANALYZE timetracking.time_entries")
        seeded_seconds = time.perf_counter() - started

        def api(params: dict[str, str]) -> Callable[[], object]:
            def call() -> object:
                response = client.get(summary_url, params=params, headers=headers)
                response.raise_for_status()
                return response.json()

            return call

        with psycopg.connect(database_url, autocommit=True) as conn:

            def plain(dates: str, params: dict[str, str]) -> Callable[[], object]:
                sql = PLAIN_GROUP_BY.format(dates=dates)
                values = {"workspace_id": workspace_id, **params}
                return lambda: conn.execute(sql, values).fetchall()

            month = {"from": MONTH[0], "to": MONTH[1]}
            figures = {
                "everything": (
                    _p50_ms(api({})),
                    _p50_ms(plain("", {})),
                ),
                "one month": (
                    _p50_ms(api(month)),
                    _p50_ms(
                        plain(
                            "AND work_date BETWEEN %(from)s AND %(to)s",
                            {"from": MONTH[0], "to": MONTH[1]},
                        )
                    ),
                ),
            }
    print(
        f"\nsummary benchmark: {entries:,} time entries of {PEOPLE} people in {PROJECTS} "
        f"projects (seeded in {seeded_seconds:.0f} s), p50 of {RUNS} runs"
    )
    print("| range      | summary API ms | plain GROUP BY ms | ratio |")
    print("|------------|----------------|-------------------|-------|")
    for name, (summary_ms, plain_ms) in figures.items():
        print(
            f"| {name:10} | {summary_ms:14.1f} | {plain_ms:17.1f} | {summary_ms / plain_ms:5.2f} |"
        )
