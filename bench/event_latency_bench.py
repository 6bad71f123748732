"""Event latency benchmark: from a committed time entry to its hours in resources, under load.

Each write commits a time entry and its `timetracking.entry.created` outbox row together;
resources stamps its projection row with the database clock when it applies the event
(`actual_entries.applied_at`). Latency = that stamp - the moment the writer had its commit
back: the relay's wake-up and publish with confirm, the broker, the consumer's inbox
transaction. Both clocks are this machine's.

Writes are open loop (one every 1/rate s, whatever the answers do), each rate for
`SECONDS_PER_RATE` seconds:
- through the gateway at 20/s, as a client writes (the API takes about 100 creates/s on one
  worker, so higher rates would measure the API, not the events);
- straight into timetracking's tables at every rate of `WORKSYNC_BENCH_LATENCY_RATES`
  (default 20,200,1000): one statement per write, in autocommit, that inserts the values of
  an entry the API wrote (new id and day), as the API sends them, and its event as
  `EventRecorder` writes it, with the NOTIFY that wakes the relay.

Per rate it prints p50, p99 and the worst, and the backlog sampled at the middle and the end
of the writing: outbox rows not yet published, and events published but not yet applied
(the consumer's queue and what it holds); it grows when the end sample is well above the
middle one. Then the seconds the system took to catch up after the last write.

A second table says where the time went, per rate: each event's latency cut in three at
the relay's claim (its outbox row's `published_at`, the time of the claiming transaction)
and at the start of the transaction in which resources applied it (its inbox row's
`received_at`), p50 / p99 of each; and how busy each process kept a core from the first
write to the last event applied (`/proc/<pid>/stat`, every process on the machine labelled
by its command line: a service's API or worker, PostgreSQL, RabbitMQ, this bench's
writers; idle work such as polls included), since on a machine of two cores it is the CPU
that the stages queue for. Through the gateway the writer's clock stops when its answer
is back, after the commit: the claim may come first (a negative first stage).
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import psycopg
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from bench.seeding import owner_headers, wait_for
from worksync.common.ids import new_id

GATEWAY_RATE_PER_SECOND = 20
DEFAULT_RATES = (20, 200, 1000)
SECONDS_PER_RATE = 10
# Connections writing at once in the SQL runs: enough for 1,000 commits/s on two cores.
SQL_WRITERS = 8
# How long the system may take to apply every event after the last write.
CATCH_UP_LIMIT_SECONDS = 120.0
# Backlog that may be in flight without growing: what 100 ms of writes leave behind.
STEADY_BACKLOG_SECONDS = 0.1

APPLIED_AT = """
SELECT entry_id, EXTRACT(EPOCH FROM applied_at)
FROM resources.actual_entries
WHERE entry_id = ANY(%(entry_ids)s::uuid[])
"""
APPLIED_COUNT = """
SELECT count(*) FROM resources.actual_entries WHERE entry_id = ANY(%(entry_ids)s::uuid[])
"""
UNPUBLISHED = "SELECT count(*) FROM timetracking.outbox WHERE published_at IS NULL"
# Per entry: when the relay claimed its event and when resources' applying transaction began.
STAGE_TIMES = """
SELECT o.envelope->>'subject', EXTRACT(EPOCH FROM o.published_at), EXTRACT(EPOCH FROM i.received_at)
FROM timetracking.outbox o JOIN resources.inbox i ON i.event_id = o.id
WHERE o.event_type = 'timetracking.entry.created' AND o.envelope->>'subject' = ANY(%(entry_ids)s)
"""
STAGES = ("commit → claim", "claim → consumer", "consumer → applied")
# Processes shown on their own in the CPU columns; the others are summed.
CPU_COLUMNS = 6
PROC = Path("/proc")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
TEMPLATE_EVENT = """
SELECT envelope FROM timetracking.outbox
WHERE event_type = 'timetracking.entry.created' AND envelope->>'subject' = %(entry_id)s
"""
TEMPLATE_ENTRY = "SELECT * FROM timetracking.time_entries WHERE id = %(entry_id)s"
# The template entry's values with a new id and day (and the day's list position), then its
# event, then the relay's wake-up: one round trip, committed together as the API commits
# them. The values are sent as the API sends them: a copy made by PostgreSQL from the
# template's JSON cost it three times the insert (1.7 against 0.5 ms of CPU a write), a
# third of a core at 200 writes/s taken from the path being measured.
WRITE = """
WITH entry AS (
    INSERT INTO timetracking.time_entries ({columns}) VALUES ({values}) RETURNING id
), event AS (
    INSERT INTO timetracking.outbox (id, event_type, envelope)
    SELECT %(event_id)s, 'timetracking.entry.created', %(envelope)s FROM entry
    RETURNING id
)
SELECT pg_notify('timetracking_outbox', '') FROM event
"""


@dataclass(frozen=True)
class Backlog:
    unpublished: int
    unapplied: int


@dataclass(frozen=True)
class RateRun:
    label: str
    rate: int
    # Entry id -> when its writer had the commit back (epoch seconds).
    committed: dict[str, float]
    writing_seconds: float
    middle: Backlog
    end: Backlog
    # None: not every event applied within CATCH_UP_LIMIT_SECONDS of the last write.
    catch_up_seconds: float | None
    # Committed -> applied, of the events applied by the end of the wait.
    latencies_ms: list[float]
    load_average: float
    # Per stage (STAGES), the milliseconds of each event applied.
    stages_ms: dict[str, list[float]]
    # Per process label, the share of one core it used from the first write to the last
    # event applied.
    cpu_shares: dict[str, float]


def _label(pid: int, command: str) -> str | None:
    """What a process is, for the CPU table; None for what the bench does not watch."""
    if pid == os.getpid():
        return "bench writers"
    if command.startswith("postgres"):
        return "postgres"
    if "beam.smp" in command:
        return "rabbitmq"
    if "-m worksync." in command:
        module = command.split("-m worksync.", 1)[1].split()[0]
        service, _, role = module.partition(".")
        return f"{service.replace('_', '-')} {role or 'api'}"
    return None


def _cpu_seconds() -> dict[int, tuple[str, float]]:
    """Every labelled process's CPU seconds so far (user + system)."""
    seconds = {}
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended meanwhile
            continue
        label = _label(int(entry.name), command)
        if label is not None:
            seconds[int(entry.name)] = (label, (int(fields[11]) + int(fields[12])) / CLOCK_TICKS)
    return seconds


