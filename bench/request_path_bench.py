"""The request path against its floor: what a request costs beyond its own SQL and JSON.

For the hot reads and writes — list 50 issues (each with two assignees and two labels), get
an issue, `GET /auth/me`, create an issue, the board, a page of 50 time entries, the week
view, a project's report (4 weeks by user, then day), utilization, create a time entry,
create a worklog, a timer's start and stop — prints, side by side:

- the floor: the very SQL statements the endpoint runs (captured from the service's own
  engine while the app, built in this process with the service's settings, answers one
  such request), replayed in a loop on one psycopg connection in one transaction each,
  plus encoding the rows they return to JSON (pydantic-core's encoder);
- the endpoint: wrk at 16 connections against the service directly (one uvicorn worker,
  no gateway), requests/s and p50 / p99;
- their ratio.

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

Needs wrk (`apt-get install wrk`). `make bench` runs it on its system
(`WORKSYNC_BENCH_ONLY=request-path`); alone it starts a system of its own:
`uv run python -m bench.request_path_bench [--duration S] [--only NAME[,NAME]]`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import subprocess
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar

import httpx
import psycopg
from fastapi import FastAPI
from psycopg.rows import dict_row
from pydantic_core import to_json
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.seeding import WAIT_LIMIT_SECONDS, member_headers, owner_headers, wait_for
from scripts.local_system import RunningSystem, running_system
from worksync.common.config import CommonSettings
from worksync.common.ids import new_id
from worksync.common.testing.clients import asgi_client
from worksync.common.testing.infra import (
    DEFAULT_AMQP_URL,
    DEFAULT_DATABASE_URL,
    create_database,
    delete_amqp_objects,
    drop_database,
    unique_name,
)
from worksync.identity.config import IdentitySettings
from worksync.identity.main import create_app as create_identity_app
from worksync.resources.config import ResourcesSettings
from worksync.resources.main import create_app as create_resources_app
from worksync.timetracking.config import TimetrackingSettings
from worksync.timetracking.main import create_app as create_timetracking_app
from worksync.work_items.config import WorkItemsSettings
from worksync.work_items.main import create_app as create_work_items_app

CONNECTIONS = 16
DURATION_SECONDS = 8
ISSUES = 50
ENTRIES_PAGE = 50
FLOOR_SECONDS = 3.0
# Arranged time: three entries a weekday for each of two members over the last three weeks.
ENTRY_DAYS = 21
ENTRY_SLOTS = ((9, 0, 11, 0), (11, 0, 12, 30), (13, 30, 17, 0))
REPORT_DAYS = 28
# Created entries go far enough back to miss the arranged weeks: the captured one (and the
# floor's replays, a day earlier each) on CREATE_DAYS_AGO, wrk's from the day after on.
CREATE_DAYS_AGO = 60
SLOT_SECONDS = 15 * 60
# A stop needs a second's work: a lap of this many users lasts seconds at these rates (at
# 160, a lap of one of wrk's two threads took 1.5 s at 107 pairs/s, and one stop came early).
TIMER_USERS = 320
TIMER_WORK_SECONDS = 1.1
REGISTRATIONS_AT_ONCE = 4
# A wrk report's latency distribution: "  50%  1.23ms".
_PERCENTILE = re.compile(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)
_REQUESTS = re.compile(r"^Requests/sec:\s+([\d.]+)", re.MULTILINE)
_NON_2XX = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
_SOCKET_ERRORS = re.compile(r"Socket errors: (.*)")
_REFUSED = re.compile(r"^refused: (\d+) (.*)$", re.MULTILINE)
_CODE = re.compile(r'"code":\s*"(\w+)"')
_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}
_TIMESTAMP = "%Y-%m-%dT%H:%M:%SZ"

Statement = tuple[str, Any]
Request = Callable[[httpx.AsyncClient], Awaitable[httpx.Response]]
S = TypeVar("S", bound=CommonSettings)

NAMES = (
    "list 50 issues",
    "get an issue",
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
class Endpoint:
    name: str
    method: str
    url: str
    headers: dict[str, str]
    body: bytes | None = None
    # Lua appended to wrk's script: a `request()` that varies each request.
    script: str = ""


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


@dataclass(frozen=True)
class Load:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    failures: str


@dataclass(frozen=True)
class World:
    """What `_arrange` made: the owner's headers, their workspace and project, its issues
    and board; the timer workspace, its project, the user of its captured timer and the
    headers of wrk's timer users."""

    headers: dict[str, str]
    slug: str
    project_id: str
    issue_ids: list[str]
    board_id: str
    timer_slug: str
    timer_project_id: str
    # The captured timer's user stays out of wrk's: its floor's timers run into the future.
    timer_capturer: dict[str, str] = field(repr=False)
    timer_headers: list[dict[str, str]] = field(repr=False)

    @property
    def base(self) -> str:
        return f"/api/v1/workspaces/{self.slug}/projects/{self.project_id}"


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


