"""Work-items benchmark: a board of 5,000 issues, 1,000 moves, an activity feed of 10,000.

Runs the work-items app in-process (httpx on its ASGI app, tokens from the kit's test
minter) on a database of its own, migrated to head and dropped afterwards. The workspace,
its members and the project come through the service's own handlers (the kit's
`DirectorySeeder`, as its worker fills the directory); the sixth state and the board through
the API; the issues and the activity rows straight into the tables (what the API writes,
without minutes of requests). Then it times, through the API:

- the board read (`GET …/boards/{id}`: six columns, each with its count and first page);
- sequential moves (`POST …/issues/{iid}/move`: a random card into a random other column,
  right before a random card there — a drag between two neighbours);
- an issue's activity feed, newest first, the first page and the last (pages of 100).

`--small` (or `WORKSYNC_BENCH_SMALL=1`) runs a tenth of everything, for a quick look.

Templates (`run_templates`) go through the gateway of a running system instead, as
`make bench` calls it: a 500-task template (ten phases of 50 tasks, each task depending on
the one before it: 490 dependencies) created `--template-runs` times, and applied as many
times to one project, each apply creating 510 issues, 490 "blocks" relations, 1,490
activity rows and 1,000 events. `--templates` starts a system of its own for that alone.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import psycopg

from bench.own_system import own_system
from bench.seeding import owner_headers, wait_for
from worksync.common.testing.clients import asgi_client
from worksync.common.testing.directory import DirectorySeeder
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
from worksync.work_items.boards import ranks
from worksync.work_items.config import WorkItemsSettings
from worksync.work_items.main import create_app
from worksync.work_items.messaging.handlers import HANDLERS
from worksync.work_items.testing import World, arrange_world

ALEMBIC_INI = Path(__file__).resolve().parents[1] / "services/work-items/alembic.ini"
PAGE_SIZE = 100
TEMPLATE_PHASES = 10
TEMPLATE_TASKS_PER_PHASE = 50
TEMPLATE_RUNS = 9

# Issue n sits in state n mod 6 (the project's states in their order), in rank order.
SEED_ISSUES = """
INSERT INTO work_items.issues
    (id, workspace_id, project_id, sequence_id, title, state_id, position, rank, created_by,
     created_at, updated_at, version)
SELECT gen_random_uuid(), %(workspace_id)s, %(project_id)s, n, 'Card ' || n,
       (%(state_ids)s::uuid[])[1 + n %% cardinality(%(state_ids)s::uuid[])], n * 1000.0,
       rank, %(created_by)s, now(), now(), 0
FROM unnest(%(ranks)s::text[]) WITH ORDINALITY AS ranked(rank, n)
"""

SEED_COUNTER = """
UPDATE work_items.issue_counters SET last_sequence_id = %(count)s
WHERE project_id = %(project_id)s
"""

# Entry n: the title changed from "v(n-1)" to "vn", a second after the one before.
SEED_ACTIVITY = """
INSERT INTO work_items.issue_activity
    (workspace_id, project_id, issue_id, actor_id, kind, field, old_value, new_value,
     occurred_at)
SELECT %(workspace_id)s, %(project_id)s, %(issue_id)s, %(actor_id)s, 'updated', 'title',
       to_jsonb('v' || (n - 1)), to_jsonb('v' || n),
       timestamptz '2026-01-01 09:00:00+00' + n * interval '1 second'