def _cpu_shares(
    before: dict[int, tuple[str, float]], after: dict[int, tuple[str, float]], seconds: float
) -> dict[str, float]:
    """The share of one core each label used over `seconds`; a process started meanwhile (a
    connection's backend) counts whole."""
    spent: dict[str, float] = {}
    for pid, (label, used) in after.items():
        spent[label] = spent.get(label, 0.0) + used - before.get(pid, (label, 0.0))[1]
    return {label: used / seconds for label, used in spent.items()}


def _arrange(client: httpx.Client) -> tuple[str, str, dict[str, str]]:
    headers = owner_headers(client)
    slug = f"bench-latency-{uuid.uuid4().hex[:8]}"
    client.post(
        "/api/v1/workspaces", json={"slug": slug, "name": "Bench"}, headers=headers
    ).raise_for_status()
    project = client.post(
        f"/api/v1/workspaces/{slug}/projects",
        json={"identifier": "LAT", "name": "Latency"},
        headers=headers,
    )
    project.raise_for_status()
    return slug, project.json()["id"], headers


def _rates() -> list[int]:
    chosen = os.environ.get("WORKSYNC_BENCH_LATENCY_RATES", "")
    return [int(rate) for rate in chosen.split(",") if rate.strip()] or list(DEFAULT_RATES)