def wrk(endpoint: Endpoint, duration: int) -> Load:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        body = "nil" if endpoint.body is None else _lua_string(endpoint.body.decode())
        script.write(f'wrk.method = "{endpoint.method}"\n')
        script.write(f"wrk.body = {body}\n")
        for name, value in endpoint.headers.items():
            script.write(f'wrk.headers["{name}"] = "{value}"\n')
        script.write(endpoint.script)
        script.write(_REPORT_REFUSALS)
    try:
        command = [
            "wrk",
            "-t2",
            f"-c{CONNECTIONS}",
            f"-d{duration}s",
            "--latency",
            "-s",
            script.name,
            endpoint.url,
        ]
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(script.name)
    percentiles = {
        found.group(1): float(found.group(2)) * _UNIT_MS[found.group(3)]
        for found in _PERCENTILE.finditer(output)
    }
    failures = [
        *(f"{n} non-2xx" for n in _NON_2XX.findall(output)),
        *(f"socket errors {s}" for s in _SOCKET_ERRORS.findall(output)),
    ]
    if failures and (refused := _REFUSED.search(output)):
        code = _CODE.search(refused.group(2))
        failures.append(f"first: {refused.group(1)} {code.group(1) if code else refused.group(2)}")
    requests = _REQUESTS.search(output)
    return Load(
        requests_per_second=float(requests.group(1)) if requests else 0.0,
        p50_ms=percentiles.get("50", float("nan")),
        p99_ms=percentiles.get("99", float("nan")),
        failures=", ".join(failures),
    )


def _lua_string(value: str) -> str:
    """A Lua string literal (JSON's escapes are Lua's for what we send)."""
    return json.dumps(value)


# The first refusals of each of wrk's threads, so that a failure says what it was.
_REPORT_REFUSALS = """
local refusals = 0
function response(status, headers, body)
  if status >= 300 and refusals < 2 then
    refusals = refusals + 1
    io.write("refused: ", status, " ", string.sub(body or "", 1, 200), "\\n")
  end
end
"""


# Each of wrk's threads learns its index (0, 1), so that the threads' counters never meet.
# wrk asks the first thread's script for one request to check it and never sends it: that
# one (`unsent`) takes no turn, or the first user's start would be missing.
_THREAD_INDEX = """
local next_index = 0
function setup(thread)
  thread:set("index", next_index)
  thread:set("unsent", next_index == 0)
  next_index = next_index + 1
end
local counter = 0
function checked()
  if unsent then
    unsent = false
    return wrk.format()
  end
end
"""


