"""The request path against its floor: what a request costs beyond its own SQL and JSON.

For four endpoints — list 50 issues (each with two assignees and two labels), get an issue,
`GET /auth/me`, create an issue — prints, side by side:

- the floor: the very SQL statements the endpoint runs (captured from the service's own
  engine while the app, built in this process with the service's settings, answers one
  such request), replayed in a loop on one psycopg connection in one transaction each,
  plus encoding the rows they return to JSON (pydantic-core's encoder);
- the endpoint: wrk at 16 connections against the service directly (one uvicorn worker,
  no gateway), requests/s and p50 / p99;
- their ratio.

Replaying a create inserts new rows each time: ids minted by the captured request
(UUIDv7 newer than the capture) are replaced by fresh ones, and its issue number by the
next free one, so each replay commits a real issue like the endpoint does.

Needs wrk (`apt-get install wrk`). `make bench` runs it on its system
(`WORKSYNC_BENCH_ONLY=request-path`); alone it starts a system of its own:
`uv run python -m bench.request_path_bench [--duration S]`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import subprocess
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
import psycopg
from fastapi import FastAPI
from psycopg.rows import dict_row
from pydantic_core import to_json
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.seeding import owner_headers, wait_for
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
from worksync.work_items.config import WorkItemsSettings
from worksync.work_items.main import create_app as create_work_items_app

CONNECTIONS = 16
DURATION_SECONDS = 10
ISSUES = 50
FLOOR_SECONDS = 3.0
# A wrk report's latency distribution: "  50%  1.23ms".
_PERCENTILE = re.compile(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)
_REQUESTS = re.compile(r"^Requests/sec:\s+([\d.]+)", re.MULTILINE)
_NON_2XX = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
_SOCKET_ERRORS = re.compile(r"Socket errors: (.*)")
_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}

Statement = tuple[str, Any]
S = TypeVar("S", bound=CommonSettings)


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    url: str
    headers: dict[str, str]
    body: bytes | None = None


@dataclass(frozen=True)
class Load:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    failures: str


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
    app: FastAPI, request: Callable[[httpx.AsyncClient], Awaitable[httpx.Response]]
) -> list[Statement]:
    """The statements of one request as the app answers it (after a first, warming one)."""
    async with asgi_client(app) as client:
        (await request(client)).raise_for_status()
        with captured(app.state.engine) as statements:
            (await request(client)).raise_for_status()
    return statements


def _fresh_ids(statements: list[Statement], minted_after: int) -> list[Statement]:
    """Placeholders instead of the ids the captured request minted (UUIDv7 newer than
    `minted_after`, ms since the epoch), so that each replay inserts new rows."""
    minted: dict[uuid.UUID, str] = {}

    def swap(value: Any) -> Any:
        if isinstance(value, uuid.UUID) and value.version == 7 and value.int >> 80 >= minted_after:
            return minted.setdefault(value, f"id{len(minted)}")
        if isinstance(value, dict):
            return {key: swap(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return type(value)(swap(item) for item in value)
        return value

    return [(statement, swap(parameters)) for statement, parameters in statements]


@dataclass(frozen=True)
class Round:
    """What one replay of a create binds instead of the captured request's own values."""

    number: int
    ids: dict[str, uuid.UUID]
    sequence_id: int | None

    def bind(self, parameters: Any) -> Any:
        if isinstance(parameters, str) and parameters in self.ids:
            return self.ids[parameters]
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


def floor(database_url: str, statements: list[Statement], *, creates: bool) -> float:
    """Requests/s of the statements alone, each round one transaction, rows encoded to JSON."""
    with psycopg.connect(database_url, row_factory=dict_row) as conn:
        rounds = 0
        started = time.perf_counter()
        while time.perf_counter() - started < FLOOR_SECONDS:
            replay = Round(rounds, {}, None)
            with conn.cursor() as cursor:
                for statement, parameters in statements:
                    if creates:
                        names = re.findall(r"'(id\d+)'", repr(parameters))
                        replay.ids.update(
                            {name: replay.ids.get(name) or new_id() for name in names}
                        )
                    cursor.execute(statement, replay.bind(parameters) if creates else parameters)
                    if cursor.description is not None:
                        rows = cursor.fetchall()
                        to_json(rows)
                        if creates and rows and "last_sequence_id" in rows[0]:
                            replay = Round(rounds, replay.ids, rows[0]["last_sequence_id"])
            conn.commit()
            rounds += 1
        return rounds / (time.perf_counter() - started)


