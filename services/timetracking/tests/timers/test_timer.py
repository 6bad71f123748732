"""The timer: start, pause, resume, stop, discard, their events, and races."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import httpx
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.testing.answers import assert_written_as_by
from worksync.common.testing.clients import asgi_client
from worksync.common.testing.directory import SeededUser
from worksync.common.testing.problems import assert_problem
from worksync.common.testing.tokens import TokenMinter
from worksync.timetracking.config import TimetrackingSettings
from worksync.timetracking.main import create_app
from worksync.timetracking.models import TimeEntry
from worksync.timetracking.testing import (
    World,
    breaks_of,
    entries_of,
    outbox_of,
    outbox_size,
    rewind_timer,
)
from worksync.timetracking.timers.schemas import Timer

CONCURRENT_STARTS = 50
# Connections the racing app may hold at once: many transactions in flight together, yet
# room left under the server's max_connections for the suite's other worker (and its
# end-to-end system).
RACE_CONNECTIONS = 8


async def start(
    client: httpx.AsyncClient, world: World, person: SeededUser, **body: Any
) -> httpx.Response:
    payload = {"project_id": str(world.project.id), **body}
    return await client.post(f"{world.base}/timer/start", json=payload, headers=person.headers)


async def act(
    client: httpx.AsyncClient, world: World, person: SeededUser, action: str
) -> httpx.Response:
    return await client.post(f"{world.base}/timer/{action}", headers=person.headers)


async def test_a_timer_runs_pauses_resumes_and_stops_into_an_entry(
    client: httpx.AsyncClient, world: World, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    started = await start(
        client, world, world.ada, issue_id=str(world.issue_id), description="Coding"
    )
    assert started.status_code == 201, started.text
    timer_id = UUID(started.json()["id"])
    current = await client.get(f"{world.base}/timer", headers=world.ada.headers)
    assert current.status_code == 200
    assert current.json()["paused_at"] is None
    await rewind_timer(sessionmaker, timer_id, 3600)
    paused = await act(client, world, world.ada, "pause")
    assert paused.status_code == 200, paused.text
    assert paused.json()["paused_at"] is not None
    await _reads_as(client, world, paused)
    assert_problem(await act(client, world, world.ada, "pause"), 409, "timer_paused")
    resumed = await act(client, world, world.ada, "resume")
    assert resumed.json()["paused_at"] is None
    assert_problem(await act(client, world, world.ada, "resume"), 409, "timer_not_paused")
    # Paused for ten minutes, then stopped while paused: the pause ends at the stop. The
    # whole timer moves back, its first pause too: a second spent in it stays apart.
    paused_again = await act(client, world, world.ada, "pause")
    # Two breaks now, the second open: a read shows that one and the time before it.
    await _reads_as(client, world, paused_again)
    await rewind_timer(sessionmaker, timer_id, 600)
    stopped = await act(client, world, world.ada, "stop")
    assert stopped.status_code == 200, stopped.text
    entry = stopped.json()
    [stored] = await entries_of(sessionmaker, world.ada.id)
    pauses = await breaks_of(sessionmaker, timer_id)
    assert stored.started_at is not None
    assert stored.ended_at is not None
    paused_seconds = sum((p.ended_at - p.started_at).total_seconds() for p in pauses if p.ended_at)
    worked = (stored.ended_at - stored.started_at).total_seconds() - paused_seconds
    assert entry["source"] == "timer"
    assert entry["duration_seconds"] == worked
    # An hour and ten minutes less the ten minutes' pause, give or take the requests' time.
    assert 3540 <= entry["duration_seconds"] < 3660
    assert all(p.ended_at is not None for p in pauses)
    assert entry["issue_id"] == str(world.issue_id)
    assert entry["hourly_rate"] == "80.00"
    assert_problem(
        await client.get(f"{world.base}/timer", headers=world.ada.headers), 404, "no_running_timer"
    )
    events = await outbox_of(sessionmaker, timer_id)
    assert [(e["type"], e["sequence"]) for e in events] == [
        ("timetracking.timer.started", 1),
        ("timetracking.timer.paused", 2),
        ("timetracking.timer.resumed", 3),
        ("timetracking.timer.paused", 4),
        ("timetracking.timer.stopped", 5),
        ("timetracking.entry.created", 6),
    ]
    assert events[1]["data"]["duration_seconds"] >= 3600
    assert events[1]["data"]["paused_at"] is not None
    assert events[4]["data"]["ended_at"] is not None
    assert events[4]["data"]["duration_seconds"] == entry["duration_seconds"]
    created = events[5]["data"]
    assert created["duration_seconds"] == entry["duration_seconds"]
    assert sum(day["seconds"] for day in created["days"]) == entry["duration_seconds"]
    assert set(events[0]["data"]) == {
        "entry_id",
        "workspace_id",
        "project_id",
        "issue_id",
        "user_id",
        "description",
        "started_at",
        "paused_at",
        "ended_at",
        "duration_seconds",
    }


async def test_starting_while_one_runs(
    client: httpx.AsyncClient, world: World, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    first = await start(client, world, world.ada)
    assert first.status_code == 201
    assert_problem(await start(client, world, world.ada), 409, "timer_already_running")
    await rewind_timer(sessionmaker, UUID(first.json()["id"]), 120)
    second = await start(client, world, world.ada, stop_running=True, description="Next")
    assert second.status_code == 201, second.text
    old, new = await entries_of(sessionmaker, world.ada.id)
    assert old.id == UUID(first.json()["id"])
    assert old.started_at is not None
    assert old.ended_at is not None
    assert old.duration_seconds == (old.ended_at - old.started_at).total_seconds() >= 120
    assert old.ended_at == new.started_at
    assert new.ended_at is None
    # A timer of less than a second is thrown away rather than stopped (its start is put
    # ahead of the clock so that it stays that young however slow the machine).
    await rewind_timer(sessionmaker, new.id, -5)
    third = await start(client, world, world.ada, stop_running=True)
    assert third.status_code == 201
    types = [e["type"] for e in await outbox_of(sessionmaker, new.id)]
    assert types == ["timetracking.timer.started", "timetracking.timer.discarded"]


async def test_too_short_timers_are_refused_and_may_be_discarded(
    client: httpx.AsyncClient, world: World, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    started = await start(client, world, world.ada)
    # Younger than a second however slow the machine: its start is put ahead of the clock.
    await rewind_timer(sessionmaker, UUID(started.json()["id"]), -5)
    assert_problem(await act(client, world, world.ada, "stop"), 409, "timer_too_short")
    discarded = await act(client, world, world.ada, "discard")
    assert discarded.status_code == 204
    assert await entries_of(sessionmaker, world.ada.id) == []
    events = await outbox_of(sessionmaker, UUID(started.json()["id"]))
    assert [(e["type"], e["sequence"]) for e in events] == [
        ("timetracking.timer.started", 1),
        ("timetracking.timer.discarded", 2),
    ]


async def _reads_as(client: httpx.AsyncClient, world: World, paused: httpx.Response) -> None:
    """A read of a paused timer shows what its pause answered: the open pause, and the
    seconds worked before it (they stop growing while it is paused)."""
    read = await client.get(f"{world.base}/timer", headers=world.ada.headers)
    assert read.status_code == 200, read.text
    # Answered from its row: byte for byte what the model writes, and what the pause wrote.
    assert_written_as_by(read.content, Timer)
    assert read.content == paused.content


async def test_reading_the_timer_does_not_wait_for_its_writers(
    client: httpx.AsyncClient, world: World, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    """A client polls its timer: a read answers while a stop (here, a transaction holding
    the timer's row) is under way, and leaves no lock of its own."""
    started = await start(client, world, world.ada, description="Polled")
    assert started.status_code == 201, started.text
    timer_id = UUID(started.json()["id"])
    async with sessionmaker() as writer:
        locked = select(TimeEntry.id).where(TimeEntry.id == timer_id).with_for_update()
        assert await writer.scalar(locked) == timer_id
        current = await asyncio.wait_for(
            client.get(f"{world.base}/timer", headers=world.ada.headers), timeout=5
        )
        assert current.status_code == 200, current.text
        assert current.json()["id"] == str(timer_id)
        await writer.rollback()
    async with sessionmaker() as other:
        # Nothing the read did is held: the row can be taken at once.
        nowait = select(TimeEntry.id).where(TimeEntry.id == timer_id).with_for_update(nowait=True)
        assert await other.scalar(nowait) == timer_id


async def test_without_a_timer_everything_is_404(
    client: httpx.AsyncClient, world: World, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    before = await outbox_size(sessionmaker)
    for action in ("stop", "pause", "resume", "discard"):
        assert_problem(await act(client, world, world.bob, action), 404, "no_running_timer")
    assert await outbox_size(sessionmaker) == before


async def test_bad_starts_write_nothing(
    client: httpx.AsyncClient, world: World, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    before = await outbox_size(sessionmaker)
    for body, code, fields in (
        ({"stop_running": "maybe"}, "validation_failed", {"stop_running"}),
        ({"issue_id": "x"}, "validation_failed", {"issue_id"}),
        ({"started_at": "2024-01-01T00:00:00"}, "validation_failed", {"started_at"}),
    ):
        assert_problem(await start(client, world, world.ada, **body), 422, code, fields=fields)
    no_project = await client.post(f"{world.base}/timer/start", json={}, headers=world.ada.headers)
    assert_problem(no_project, 422, "validation_failed", fields={"project_id"})
    assert_problem(await start(client, world, world.guest), 403, "insufficient_role")
    assert await entries_of(sessionmaker, world.ada.id) == []
    assert await outbox_size(sessionmaker) == before


async def test_a_timer_may_not_run_into_a_later_entry(
    client: httpx.AsyncClient, world: World
) -> None:
    later = datetime.now(UTC) + timedelta(hours=1)
    entry = await client.post(
        f"{world.base}/time-entries",
        json={
            "project_id": str(world.project.id),
            "started_at": later.isoformat(),
            "ended_at": (later + timedelta(hours=1)).isoformat(),
        },
        headers=world.ada.headers,
    )
    assert entry.status_code == 201, entry.text
    assert_problem(await start(client, world, world.ada), 409, "entry_overlaps")


async def test_fifty_concurrent_starts_leave_one_running_timer(
    settings: TimetrackingSettings,
    minter: TokenMinter,
    world: World,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    # An app of its own with a large pool: the starts race in concurrent transactions.
    app: FastAPI = create_app(settings.model_copy(update={"database_pool_size": RACE_CONNECTIONS}))
    async with asgi_client(app) as client:
        app.state.token_verifier = minter.verifier()
        responses = await asyncio.gather(
            *(start(client, world, world.ada) for _ in range(CONCURRENT_STARTS))
        )
    statuses = [response.status_code for response in responses]
    assert statuses.count(201) == 1, statuses
    assert statuses.count(409) == CONCURRENT_STARTS - 1, statuses
    for response in responses:
        if response.status_code == 409:
            assert_problem(response, 409, "timer_already_running")
    running = [e for e in await entries_of(sessionmaker, world.ada.id) if e.ended_at is None]
    assert len(running) == 1
    assert len(await entries_of(sessionmaker, world.ada.id)) == 1


async def test_a_running_timer_is_changed_through_the_timer_only(
    client: httpx.AsyncClient, world: World
) -> None:
    started = await start(client, world, world.ada)
    url = f"{world.base}/time-entries/{started.json()['id']}"
    listed = await client.get(f"{world.base}/time-entries", headers=world.ada.headers)
    assert listed.json()["items"][0]["duration_seconds"] is None
    changed = await client.patch(url, json={"description": "x"}, headers=world.ada.headers)
    assert_problem(changed, 409, "entry_is_running")
    assert_problem(await client.delete(url, headers=world.ada.headers), 409, "entry_is_running")
    assert (await client.get(f"{world.base}/timer", headers=world.bob.headers)).status_code == 404