FROM generate_series(1, %(count)s) AS n
"""


def _percentiles(timings: list[float]) -> tuple[float, float]:
    """p50 and p99 in milliseconds."""
    cuts = statistics.quantiles(timings, n=100, method="inclusive")
    return statistics.median(timings), cuts[98]


async def _timed(call: Callable[[], Awaitable[httpx.Response]]) -> float:
    started = time.perf_counter()
    response = await call()
    elapsed = (time.perf_counter() - started) * 1000
    response.raise_for_status()
    return elapsed


async def _repeat(call: Callable[[], Awaitable[httpx.Response]], runs: int) -> list[float]:
    await _timed(call)  # warm caches and plans
    return [await _timed(call) for _ in range(runs)]


async def _arrange_board(client: httpx.AsyncClient, world: World) -> dict[str, Any]:
    """A sixth state ("In Review") and a board with one column per state."""
    admin = world.admin.headers
    response = await client.post(
        world.url("/states"), json={"name": "In Review", "group": "started"}, headers=admin
    )
    response.raise_for_status()
    response = await client.post(world.url("/boards"), json={"name": "Bench"}, headers=admin)
    response.raise_for_status()
    board: dict[str, Any] = response.json()
    return board


def _seed(database_url: str, world: World, board: dict[str, Any], issues: int) -> list[str]:
    """Issues spread over the board's states; the state ids in column order."""
    state_ids = [column["state_ids"][0] for column in board["columns"]]
    ids = {"workspace_id": world.workspace.id, "project_id": world.project.id}
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(
            SEED_ISSUES,
            {
                **ids,
                "state_ids": state_ids,
                "ranks": ranks.spread(issues),
                "created_by": world.member.id,
            },
        )
        conn.execute(SEED_COUNTER, {**ids, "count": issues})
        conn.execute("VACUUM ANALYZE work_items.issues")
    return state_ids


def _seed_activity(database_url: str, world: World, issue_id: str, entries: int) -> None:
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(
            SEED_ACTIVITY,
            {
                "workspace_id": world.workspace.id,
                "project_id": world.project.id,
                "issue_id": issue_id,
                "actor_id": world.member.id,
                "count": entries,
            },
        )
        conn.execute("VACUUM ANALYZE work_items.issue_activity")


def _cards_by_column(database_url: str, world: World, state_ids: list[str]) -> list[list[str]]:
    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "SELECT id::text, state_id::text FROM work_items.issues WHERE project_id = %s",
            (world.project.id,),
        ).fetchall()
    columns: list[list[str]] = [[] for _ in state_ids]
    for issue_id, state_id in rows:
        columns[state_ids.index(state_id)].append(issue_id)
    return columns


async def _moves(
    client: httpx.AsyncClient,
    world: World,
    board: dict[str, Any],
    columns: list[list[str]],
    count: int,
) -> list[float]:
    """`count` drags, one after another: a random card before a random card of another
    column (a column left empty takes the card last)."""
    chooser = random.Random(10)
    column_ids = [column["id"] for column in board["columns"]]
    timings = []
    for _ in range(count):
        source = chooser.choice([index for index, cards in enumerate(columns) if cards])
        target = chooser.choice([index for index in range(len(columns)) if index != source])
        card = columns[source].pop(chooser.randrange(len(columns[source])))
        body: dict[str, str] = {"column_id": column_ids[target]}
        if columns[target]:
            body["before_id"] = chooser.choice(columns[target])
        move = partial(
            client.post,
            world.url(f"/issues/{card}/move"),
            json=body,
            headers=world.member.headers,
        )
        timings.append(await _timed(move))
        columns[target].append(card)
    return timings


async def _last_page_cursor(client: httpx.AsyncClient, url: str, headers: dict[str, str]) -> str:
    """Walk the feed to its last page; that page's cursor."""
    cursor: str | None = None
    last = ""
    while True:
        params: dict[str, str | int] = {"limit": PAGE_SIZE}
        if cursor:
            params["cursor"] = cursor
        response = await client.get(url, params=params, headers=headers)
        response.raise_for_status()
        if cursor:
            last = cursor
        cursor = response.json()["next_cursor"]
        if cursor is None:
            return last


