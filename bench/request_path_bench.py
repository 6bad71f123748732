"""The request path against its floor: what a request costs beyond its own SQL and JSON.

For the hot reads and writes — list 50 issues (each with two assignees and two labels), get
an issue, read a running timer, `GET /auth/me`, create an issue, the board, a page of 50
time entries, the week view, a project's report (4 weeks by user, then day), utilization,
create a time entry, create a worklog, a timer's start and stop — prints, side by side:

- the floor: the very SQL statements the endpoint runs (captured from the service's own
  engine while the app, built in this process with the service's settings, answers one
  such request), replayed in a loop on one psycopg connection in one transaction each,
  plus encoding the rows they return to JSON (pydantic-core's encoder);
- the endpoint: wrk at 16 connections against the service directly (one uvicorn worker,
  no gateway), requests/s and p50 / p99;
- their ratio. A shared VM's speed drifts by a third within minutes, so the two are
  measured in turn, `--pairs` times (floor, endpoint, floor, ...): the row gives the
  medians and the median of the pairs' ratios, with the lowest and highest ratio beside
  it. A write is measured once (its target is a rate, not a ratio): a second run of a
  stateful wrk script (the next free slot of an entry, a lap of timers) would start over
  and collide with the first's rows, and a floor replayed after the endpoint's issues with
  their ranks.

Replaying a create inserts new rows each time: ids minted by the captured request
(UUIDv7 newer than the capture) are replaced by fresh ones, and its issue number by the
next free one, so each replay commits a real issue like the endpoint does. A timed entry
is replayed a day earlier each round and a timer a day later (a running timer reaches to
infinity: each round's must start after the one before), every date and instant of its
statements moved alike, so that the user's entries never overlap; the captured timer's
user is not one of wrk's, whose timers run now.

wrk's writes succeed every time: each created time entry takes the next free 15-minute
slot (a counter in wrk's script), worklogs are durations on a day (nothing to collide).
A timer can be stopped only after a second's work, and a user has one at a time: the timer
row is 320 users of a workspace of their own taken in turn (a lap of starts, then a lap of
stops, ...), so a user's stop comes a lap (about 320 requests, seconds) after their start;
its floor replays a start and a stop, two transactions, and counts both.

For the point reads (get an issue, read the timer; their target is 1,000 requests/s, not a
share of the floor), a second table puts the endpoint beside its captured statements served
by a bare ASGI app (`bench.bare_asgi`: uvicorn, uvloop and httptools as the services run,
async psycopg, the same transaction per request, no framework, ORM or rule), wrk at the same
concurrency, in turn `--pairs` times: what this machine can do for that read over HTTP at
all, against what the stack does.

Needs wrk (`apt-get install wrk`). `make bench` runs it on its system
(`WORKSYNC_BENCH_ONLY=request-path`); alone it starts a system of its own:
`uv run python -m bench.request_path_bench [--duration S] [--only NAME[,NAME]]`.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import os
import re
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar
from urllib.parse import urlsplit

import httpx
import psycopg
from fastapi import FastAPI
from psycopg.rows import dict_row
from pydantic_core import to_json
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.bare_asgi import bare_server
from bench.own_system import own_system
from bench.request_path_load import (
    CONNECTIONS,
    Endpoint,
    entry_script,
    timer_script,
    wrk,
)
from bench.request_path_world import (
    CREATE_DAYS_AGO,
    ISSUES,
    WORKLOG_BODY,
    World,
    arrange,
    current_day,
    report_params,
    timed_entry_body,
    timer_body,
    utilization_params,
    week_day,
    worklogs_path,
)
from scripts.local_system import RunningSystem
from worksync.common.config import CommonSettings
from worksync.common.ids import new_id
from worksync.common.testing.clients import asgi_client
from worksync.common.testing.infra import (
    DEFAULT_AMQP_URL,
    DEFAULT_DATABASE_URL,
)
from worksync.identity.config import IdentitySettings
from worksync.identity.main import create_app as create_identity_app
from worksync.resources.config import ResourcesSettings
from worksync.resources.main import create_app as create_resources_app
from worksync.timetracking.config import TimetrackingSettings
from worksync.timetracking.main import create_app as create_timetracking_app
from worksync.work_items.config import WorkItemsSettings
from worksync.work_items.main import create_app as create_work_items_app

DURATION_SECONDS = 5
PAIRS = 3
ENTRIES_PAGE = 50
FLOOR_SECONDS = 3.0
TIMER_WORK_SECONDS = 1.1

Statement = tuple[str, Any]
Request = Callable[[httpx.AsyncClient], Awaitable[httpx.Response]]
S = TypeVar("S", bound=CommonSettings)

# The reads whose target is a rate (1,000/s), not a share of their floor.
POINT_READS = ("get an issue", "read the timer")

NAMES = (
    "list 50 issues",
    "get an issue",
    "read the timer",
    "/auth/me",
    "create an issue",
    "board",
    "list 50 entries",
    "week view",
    "report",
    "utilization",
    "create an entry",
    "create a worklog",
    "timer start+stop",
)


@dataclass(frozen=True)
class Replay:
    """A row's captured statements: each request one transaction, a round all of them."""

    requests: list[list[Statement]]
    creates: bool = False
    # A timed entry's dates and instants move by this many days more each round (a running
    # timer reaches to infinity: its rounds go forward, each after the one before).
    day_step: int = 0

    @property
    def statement_count(self) -> str:
        return "+".join(str(len(statements)) for statements in self.requests)