def wrk(endpoint: Endpoint, duration: int) -> Load:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        body = "nil" if endpoint.body is None else repr(endpoint.body.decode())
        script.write(f'wrk.method = "{endpoint.method}"\n')
        script.write(f"wrk.body = {body}\n")
        for name, value in endpoint.headers.items():
            script.write(f'wrk.headers["{name}"] = "{value}"\n')
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
    requests = _REQUESTS.search(output)
    return Load(
        requests_per_second=float(requests.group(1)) if requests else 0.0,
        p50_ms=percentiles.get("50", float("nan")),
        p99_ms=percentiles.get("99", float("nan")),
        failures=", ".join(failures),
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


def _arrange(system: RunningSystem) -> tuple[dict[str, str], str, str, str]:
    """An owner with a second member, a project with two labels and 50 issues, each with
    both members assigned and both labels: the owner's headers, slug, project and an issue."""
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
        issue_id = ""
        for n in range(ISSUES):
            created = client.post(
                f"{base}/issues",
                json={
                    "title": f"Issue {n}",
                    "description": "Something to do " * 8,
                    "assignee_ids": [owner_id, other_id],
                    "label_ids": labels,
                },
                headers=headers,
            )
            created.raise_for_status()
            issue_id = created.json()["id"]
        return headers, slug, project_id, issue_id


async def _capture_all(
    system: RunningSystem, headers: dict[str, str], base: str, issue_id: str
) -> dict[str, list[Statement]]:
    os.environ.update(system.env)
    work_items = create_work_items_app(_settings(system, "work-items", WorkItemsSettings()))
    identity = create_identity_app(_settings(system, "identity", IdentitySettings()))
    body = {"title": "Captured", "description": "Something to do " * 8}

    async def create(client: httpx.AsyncClient) -> httpx.Response:
        return await client.post(f"{base}/issues", json=body, headers=headers)

    captures = {
        "list 50 issues": await capture(
            work_items, lambda c: c.get(f"{base}/issues?limit={ISSUES}", headers=headers)
        ),
        "get an issue": await capture(
            work_items, lambda c: c.get(f"{base}/issues/{issue_id}", headers=headers)
        ),
        "/auth/me": await capture(identity, lambda c: c.get("/api/v1/auth/me", headers=headers)),
    }
    minted_after = int(time.time() * 1000)
    captures["create an issue"] = _fresh_ids(await capture(work_items, create), minted_after)
    return captures


def run(system: RunningSystem, *, duration: int = DURATION_SECONDS) -> None:
    headers, slug, project_id, issue_id = _arrange(system)
    base = f"/api/v1/workspaces/{slug}/projects/{project_id}"
    statements = asyncio.run(_capture_all(system, headers, base, issue_id))
    work_items = system.service_urls["work-items"]
    json_headers = {**headers, "Content-Type": "application/json"}
    create_body = b'{"title": "Benched", "description": "Something to do, something to do"}'
    endpoints = {
        "list 50 issues": Endpoint(
            "list 50 issues", "GET", f"{work_items}{base}/issues?limit={ISSUES}", headers
        ),
        "get an issue": Endpoint(
            "get an issue", "GET", f"{work_items}{base}/issues/{issue_id}", headers
        ),
        "/auth/me": Endpoint(
            "/auth/me", "GET", f"{system.service_urls['identity']}/api/v1/auth/me", headers
        ),
        "create an issue": Endpoint(
            "create an issue", "POST", f"{work_items}{base}/issues", json_headers, create_body
        ),
    }
    print(f"\nrequest path: c={CONNECTIONS}, one uvicorn worker, direct, {duration} s runs")
    print(f"load average before: {_load_average()}")
    print(
        f"{'endpoint':<17} {'SQL':>4} {'floor req/s':>12} {'endpoint req/s':>15} "
        f"{'p50 ms':>7} {'p99 ms':>7} {'ratio':>6}"
    )
    for name, endpoint in endpoints.items():
        floor_rate = floor(system.database_url, statements[name], creates=name == "create an issue")
        load = wrk(endpoint, duration)
        failures = f"  ({load.failures})" if load.failures else ""
        print(
            f"{name:<17} {len(statements[name]):>4} {floor_rate:>12.0f} "
            f"{load.requests_per_second:>15.0f} {load.p50_ms:>7.2f} {load.p99_ms:>7.2f} "
            f"{load.requests_per_second / floor_rate:>6.2f}{failures}"
        )
    print(f"load average after: {_load_average()}")


def _load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=DURATION_SECONDS)
    parser.add_argument("--repeat", type=int, default=1, help="measure this many times")
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
                run(system, duration=arguments.duration)
        asyncio.run(delete_amqp_objects(amqp_url, system.broker_object_names()))
    finally:
        drop_database(admin_url, name)


if __name__ == "__main__":
    main()