async def _bench(database_url: str, amqp_url: str, small: bool) -> None:
    issues, moves, activity = (500, 100, 1_000) if small else (5_000, 1_000, 10_000)
    reads = 50 if small else 200
    feed_reads = 20 if small else 100
    minter = TokenMinter()
    settings = build_test_settings(WorkItemsSettings, database_url, amqp_url)
    app = create_app(settings)
    async with asgi_client(app) as client:
        app.state.token_verifier = minter.verifier()
        world = await arrange_world(DirectorySeeder(HANDLERS, app.state.sessionmaker, minter))
        board = await _arrange_board(client, world)
        started = time.perf_counter()
        state_ids = _seed(database_url, world, board, issues)
        seeded_seconds = time.perf_counter() - started
        headers = world.member.headers

        board_url = world.url(f"/boards/{board['id']}")
        shown = (await client.get(board_url, headers=headers)).json()
        page = len(shown["columns"][0]["cards"])
        board_reads = await _repeat(lambda: client.get(board_url, headers=headers), reads)

        columns = _cards_by_column(database_url, world, state_ids)
        move_timings = await _moves(client, world, board, columns, moves)

        feed_issue = columns[0][0] if columns[0] else columns[1][0]
        _seed_activity(database_url, world, feed_issue, activity)
        feed_url = world.url(f"/issues/{feed_issue}/activity")
        last_cursor = await _last_page_cursor(client, feed_url, headers)
        first_page = await _repeat(
            lambda: client.get(feed_url, params={"limit": PAGE_SIZE}, headers=headers),
            feed_reads,
        )
        last_page = await _repeat(
            lambda: client.get(
                feed_url, params={"limit": PAGE_SIZE, "cursor": last_cursor}, headers=headers
            ),
            feed_reads,
        )

    print(
        f"\nwork-items benchmark: {issues:,} issues in {len(state_ids)} columns "
        f"(seeded in {seeded_seconds:.1f} s), in-process ASGI client"
    )
    print("| figure | runs | p50 ms | p99 ms |")
    print("|---|---|---|---|")
    rows = [
        (f"board read ({len(state_ids)} columns, first {page} cards each)", board_reads),
        ("sequential move between two neighbours", move_timings),
        (f"activity of an issue with {activity:,} entries, first page of {PAGE_SIZE}", first_page),
        (f"activity of an issue with {activity:,} entries, last page", last_page),
    ]
    for name, timings in rows:
        p50, p99 = _percentiles(timings)
        print(f"| {name} | {len(timings)} | {p50:.1f} | {p99:.1f} |")
    first_p50, last_p50 = statistics.median(first_page), statistics.median(last_page)
    print(f"activity last page / first page (p50): {last_p50 / first_p50:.2f} (flat: about 1)")


def run(
    admin_url: str = DEFAULT_DATABASE_URL, amqp_url: str = DEFAULT_AMQP_URL, *, small: bool = False
) -> None:
    """The benchmark on a fresh database of its own, dropped afterwards."""
    name = unique_name("bench_work_items")
    database_url = create_database(admin_url, name)
    try:
        upgrade_to_head(ALEMBIC_INI, database_url)
        asyncio.run(_bench(database_url, amqp_url, small))
    finally:
        drop_database(admin_url, name)


def template_phases() -> list[dict[str, Any]]:
    """Ten phases of 50 tasks, each task waiting for the one before it in its phase: 500
    tasks and 490 dependencies (the service's test of a 500-task template)."""
    return [
        {
            "title": f"Phase {phase}",
            "tasks": [
                {
                    "key": f"t{phase}-{task}",
                    "title": f"Task {task} of phase {phase}",
                    "estimate_minutes": 60,
                    "depends_on": [f"t{phase}-{task - 1}"] if task else [],
                }
                for task in range(TEMPLATE_TASKS_PER_PHASE)
            ],
        }
        for phase in range(TEMPLATE_PHASES)
    ]


# Events of the last apply not yet published, and issue events time tracking and resources
# have consumed (each keeps a projection of issues).
BACKLOG = """
SELECT (SELECT count(*) FROM work_items.outbox WHERE published_at IS NULL),
       (SELECT count(*) FROM timetracking.inbox WHERE event_type = 'workitems.issue.created'),
       (SELECT count(*) FROM resources.inbox WHERE event_type = 'workitems.issue.created')
"""


def _backlog(conn: psycopg.Connection[tuple[Any, ...]]) -> tuple[int, int, int]:
    unpublished, timetracking, resources = conn.execute(BACKLOG).fetchone() or (0, 0, 0)
    return int(unpublished), int(timetracking), int(resources)


def _settle(conn: psycopg.Connection[tuple[Any, ...]], settled: tuple[int, int, int]) -> None:
    wait_for(lambda: _backlog(conn) == settled)


def _timed_post(
    client: httpx.Client, url: str, body: dict[str, Any], headers: dict[str, str]
) -> tuple[float, dict[str, Any]]:
    started = time.perf_counter()
    response = client.post(url, json=body, headers=headers)
    elapsed = (time.perf_counter() - started) * 1000
    response.raise_for_status()
    answer: dict[str, Any] = response.json()
    return elapsed, answer