@contextmanager
def captured(engine: AsyncEngine) -> Iterator[list[Statement]]:
    """Every statement the engine sends (with its parameters) while the block runs."""
    statements: list[Statement] = []

    def record(*args: Any) -> None:
        _conn, _cursor, statement, parameters, _context, _many = args
        statements.append((statement, parameters))

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)


async def capture(
    app: FastAPI,
    requests: Sequence[Request],
    *,
    warm_up: Sequence[Request] | None = None,
    pause_seconds: float = 0.0,
) -> list[list[Statement]]:
    """The statements of each request as the app answers them, after a first, warming run
    (of `warm_up`, by default the same requests); `pause_seconds` between requests."""

    async with asgi_client(app) as client:
        for index, request in enumerate(warm_up if warm_up is not None else requests):
            await asyncio.sleep(pause_seconds if index else 0.0)
            (await request(client)).raise_for_status()
        captures = []
        for request in requests:
            await asyncio.sleep(pause_seconds)
            with captured(app.state.engine) as statements:
                (await request(client)).raise_for_status()
            captures.append(statements)
    return captures


def _fresh_ids(requests: list[list[Statement]], minted_after: int) -> list[list[Statement]]:
    """Placeholders instead of the ids the captured requests minted (UUIDv7 newer than
    `minted_after`, ms since the epoch), so that each replay inserts new rows; one id keeps
    one placeholder across the requests (a timer's start and its stop)."""
    minted: dict[uuid.UUID, str] = {}

    def swap(value: Any) -> Any:
        if isinstance(value, uuid.UUID) and value.version == 7 and value.int >> 80 >= minted_after:
            return minted.setdefault(value, f"id{len(minted)}")
        if isinstance(value, dict):
            return {key: swap(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return type(value)(swap(item) for item in value)
        return value

    return [
        [(statement, swap(parameters)) for statement, parameters in statements]
        for statements in requests
    ]


@dataclass(frozen=True)
class Round:
    """What one replay of a create binds instead of the captured request's own values."""

    number: int
    ids: dict[str, uuid.UUID]
    sequence_id: int | None
    days: int = 0

    def bind(self, parameters: Any) -> Any:
        if isinstance(parameters, str) and parameters in self.ids:
            return self.ids[parameters]
        # `datetime` is a `date`: an instant moves with its day. Open ends (`date.min`,
        # `date.max`) stay as they are.
        if isinstance(parameters, date) and self.days and 1900 < parameters.year < 3000:
            return parameters + timedelta(days=self.days)
        if isinstance(parameters, dict):
            return {key: self._value(key, value) for key, value in parameters.items()}
        if isinstance(parameters, list | tuple):
            return type(parameters)(self.bind(item) for item in parameters)
        return parameters

    def _value(self, key: str, value: Any) -> Any:
        # Unique in the project: the issue's number (the counter's answer this round) and
        # its board rank (the captured one, lengthened; still a valid rank after it).
        if key.startswith("sequence_id") and self.sequence_id is not None:
            return self.sequence_id
        if key.startswith("rank") and isinstance(value, str):
            return f"{value}{self.number:08d}1"
        return self.bind(value)


def floor(database_url: str, replay: Replay) -> float:
    """Requests/s of the statements alone, each request one transaction, rows encoded to
    JSON."""
    binds = replay.creates or replay.day_step != 0
    with psycopg.connect(database_url, row_factory=dict_row) as conn:
        rounds = 0
        requests = 0
        started = time.perf_counter()
        while time.perf_counter() - started < FLOOR_SECONDS:
            # Round 0 moves a day back too: the captured entry itself holds its own slot.
            bound = Round(rounds, {}, None, (rounds + 1) * replay.day_step)
            for statements in replay.requests:
                with conn.cursor() as cursor:
                    for statement, parameters in statements:
                        if replay.creates:
                            names = re.findall(r"'(id\d+)'", repr(parameters))
                            bound.ids.update(
                                {name: bound.ids.get(name) or new_id() for name in names}
                            )
                        cursor.execute(statement, bound.bind(parameters) if binds else parameters)
                        if cursor.description is not None:
                            rows = cursor.fetchall()
                            to_json(rows)
                            if replay.creates and rows and "last_sequence_id" in rows[0]:
                                bound = Round(
                                    rounds, bound.ids, rows[0]["last_sequence_id"], bound.days
                                )
                conn.commit()
                requests += 1
            rounds += 1
        return requests / (time.perf_counter() - started)


def _settings(system: RunningSystem, service: str, settings: S) -> S:
    """`settings` (read from the system's environment) as the service's API runs with them."""
    return settings.model_copy(
        update={
            "database_url": system.service_database_url(service),
            "jwks_url": f"{system.service_urls['identity']}/.well-known/jwks.json",
            "workspace_api_url": system.service_urls["workspace"],
        }
    )


def _get(url: str, headers: dict[str, str], params: dict[str, str] | None = None) -> Request:
    return lambda client: client.get(url, params=params, headers=headers)


def _post(url: str, headers: dict[str, str], body: dict[str, Any] | None = None) -> Request:
    return lambda client: client.post(url, json=body, headers=headers)


async def _capture_all(system: RunningSystem, world: World, only: set[str]) -> dict[str, Replay]:
    os.environ.update(system.env)
    apps = {
        "work-items": create_work_items_app(_settings(system, "work-items", WorkItemsSettings())),
        "identity": create_identity_app(_settings(system, "identity", IdentitySettings())),
        "timetracking": create_timetracking_app(
            _settings(system, "timetracking", TimetrackingSettings()).model_copy(
                update={"work_items_api_url": system.service_urls["work-items"]}
            )
        ),
        "resources": create_resources_app(_settings(system, "resources", ResourcesSettings())),
    }
    base, headers, ws = world.base, world.headers, f"/api/v1/workspaces/{world.slug}"
    reads: dict[str, tuple[str, Request]] = {
        "list 50 issues": ("work-items", _get(f"{base}/issues?limit={ISSUES}", headers)),
        "get an issue": ("work-items", _get(f"{base}/issues/{world.issue_ids[-1]}", headers)),
        "read the timer": (
            "timetracking",
            _get(f"/api/v1/workspaces/{world.timer_slug}/timer", world.timer_reader),
        ),
        "/auth/me": ("identity", _get("/api/v1/auth/me", headers)),
        "board": ("work-items", _get(f"{base}/boards/{world.board_id}", headers)),
        "list 50 entries": (
            "timetracking",
            _get(f"{ws}/time-entries?limit={ENTRIES_PAGE}", headers),
        ),
        "week view": ("timetracking", _get(f"{ws}/time-tracking/week?date={week_day()}", headers)),
        "report": (
            "timetracking",
            _get(f"{ws}/time-tracking/report", headers, report_params(world.project_id)),
        ),
        "utilization": ("resources", _get(f"{ws}/utilization", headers, utilization_params())),
    }
    replays = {
        name: Replay(await capture(apps[service], [request]))
        for name, (service, request) in reads.items()
        if name in only
    }
    minted_after = int(time.time() * 1000)
    body = {"title": "Captured", "description": "Something to do " * 8}
    creates: dict[str, tuple[str, Request]] = {
        "create an issue": ("work-items", _post(f"{base}/issues", headers, body)),
        "create a worklog": ("timetracking", _post(worklogs_path(world), headers, WORKLOG_BODY)),
    }
    for name, (service, request) in creates.items():
        if name in only:
            captures = await capture(apps[service], [request])
            replays[name] = Replay(_fresh_ids(captures, minted_after), creates=True)
    if "create an entry" in only:
        # The warm-up takes 10:00 of that day; the floor's replays take 09:00 of earlier days.
        day = current_day() - timedelta(days=CREATE_DAYS_AGO)
        entries = f"{ws}/time-entries"
        captures = await capture(
            apps["timetracking"],
            [_post(entries, headers, timed_entry_body(world, day, 9))],
            warm_up=[_post(entries, headers, timed_entry_body(world, day, 10))],
        )
        replays["create an entry"] = Replay(
            _fresh_ids(captures, minted_after), creates=True, day_step=-1
        )
    if "timer start+stop" in only:
        timer = f"/api/v1/workspaces/{world.timer_slug}/timer"
        user = world.timer_capturer
        pair = [_post(f"{timer}/start", user, timer_body(world)), _post(f"{timer}/stop", user)]
        captures = await capture(apps["timetracking"], pair, pause_seconds=TIMER_WORK_SECONDS)
        replays["timer start+stop"] = Replay(
            _fresh_ids(captures, minted_after), creates=True, day_step=1
        )
    return replays


def _endpoints(system: RunningSystem, world: World) -> dict[str, Endpoint]:
    work_items = system.service_urls["work-items"]
    timetracking = system.service_urls["timetracking"]
    base, headers, ws = world.base, world.headers, f"/api/v1/workspaces/{world.slug}"
    json_headers = {**headers, "Content-Type": "application/json"}
    body = b'{"title": "Benched", "description": "Something to do, something to do"}'
    last_issue = world.issue_ids[-1]
    report = httpx.QueryParams(report_params(world.project_id))
    utilization = httpx.QueryParams(utilization_params())
    first_slot = datetime.combine(
        current_day() - timedelta(days=CREATE_DAYS_AGO - 1), datetime.min.time(), UTC
    )
    entry_body = timed_entry_body(world, first_slot.date(), 0)
    timer = f"/api/v1/workspaces/{world.timer_slug}/timer"
    endpoints = [
        Endpoint("list 50 issues", "GET", f"{work_items}{base}/issues?limit={ISSUES}", headers),
        Endpoint("get an issue", "GET", f"{work_items}{base}/issues/{last_issue}", headers),
        Endpoint("read the timer", "GET", f"{timetracking}{timer}", dict(world.timer_reader)),
        Endpoint("/auth/me", "GET", f"{system.service_urls['identity']}/api/v1/auth/me", headers),
        Endpoint("create an issue", "POST", f"{work_items}{base}/issues", json_headers, body),
        Endpoint("board", "GET", f"{work_items}{base}/boards/{world.board_id}", headers),
        Endpoint(
            "list 50 entries",
            "GET",
            f"{timetracking}{ws}/time-entries?limit={ENTRIES_PAGE}",
            headers,
        ),
        Endpoint(
            "week view", "GET", f"{timetracking}{ws}/time-tracking/week?date={week_day()}", headers
        ),
        Endpoint("report", "GET", f"{timetracking}{ws}/time-tracking/report?{report}", headers),
        Endpoint(
            "utilization",
            "GET",
            f"{system.service_urls['resources']}{ws}/utilization?{utilization}",
            headers,
        ),
        Endpoint(
            "create an entry",
            "POST",
            f"{timetracking}{ws}/time-entries",
            json_headers,
            script=entry_script(f"{ws}/time-entries", first_slot, entry_body),
        ),
        Endpoint(
            "create a worklog",
            "POST",
            f"{timetracking}{worklogs_path(world)}",
            json_headers,
            json.dumps(WORKLOG_BODY).encode(),
        ),
        Endpoint(
            "timer start+stop",
            "POST",
            f"{timetracking}{timer}/start",
            json_headers,
            script=timer_script(timer, timer_body(world), world.timer_headers),
        ),
    ]
    return {endpoint.name: endpoint for endpoint in endpoints}


def run(
    system: RunningSystem,
    *,
    duration: int = DURATION_SECONDS,
    pairs: int = PAIRS,
    only: Sequence[str] = NAMES,
) -> None:
    chosen = set(only)
    world = arrange(system)
    _analyze(system.database_url)
    replays = asyncio.run(_capture_all(system, world, chosen))
    endpoints = _endpoints(system, world)
    print(
        f"\nrequest path: c={CONNECTIONS}, one uvicorn worker, direct, {duration} s runs, "
        f"floor and endpoint in turn {pairs} times (medians)"
    )
    print(f"load average before: {_load_average()}")
    print(f"postgres connections before: {_connections(system.database_url)}")
    print(
        f"{'endpoint':<17} {'SQL':>4} {'floor req/s':>12} {'endpoint req/s':>15} "
        f"{'p50 ms':>7} {'p99 ms':>7} {'ratio':>6} {'ratios':>10}"
    )
    for name in NAMES:
        if name not in chosen:
            continue
        replay, endpoint = replays[name], endpoints[name]
        measured = [
            (floor(system.database_url, replay), wrk(endpoint, duration))
            for _ in range(pairs if endpoint.method == "GET" else 1)
        ]
        floor_rate = statistics.median(rate for rate, _ in measured)
        ratios = sorted(load.requests_per_second / rate for rate, load in measured)
        load = sorted((load for _, load in measured), key=lambda run: run.requests_per_second)[
            len(measured) // 2
        ]
        failures = "; ".join(load.failures for _, load in measured if load.failures)
        print(
            f"{name:<17} {replay.statement_count:>4} {floor_rate:>12.0f} "
            f"{load.requests_per_second:>15.0f} {load.p50_ms:>7.2f} {load.p99_ms:>7.2f} "
            f"{statistics.median(ratios):>6.2f} {f'{ratios[0]:.2f}-{ratios[-1]:.2f}':>10}"
            f"{f'  ({failures})' if failures else ''}",
            flush=True,
        )
    ceiling(system, replays, endpoints, duration=duration, pairs=pairs, only=chosen)
    print(f"load average after: {_load_average()}")
    print(f"postgres connections after: {_connections(system.database_url)}")


def ceiling(
    system: RunningSystem,
    replays: dict[str, Replay],
    endpoints: dict[str, Endpoint],
    *,
    duration: int,
    pairs: int,
    only: set[str],
) -> None:
    """Each point read beside its statements served by a bare ASGI app (`bare_asgi`), in
    turn `pairs` times: the machine's ceiling for that read over HTTP, without the stack."""
    names = [name for name in POINT_READS if name in only]
    if not names:
        return
    print(
        f"\npoint reads without the stack: the same statements from a bare ASGI app "
        f"(uvicorn, uvloop, httptools, async psycopg), c={CONNECTIONS}, in turn {pairs} times"
    )
    print(f"{'endpoint':<17} {'endpoint req/s':>15} {'bare req/s':>11} {'ratio':>6}")
    for name in names:
        endpoint = endpoints[name]
        (statements,) = replays[name].requests
        with bare_server(system.database_url, statements) as bare_url:
            bare = dataclasses.replace(endpoint, url=bare_url + urlsplit(endpoint.url).path)
            measured = [(wrk(endpoint, duration), wrk(bare, duration)) for _ in range(pairs)]
        served = statistics.median(load.requests_per_second for load, _ in measured)
        bare_rate = statistics.median(load.requests_per_second for _, load in measured)
        failures = "; ".join(load.failures for pair in measured for load in pair if load.failures)
        print(
            f"{name:<17} {served:>15.0f} {bare_rate:>11.0f} {served / bare_rate:>6.2f}"
            f"{f'  ({failures})' if failures else ''}"
        )


def _analyze(database_url: str) -> None:
    """Statistics of the arranged tables, as autovacuum keeps them in production: a server
    run with it off (as the test machines' is) plans on guesses, which choose aggregates over
    a project's issues where an index holds the answer."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("ANALYZE")


def _connections(database_url: str) -> str:
    """Connections open on the (shared) server, of its limit: a service refused one answers
    503 `database_unavailable`."""
    with psycopg.connect(database_url) as conn:
        row = conn.execute(
            "SELECT count(*), current_setting('max_connections') FROM pg_stat_activity"
        ).fetchone()
    return "?" if row is None else f"{row[0]} of {row[1]}"


def _load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def _names(value: str) -> list[str]:
    names = [name.strip() for name in value.split(",") if name.strip()]
    unknown = [name for name in names if name not in NAMES]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown {unknown}; choose from {', '.join(NAMES)}")
    return names


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=DURATION_SECONDS)
    parser.add_argument(
        "--pairs", type=int, default=PAIRS, help="floor and endpoint measured in turn this often"
    )
    parser.add_argument("--repeat", type=int, default=1, help="measure this many times")
    parser.add_argument(
        "--only",
        type=_names,
        default=list(NAMES),
        metavar="NAME[,NAME]",
        help=f"these rows alone: {', '.join(NAMES)}",
    )
    return parser.parse_args()


def main() -> None:
    arguments = parse_arguments()
    admin_url = os.environ.get("WORKSYNC_TEST_DATABASE_URL", DEFAULT_DATABASE_URL)
    amqp_url = os.environ.get("WORKSYNC_TEST_AMQP_URL", DEFAULT_AMQP_URL)
    env = {"GATEWAY_RATE_LIMIT_ENABLED": "false", "WORKSYNC_LOG_LEVEL": "WARNING"}
    with own_system(admin_url, amqp_url, env) as system:
        for _ in range(arguments.repeat):
            run(system, duration=arguments.duration, pairs=arguments.pairs, only=arguments.only)


if __name__ == "__main__":
    main()
