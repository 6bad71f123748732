"""Auto-stop: a timer running past its user's limit ends at start plus the limit, with the
events of a stop, once — even with two workers at it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import httpx
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.timetracking import worker as worker_module
from worksync.timetracking.config import TimetrackingSettings
from worksync.timetracking.models import Break, TimeEntry
from worksync.timetracking.testing import (
    World,
    entries_of,
    outbox_of,
    rewind_timer,
)
from worksync.timetracking.timers.auto_stop import AutoStopper


async def limit(client: httpx.AsyncClient, world: World, minutes: int | None) -> httpx.Response:
    return await client.put(
        f"{world.base}/time-tracking/settings",
        json={"auto_stop_minutes": minutes},
        headers=world.ada.headers,
    )


async def start(client: httpx.AsyncClient, world: World) -> dict[str, Any]:
    response = await client.post(
        f"{world.base}/timer/start",
        json={"project_id": str(world.project.id)},
        headers=world.ada.headers,
    )
    assert response.status_code == 201, response.text
    timer: dict[str, Any] = response.json()
    return timer


async def test_the_setting_is_a_minute_to_a_day(client: httpx.AsyncClient, world: World) -> None:
    stored = await limit(client, world, 600)
    assert stored.status_code == 200, stored.text
    assert stored.json()["auto_stop_minutes"] == 600
    for bad in (0, 1441, -5):
        assert (await limit(client, world, bad)).status_code == 422
    cleared = await limit(client, world, None)
    assert cleared.json()["auto_stop_minutes"] is None


async def test_an_overdue_timer_ends_at_its_start_plus_the_limit(
    client: httpx.AsyncClient, world: World, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    assert (await limit(client, world, 600)).status_code == 200
    timer = await start(client, world)
    timer_id = UUID(timer["id"])
    await rewind_timer(sessionmaker, timer_id, 11 * 3600)
    # Other tests' timers may be stopped by the same round: count nothing but this one.
    stopper = AutoStopper(sessionmaker)
    assert await stopper.stop_overdue(datetime.now(UTC)) >= 1
    [entry] = await entries_of(sessionmaker, world.ada.id)
    assert entry.started_at is not None
    assert entry.ended_at == entry.started_at + timedelta(hours=10)
    assert (entry.duration_seconds, entry.rounded_duration_seconds) == (36000, 36000)
    events = await outbox_of(sessionmaker, timer_id)
    assert [e["type"] for e in events] == [
        "timetracking.timer.started",
        "timetracking.timer.stopped",
        "timetracking.entry.created",
    ]
    assert (await client.get(f"{world.base}/timer", headers=world.ada.headers)).status_code == 404
    await stopper.stop_overdue(datetime.now(UTC))
    assert len(await outbox_of(sessionmaker, timer_id)) == 3


async def test_timers_within_their_limit_or_without_one_run_on(
    client: httpx.AsyncClient,
    world: World,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    assert (await limit(client, world, 600)).status_code == 200
    timer = await start(client, world)
    await rewind_timer(sessionmaker, UUID(timer["id"]), 9 * 3600)
    bobs = await client.post(
        f"{world.base}/timer/start",
        json={"project_id": str(world.project.id)},
        headers=world.bob.headers,
    )
    await rewind_timer(sessionmaker, UUID(bobs.json()["id"]), 20 * 3600)
    await AutoStopper(sessionmaker).stop_overdue(datetime.now(UTC))
    for person in (world.ada, world.bob):
        running = await client.get(f"{world.base}/timer", headers=person.headers)
        assert running.status_code == 200, running.text


async def test_a_timer_paused_all_along_is_discarded(
    client: httpx.AsyncClient, world: World, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    assert (await limit(client, world, 60)).status_code == 200
    timer = await start(client, world)
    paused = await client.post(f"{world.base}/timer/pause", headers=world.ada.headers)
    assert paused.status_code == 200, paused.text
    # Paused from its very start: on a busy machine the pause may begin a second later.
    async with sessionmaker.begin() as session:
        await session.execute(
            update(Break)
            .where(Break.entry_id == UUID(timer["id"]))
            .values(
                started_at=select(TimeEntry.started_at)
                .where(TimeEntry.id == Break.entry_id)
                .scalar_subquery()
            )
        )
    await rewind_timer(sessionmaker, UUID(timer["id"]), 2 * 3600)
    await AutoStopper(sessionmaker).stop_overdue(datetime.now(UTC))
    assert await entries_of(sessionmaker, world.ada.id) == []
    events = await outbox_of(sessionmaker, UUID(timer["id"]))
    assert events[-1]["type"] == "timetracking.timer.discarded"


async def test_two_workers_stop_a_timer_once(
    client: httpx.AsyncClient, world: World, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    assert (await limit(client, world, 60)).status_code == 200
    timer = await start(client, world)
    await rewind_timer(sessionmaker, UUID(timer["id"]), 3 * 3600)
    now = datetime.now(UTC)
    await asyncio.gather(
        AutoStopper(sessionmaker).stop_overdue(now), AutoStopper(sessionmaker).stop_overdue(now)
    )
    events = await outbox_of(sessionmaker, UUID(timer["id"]))
    assert [e["type"] for e in events].count("timetracking.timer.stopped") == 1


async def test_the_worker_loop_stops_overdue_timers(
    client: httpx.AsyncClient, world: World, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    assert (await limit(client, world, 60)).status_code == 200
    timer = await start(client, world)
    await rewind_timer(sessionmaker, UUID(timer["id"]), 2 * 3600)
    stop = asyncio.Event()
    loop = asyncio.create_task(AutoStopper(sessionmaker, interval_seconds=0.05).run(stop))
    try:
        for _ in range(100):
            if (
                await client.get(f"{world.base}/timer", headers=world.ada.headers)
            ).status_code == 404:
                break
            await asyncio.sleep(0.05)
    finally:
        stop.set()
        await loop
    [entry] = await entries_of(sessionmaker, world.ada.id)
    assert entry.duration_seconds == 3600


async def test_the_worker_runs_the_auto_stop_beside_the_kits_loops(
    settings: TimetrackingSettings, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    assert worker_module.WORKER.service_loops is not None
    loops = worker_module.WORKER.service_loops(settings, sessionmaker)

    assert [type(loop) for loop in loops] == [AutoStopper]