def _entry_script(path: str, first_slot: datetime, body: dict[str, Any]) -> str:
    """wrk's script for creating entries: request n of thread i takes 15-minute slot
    2n + i from `first_slot` on, so that no two overlap."""
    template = json.dumps({**body, "started_at": "%s", "ended_at": "%s"})
    return _THREAD_INDEX + (
        f"local first = {int(first_slot.timestamp())}\n"
        f"local template = {_lua_string(template)}\n"
        f"local path = {_lua_string(path)}\n"
        "function request()\n"
        "  local check = checked()\n"
        "  if check then return check end\n"
        f"  local started = first + (counter * 2 + index) * {SLOT_SECONDS}\n"
        "  counter = counter + 1\n"
        f'  local started_at = os.date("!{_TIMESTAMP}", started)\n'
        f'  local ended_at = os.date("!{_TIMESTAMP}", started + {SLOT_SECONDS})\n'
        "  local body = string.format(template, started_at, ended_at)\n"
        '  return wrk.format("POST", path, nil, body)\n'
        "end\n"
    )


def _timer_script(base: str, body: dict[str, Any], headers: list[dict[str, str]]) -> str:
    """wrk's script for timers: each thread takes its half of the users in turn, a lap of
    starts, then a lap of stops, so that a stop comes a lap after its user's start."""
    tokens = ", ".join(_lua_string(header["Authorization"]) for header in headers)
    return _THREAD_INDEX + (
        f"local tokens = {{{tokens}}}\n"
        f"local start_path = {_lua_string(base + '/start')}\n"
        f"local stop_path = {_lua_string(base + '/stop')}\n"
        f"local start_body = {_lua_string(json.dumps(body))}\n"
        "function request()\n"
        "  local check = checked()\n"
        "  if check then return check end\n"
        "  local half = #tokens / 2\n"
        "  local user = index * half + counter % half + 1\n"
        "  local lap = math.floor(counter / half)\n"
        "  counter = counter + 1\n"
        '  local headers = {["Authorization"] = tokens[user],'
        ' ["Content-Type"] = "application/json"}\n'
        "  if lap % 2 == 0 then\n"
        '    return wrk.format("POST", start_path, headers, start_body)\n'
        "  end\n"
        '  return wrk.format("POST", stop_path, headers, nil)\n'
        "end\n"
    )


def _settings(system: RunningSystem, service: str, settings: S) -> S:
    """`settings` (read from the system's environment) as the service's API runs with them."""
    return settings.model_copy(
        update={
            "database_url": system.service_database_url(service),
            "jwks_url": f"{system.service_urls['identity']}/.well-known/jwks.json",
            "workspace_api_url": system.service_urls["workspace"],
        }
    )


def _today() -> date:
    return datetime.now(UTC).date()


def _at(day: date, hour: int, minute: int) -> str:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC).strftime(_TIMESTAMP)


def _arrange(system: RunningSystem) -> World:
    """An owner with a second member; a project with two labels, 50 issues over its states,
    each with both members assigned and both labels, and a board; three entries a weekday
    for each member over three weeks, and an allocation each; a timer workspace of its own."""
    with httpx.Client(base_url=system.gateway_url, timeout=30.0) as client:
        headers = owner_headers(client)
        slug = f"bench-path-{uuid.uuid4().hex[:8]}"
        client.post(
            "/api/v1/workspaces", json={"slug": slug, "name": "Bench"}, headers=headers
        ).raise_for_status()
        other = owner_headers(client)
        other_id = client.get("/api/v1/auth/me", headers=other).json()["id"]
        owner_id = client.get("/api/v1/auth/me", headers=headers).json()["id"]
        client.post(
            f"/api/v1/workspaces/{slug}/members", json={"user_id": other_id}, headers=headers
        ).raise_for_status()
        project = client.post(
            f"/api/v1/workspaces/{slug}/projects",
            json={"identifier": "RP", "name": "Request path"},
            headers=headers,
        )
        project.raise_for_status()
        project_id = project.json()["id"]
        base = f"/api/v1/workspaces/{slug}/projects/{project_id}"
        wait_for(lambda: client.get(f"{base}/labels", headers=headers).status_code == 200)
        labels = [
            client.post(f"{base}/labels", json={"name": name}, headers=headers).json()["id"]
            for name in ("bug", "backend")
        ]
        states = client.get(f"{base}/states", headers=headers).json()["items"]
        issue_ids = []
        for n in range(ISSUES):
            created = client.post(
                f"{base}/issues",
                json={
                    "title": f"Issue {n}",
                    "description": "Something to do " * 8,
                    "assignee_ids": [owner_id, other_id],
                    "label_ids": labels,
                    "state_id": states[n % len(states)]["id"],
                },
                headers=headers,
            )
            created.raise_for_status()
            issue_ids.append(created.json()["id"])
        board = client.post(f"{base}/boards", json={"name": "Sprint board"}, headers=headers)
        board.raise_for_status()
        _arrange_time(client, headers, slug, project_id, [owner_id, other_id], issue_ids)
        timer_slug, timer_project_id = _workspace_with_project(client, headers, "TM")
    timer_headers = asyncio.run(_timer_users(system, headers, timer_slug))
    return World(
        headers=headers,
        slug=slug,
        project_id=project_id,
        issue_ids=issue_ids,
        board_id=board.json()["id"],
        timer_slug=timer_slug,
        timer_project_id=timer_project_id,
        timer_capturer=timer_headers[0],
        timer_headers=timer_headers[1:],
    )