def run_templates(gateway_url: str, database_url: str, runs: int = TEMPLATE_RUNS) -> None:
    """Create and apply a 500-task template through the gateway, `runs` times each after
    one untimed run; prints p50 and the slowest."""
    phases = template_phases()
    with (
        httpx.Client(base_url=gateway_url, timeout=120) as client,
        psycopg.connect(database_url, autocommit=True) as conn,
    ):
        headers = owner_headers(client)
        slug = f"bench-templates-{uuid.uuid4().hex[:8]}"
        client.post(
            "/api/v1/workspaces", json={"slug": slug, "name": "Bench"}, headers=headers
        ).raise_for_status()
        project = client.post(
            f"/api/v1/workspaces/{slug}/projects",
            json={"identifier": "TPL", "name": "Templates"},
            headers=headers,
        )
        project.raise_for_status()
        project_id = project.json()["id"]
        issues_url = f"/api/v1/workspaces/{slug}/projects/{project_id}/issues"
        wait_for(lambda: client.get(issues_url, headers=headers).status_code == 200)
        templates_url = f"/api/v1/workspaces/{slug}/templates"
        _, timetracking_before, resources_before = _backlog(conn)
        created = 0
        creates: list[float] = []
        applies: list[float] = []
        for run in range(runs + 1):
            body = {"name": f"Big {run}", "phases": phases}
            create_ms, template = _timed_post(client, templates_url, body, headers)
            apply_url = f"{templates_url}/{template['id']}/apply"
            apply_ms, applied = _timed_post(client, apply_url, {"project_id": project_id}, headers)
            # The next run starts once this one's 1,000 events are published and consumed:
            # each times the requests, not the relay and consumers of the run before.
            created += len(applied["issues"])
            _settle(conn, (0, timetracking_before + created, resources_before + created))
            if run == 0:
                # What autovacuum does on a live system: statistics for the tables that were
                # empty, so that no cached plan (the foreign key checks') stays the one
                # chosen for an empty table, a sequential scan that grows with every run.
                conn.execute("ANALYZE")
                continue
            creates.append(create_ms)
            applies.append(apply_ms)
    tasks = TEMPLATE_PHASES * TEMPLATE_TASKS_PER_PHASE
    print(
        f"\nwork-items templates through the gateway: {tasks} tasks in {TEMPLATE_PHASES} "
        f"phases, {applied['relation_count']} dependencies; each apply creates "
        f"{len(applied['issues'])} issues in one project"
    )
    print("| figure | runs | p50 ms | slowest ms |")
    print("|---|---|---|---|")
    for name, timings in (
        (f"create a template of {tasks} tasks", creates),
        (f"apply it ({len(applied['issues'])} issues, relations, activity, events)", applies),
    ):
        p50, slowest = statistics.median(timings), max(timings)
        print(f"| {name} | {len(timings)} | {p50:.0f} | {slowest:.0f} |")


def templates_main(admin_url: str, amqp_url: str, runs: int) -> None:
    """`run_templates` on a system of its own, on a fresh database (as `make bench`)."""
    from bench.run import BENCH_ENV  # here: bench.run imports this module

    with own_system(admin_url, amqp_url, BENCH_ENV) as system:
        run_templates(system.gateway_url, system.database_url, runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--small", action="store_true", default=bool(os.environ.get("WORKSYNC_BENCH_SMALL"))
    )
    parser.add_argument(
        "--templates",
        action="store_true",
        help="only the template figures, through the gateway of a system started for them",
    )
    parser.add_argument("--template-runs", type=int, default=TEMPLATE_RUNS)
    arguments = parser.parse_args()
    admin_url = os.environ.get("WORKSYNC_TEST_DATABASE_URL", DEFAULT_DATABASE_URL)
    amqp_url = os.environ.get("WORKSYNC_TEST_AMQP_URL", DEFAULT_AMQP_URL)
    if arguments.templates:
        templates_main(admin_url, amqp_url, arguments.template_runs)
    else:
        run(admin_url, amqp_url, small=arguments.small)


if __name__ == "__main__":
    main()