async def _open_loop(rate: int, write: Any) -> float:
    """Start `write(number)` every 1/rate s for SECONDS_PER_RATE s; the seconds until the
    last write committed."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    writes = []
    for number in range(rate * SECONDS_PER_RATE):
        await asyncio.sleep(max(0.0, start + number / rate - loop.time()))
        writes.append(asyncio.create_task(write(number)))
    await asyncio.gather(*writes)
    return loop.time() - start


def _wait_until(condition: Callable[[], bool]) -> bool:
    deadline = time.monotonic() + CATCH_UP_LIMIT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


class _Sampler:
    """Counts the backlog of the entries written so far, on a connection of its own."""

    def __init__(self, database_url: str, committed: dict[str, float]) -> None:
        self._conn = psycopg.connect(database_url, autocommit=True)
        self._committed = committed

    def backlog(self) -> Backlog:
        unpublished = self._count(UNPUBLISHED, {})
        entry_ids = list(self._committed)
        applied = self._count(APPLIED_COUNT, {"entry_ids": entry_ids})
        return Backlog(unpublished=unpublished, unapplied=len(entry_ids) - applied - unpublished)

    def applied_at(self, entry_ids: list[str]) -> dict[str, float]:
        rows = self._conn.execute(APPLIED_AT, {"entry_ids": entry_ids}).fetchall()
        return {str(entry_id): float(epoch) for entry_id, epoch in rows}

    def stage_times(self, entry_ids: list[str]) -> dict[str, tuple[float, float]]:
        rows = self._conn.execute(STAGE_TIMES, {"entry_ids": entry_ids}).fetchall()
        return {str(entry_id): (float(claimed), float(began)) for entry_id, claimed, began in rows}

    def template_entry(self, entry_id: str) -> dict[str, Any]:
        with self._conn.cursor(row_factory=dict_row) as cursor:
            row = cursor.execute(TEMPLATE_ENTRY, {"entry_id": entry_id}).fetchone()
        if row is None:
            raise RuntimeError(f"no entry {entry_id}")
        return row

    def template_envelope(self, entry_id: str) -> dict[str, Any]:
        row = self._conn.execute(TEMPLATE_EVENT, {"entry_id": entry_id}).fetchone()
        if row is None:
            raise RuntimeError(f"no outbox row for entry {entry_id}")
        envelope: dict[str, Any] = row[0]
        return envelope

    def close(self) -> None:
        self._conn.close()

    def _count(self, query: str, params: dict[str, Any]) -> int:
        row = self._conn.execute(query, params).fetchone()
        return int(row[0]) if row else 0


async def _measure(
    label: str, rate: int, sampler: _Sampler, write: Any, committed: dict[str, float]
) -> RateRun:
    loop = asyncio.get_running_loop()
    cpu_before, started = _cpu_seconds(), loop.time()
    writing = asyncio.create_task(_open_loop(rate, write))
    await asyncio.sleep(SECONDS_PER_RATE / 2)
    middle = await asyncio.to_thread(sampler.backlog)
    writing_seconds = await writing
    end = await asyncio.to_thread(sampler.backlog)
    written = loop.time()
    total = len(committed)
    caught_up = await asyncio.to_thread(
        _wait_until, lambda: len(sampler.applied_at(list(committed))) == total
    )
    catch_up_seconds = loop.time() - written if caught_up else None
    cpu_after, ended = _cpu_seconds(), loop.time()
    applied = await asyncio.to_thread(sampler.applied_at, list(committed))
    stage_times = await asyncio.to_thread(sampler.stage_times, list(applied))
    stages_ms: dict[str, list[float]] = {stage: [] for stage in STAGES}
    for entry_id, (claimed, began) in stage_times.items():
        for stage, since, until in zip(
            STAGES,
            (committed[entry_id], claimed, began),
            (claimed, began, applied[entry_id]),
            strict=True,
        ):
            stages_ms[stage].append((until - since) * 1000)
    return RateRun(
        label=label,
        rate=rate,
        committed=dict(committed),
        writing_seconds=writing_seconds,
        middle=middle,
        end=end,
        catch_up_seconds=catch_up_seconds,
        latencies_ms=[(epoch - committed[entry_id]) * 1000 for entry_id, epoch in applied.items()],
        load_average=os.getloadavg()[0],
        stages_ms=stages_ms,
        cpu_shares=_cpu_shares(cpu_before, cpu_after, ended - started),
    )


async def _through_gateway(
    gateway_url: str, slug: str, project_id: str, headers: dict[str, str], sampler_url: str
) -> RateRun:
    committed: dict[str, float] = {}
    rate = GATEWAY_RATE_PER_SECOND
    # Distinct days keep a user's duration entries apart from any limit per day.
    first_day = date.today() - timedelta(days=rate * SECONDS_PER_RATE)
    sampler = _Sampler(sampler_url, committed)
    async with httpx.AsyncClient(base_url=gateway_url, timeout=30) as client:

        async def write(number: int) -> None:
            body = {
                "project_id": project_id,
                "work_date": (first_day + timedelta(days=number)).isoformat(),
                "duration_seconds": 1800,
            }
            response = await client.post(
                f"/api/v1/workspaces/{slug}/time-entries", json=body, headers=headers
            )
            received = time.time()
            response.raise_for_status()
            committed[response.json()["id"]] = received

        try:
            return await _measure("gateway", rate, sampler, write, committed)
        finally:
            sampler.close()


async def _straight_into_tables(
    database_url: str, template_id: str, first_day: date, rate: int
) -> RateRun:
    committed: dict[str, float] = {}
    sampler = _Sampler(database_url, committed)
    template = sampler.template_envelope(template_id)
    entry = sampler.template_entry(template_id)
    write_entry = WRITE.format(
        columns=", ".join(entry), values=", ".join(f"%({column})s" for column in entry)
    )
    zone = ZoneInfo(entry["timezone"])
    writers: asyncio.Queue[psycopg.AsyncConnection[Any]] = asyncio.Queue()
    for _ in range(SQL_WRITERS):
        writers.put_nowait(await psycopg.AsyncConnection.connect(database_url, autocommit=True))

    async def write(number: int) -> None:
        entry_id, event_id = str(new_id()), new_id()
        day = first_day - timedelta(days=number)
        work_date = day.isoformat()
        data = template["data"] | {
            "entry_id": entry_id,
            "work_date": work_date,
            "days": [{"date": work_date, "seconds": template["data"]["duration_seconds"]}],
        }
        envelope = {key: value for key, value in template.items() if key != "traceparent"} | {
            "id": str(event_id),
            "subject": entry_id,
            "time": datetime.now(UTC).isoformat(),
            "data": data,
        }
        conn = await writers.get()
        try:
            await conn.execute(
                write_entry,
                entry
                | {
                    "id": entry_id,
                    "work_date": day,
                    "sort_at": datetime.combine(day, datetime.min.time(), zone),
                    "event_id": event_id,
                    "envelope": Jsonb(envelope, dumps=json.dumps),
                },
            )
            committed[entry_id] = time.time()
        finally:
            writers.put_nowait(conn)

    try:
        return await _measure("SQL", rate, sampler, write, committed)
    finally:
        while not writers.empty():
            await writers.get_nowait().close()
        sampler.close()


HEADER = (
    "| writes  | per s | achieved | events | p50 ms | p99 ms  | worst ms "
    "| backlog middle (outbox / consumer) | backlog end | grows | catch-up s | load |\n"
    "|---|---|---|---|---|---|---|---|---|---|---|---|"
)


def _row(run: RateRun) -> str:
    # Latencies of the events applied; those still waiting are at least this late.
    latencies = sorted(run.latencies_ms) or [float("nan")]
    p99 = latencies[max(0, round(len(latencies) * 0.99) - 1)]
    achieved = len(run.committed) / run.writing_seconds
    allowed = max(1, round(run.rate * STEADY_BACKLOG_SECONDS))
    middle = run.middle.unpublished + run.middle.unapplied
    end = run.end.unpublished + run.end.unapplied
    grows = "yes" if end > max(2 * middle, allowed) else "no"
    catch_up = (
        f"{run.catch_up_seconds:.2f}"
        if run.catch_up_seconds is not None
        else f"> {CATCH_UP_LIMIT_SECONDS:.0f} ({len(run.committed) - len(run.latencies_ms)} left)"
    )
    return (
        f"| {run.label:7} | {run.rate:5} | {achieved:8.0f} | {len(run.committed):6} "
        f"| {statistics.median(latencies):6.1f} | {p99:7.1f} | {latencies[-1]:8.1f} "
        f"| {run.middle.unpublished:>5} / {run.middle.unapplied:<5} "
        f"| {run.end.unpublished:>5} / {run.end.unapplied:<5} | {grows:5} "
        f"| {catch_up:>10} | {run.load_average:4.2f} |"
    )


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values) or [float("nan")]
    return ordered[max(0, round(len(ordered) * fraction) - 1)]


def _where_the_time_goes(runs: list[RateRun]) -> None:
    busiest = sorted(
        {label for run in runs for label in run.cpu_shares},
        key=lambda label: -max(run.cpu_shares.get(label, 0.0) for run in runs),
    )[:CPU_COLUMNS]
    print("\nwhere the time goes: ms p50 / p99 per stage; % of one core used, by process")
    columns = [*STAGES, *busiest, "others", "all"]
    print("| writes  | per s | " + " | ".join(columns) + " |")
    print("|" + "---|" * (2 + len(columns)))
    for run in runs:
        stages = [
            f"{statistics.median(run.stages_ms[stage] or [float('nan')]):.1f} / "
            f"{_percentile(run.stages_ms[stage], 0.99):.1f}"
            for stage in STAGES
        ]
        shares = [run.cpu_shares.get(label, 0.0) for label in busiest]
        total = sum(run.cpu_shares.values())
        cpu = [f"{share * 100:.0f}" for share in (*shares, total - sum(shares), total)]
        print(f"| {run.label:7} | {run.rate:5} | " + " | ".join([*stages, *cpu]) + " |")


def run(gateway_url: str, database_url: str) -> None:
    with httpx.Client(base_url=gateway_url, timeout=30) as client:
        slug, project_id, headers = _arrange(client)
        entries_url = f"/api/v1/workspaces/{slug}/time-entries"
        wait_for(lambda: client.get(entries_url, headers=headers).status_code == 200)
    print(
        f"\nevent latency benchmark: committed entry -> applied in resources, open loop, "
        f"{SECONDS_PER_RATE} s per rate"
    )
    print(HEADER, flush=True)
    runs = [asyncio.run(_through_gateway(gateway_url, slug, project_id, headers, database_url))]
    print(_row(runs[-1]), flush=True)
    template_id = next(iter(runs[0].committed))
    # Days before the gateway's, one per write, so that no two entries share a day.
    first_day = date.today() - timedelta(days=GATEWAY_RATE_PER_SECOND * SECONDS_PER_RATE + 1)
    for rate in _rates():
        if runs[-1].catch_up_seconds is None:
            print(f"not measured at {rate}/s: the rate before did not catch up")
            continue
        runs.append(asyncio.run(_straight_into_tables(database_url, template_id, first_day, rate)))
        print(_row(runs[-1]), flush=True)
        first_day -= timedelta(days=rate * SECONDS_PER_RATE)
    _where_the_time_goes(runs)