def _arrange_time(
    client: httpx.Client,
    headers: dict[str, str],
    slug: str,
    project_id: str,
    user_ids: list[str],
    issue_ids: list[str],
) -> None:
    """Entries (through the gateway, the owner logging for both), an allocation each, and
    the wait until resources has heard of every entry."""
    today = _today()
    days = [today - timedelta(days=n) for n in range(1, ENTRY_DAYS + 1)]
    workdays = [day for day in days if day.weekday() < 5]
    logged_hours = 0.0
    for number, (day, user_id, slot) in enumerate(
        (day, user_id, slot) for day in workdays for user_id in user_ids for slot in ENTRY_SLOTS
    ):
        start_hour, start_minute, end_hour, end_minute = slot
        client.post(
            f"/api/v1/workspaces/{slug}/time-entries",
            json={
                "project_id": project_id,
                "issue_id": issue_ids[number % len(issue_ids)],
                "user_id": user_id,
                "description": "Worked on it",
                "started_at": _at(day, start_hour, start_minute),
                "ended_at": _at(day, end_hour, end_minute),
            },
            headers=headers,
        ).raise_for_status()
        logged_hours += end_hour - start_hour + (end_minute - start_minute) / 60
    allocations = f"/api/v1/workspaces/{slug}/allocations"
    for user_id in user_ids:
        allocation = {
            "user_id": user_id,
            "project_id": project_id,
            "hours_per_week": 20,
            "start_date": (today - timedelta(days=REPORT_DAYS)).isoformat(),
            "end_date": (today + timedelta(days=REPORT_DAYS)).isoformat(),
        }

        # Resources learns of the member from an event: refused until then.
        def allocated(body: dict[str, Any] = allocation) -> bool:
            return client.post(allocations, json=body, headers=headers).status_code == 201

        wait_for(allocated)
    params = _utilization_params()

    def actuals_arrived() -> bool:
        answer = client.get(
            f"/api/v1/workspaces/{slug}/utilization", params=params, headers=headers
        )
        if answer.status_code != 200:
            return False
        hours = sum(float(item["actual_hours"]) for item in answer.json()["items"])
        return hours >= logged_hours - 0.01

    wait_for(actuals_arrived)


def _workspace_with_project(
    client: httpx.Client, headers: dict[str, str], identifier: str
) -> tuple[str, str]:
    slug = f"bench-timer-{uuid.uuid4().hex[:8]}"
    client.post(
        "/api/v1/workspaces", json={"slug": slug, "name": "Bench timers"}, headers=headers
    ).raise_for_status()
    project = client.post(
        f"/api/v1/workspaces/{slug}/projects",
        json={"identifier": identifier, "name": "Timers"},
        headers=headers,
    )
    project.raise_for_status()
    return slug, project.json()["id"]


async def _timer_users(
    system: RunningSystem, owner: dict[str, str], slug: str
) -> list[dict[str, str]]:
    """TIMER_USERS + 1 members of the timer workspace (registered straight at identity), each
    known to timetracking (their timer answers `no_running_timer`)."""
    at_once = asyncio.Semaphore(REGISTRATIONS_AT_ONCE)
    identity = system.service_urls["identity"]
    members = f"{system.gateway_url}/api/v1/workspaces/{slug}/members"
    timer_url = f"{system.service_urls['timetracking']}/api/v1/workspaces/{slug}/timer"
    async with httpx.AsyncClient(timeout=60.0) as client:

        async def one() -> dict[str, str]:
            async with at_once:
                headers = await member_headers(client, identity)
                me = await client.get(f"{identity}/api/v1/auth/me", headers=headers)
            body = {"user_id": me.json()["id"]}
            # The workspace service learns of the user from identity's event: until then the
            # user is `user_not_found`.
            deadline = time.monotonic() + WAIT_LIMIT_SECONDS
            added = await client.post(members, json=body, headers=owner)
            while added.status_code == 404 and time.monotonic() < deadline:
                await asyncio.sleep(0.2)
                added = await client.post(members, json=body, headers=owner)
            added.raise_for_status()
            answer = await client.get(timer_url, headers=headers)
            if answer.json().get("code") != "no_running_timer":
                raise RuntimeError(f"timer answered {answer.status_code}: {answer.text}")
            return headers

        return list(await asyncio.gather(*(one() for _ in range(TIMER_USERS + 1))))


def _utilization_params() -> dict[str, str]:
    today = _today()
    return {
        "from": (today - timedelta(days=REPORT_DAYS - 1)).isoformat(),
        "to": today.isoformat(),
        "granularity": "week",
    }


def _report_params(project_id: str) -> dict[str, str]:
    today = _today()
    return {
        "group_by": "user",
        "then_by": "day",
        "project_id": project_id,
        "from": (today - timedelta(days=REPORT_DAYS - 1)).isoformat(),
        "to": today.isoformat(),
    }


def _week_day() -> str:
    """A day of last week: a whole week of entries."""
    return (_today() - timedelta(days=7)).isoformat()


def _entry_body(world: World, day: date, hour: int) -> dict[str, Any]:
    return {
        "project_id": world.project_id,
        "issue_id": world.issue_ids[0],
        "description": "Benched",
        "started_at": _at(day, hour, 0),
        "ended_at": _at(day, hour, 15),
    }


WORKLOG_BODY = {"duration_minutes": 30, "description": "Benched"}


def _worklogs_path(world: World) -> str:
    return f"{world.base}/issues/{world.issue_ids[1]}/worklogs"


def _timer_body(world: World) -> dict[str, Any]:
    return {"project_id": world.timer_project_id, "description": "Benched"}


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
        "/auth/me": ("identity", _get("/api/v1/auth/me", headers)),
        "board": ("work-items", _get(f"{base}/boards/{world.board_id}", headers)),
        "list 50 entries": (
            "timetracking",
            _get(f"{ws}/time-entries?limit={ENTRIES_PAGE}", headers),
        ),
        "week view": ("timetracking", _get(f"{ws}/time-tracking/week?date={_week_day()}", headers)),
        "report": (
            "timetracking",
            _get(f"{ws}/time-tracking/report", headers, _report_params(world.project_id)),
        ),
        "utilization": ("resources", _get(f"{ws}/utilization", headers, _utilization_params())),
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
        "create a worklog": ("timetracking", _post(_worklogs_path(world), headers, WORKLOG_BODY)),
    }
    for name, (service, request) in creates.items():
        if name in only:
            captures = await capture(apps[service], [request])
            replays[name] = Replay(_fresh_ids(captures, minted_after), creates=True)
    if "create an entry" in only:
        # The warm-up takes 10:00 of that day; the floor's replays take 09:00 of earlier days.
        day = _today() - timedelta(days=CREATE_DAYS_AGO)
        entries = f"{ws}/time-entries"
        captures = await capture(
            apps["timetracking"],
            [_post(entries, headers, _entry_body(world, day, 9))],
            warm_up=[_post(entries, headers, _entry_body(world, day, 10))],
        )
        replays["create an entry"] = Replay(
            _fresh_ids(captures, minted_after), creates=True, day_step=-1
        )
    if "timer start+stop" in only:
        timer = f"/api/v1/workspaces/{world.timer_slug}/timer"
        user = world.timer_capturer
        pair = [_post(f"{timer}/start", user, _timer_body(world)), _post(f"{timer}/stop", user)]
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
    report = httpx.QueryParams(_report_params(world.project_id))
    utilization = httpx.QueryParams(_utilization_params())
    first_slot = datetime.combine(
        _today() - timedelta(days=CREATE_DAYS_AGO - 1), datetime.min.time(), UTC
    )
    entry_body = _entry_body(world, first_slot.date(), 0)
    timer = f"/api/v1/workspaces/{world.timer_slug}/timer"
    endpoints = [
        Endpoint("list 50 issues", "GET", f"{work_items}{base}/issues?limit={ISSUES}", headers),
        Endpoint("get an issue", "GET", f"{work_items}{base}/issues/{last_issue}", headers),
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
            "week view", "GET", f"{timetracking}{ws}/time-tracking/week?date={_week_day()}", headers
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
            script=_entry_script(f"{ws}/time-entries", first_slot, entry_body),
        ),
        Endpoint(
            "create a worklog",
            "POST",
            f"{timetracking}{_worklogs_path(world)}",
            json_headers,
            json.dumps(WORKLOG_BODY).encode(),
        ),
        Endpoint(
            "timer start+stop",
            "POST",
            f"{timetracking}{timer}/start",
            json_headers,
            script=_timer_script(timer, _timer_body(world), world.timer_headers),
        ),
    ]
    return {endpoint.name: endpoint for endpoint in endpoints}


def run(
    system: RunningSystem, *, duration: int = DURATION_SECONDS, only: Sequence[str] = NAMES
) -> None:
    chosen = set(only)
    world = _arrange(system)
    replays = asyncio.run(_capture_all(system, world, chosen))
    endpoints = _endpoints(system, world)
    print(f"\nrequest path: c={CONNECTIONS}, one uvicorn worker, direct, {duration} s runs")
    print(f"load average before: {_load_average()}")
    print(f"postgres connections before: {_connections(system.database_url)}")
    print(
        f"{'endpoint':<17} {'SQL':>4} {'floor req/s':>12} {'endpoint req/s':>15} "
        f"{'p50 ms':>7} {'p99 ms':>7} {'ratio':>6}"
    )
    for name in NAMES:
        if name not in chosen:
            continue
        replay = replays[name]
        floor_rate = floor(system.database_url, replay)
        load = wrk(endpoints[name], duration)
        failures = f"  ({load.failures})" if load.failures else ""
        print(
            f"{name:<17} {replay.statement_count:>4} {floor_rate:>12.0f} "
            f"{load.requests_per_second:>15.0f} {load.p50_ms:>7.2f} {load.p99_ms:>7.2f} "
            f"{load.requests_per_second / floor_rate:>6.2f}{failures}",
            flush=True,
        )
    print(f"load average after: {_load_average()}")
    print(f"postgres connections after: {_connections(system.database_url)}")


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
    name = unique_name("bench")
    database_url = create_database(admin_url, name)
    env = {"GATEWAY_RATE_LIMIT_ENABLED": "false", "WORKSYNC_LOG_LEVEL": "WARNING"}
    try:
        with running_system(
            database_url=database_url, amqp_url=amqp_url, name=name, extra_env=env
        ) as system:
            for _ in range(arguments.repeat):
                run(system, duration=arguments.duration, only=arguments.only)
        asyncio.run(delete_amqp_objects(amqp_url, system.broker_object_names()))
    finally:
        drop_database(admin_url, name)


if __name__ == "__main__":
    main()
