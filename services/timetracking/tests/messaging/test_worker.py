"""The worker's relay and consumer against the real broker, on exchanges of their own."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.ids import new_id
from worksync.common.testing.waiting import eventually
from worksync.common.testing.worker import WorkerUnderTest
from worksync.common.testing.workspace_events import client_event
from worksync.timetracking.models import Client, Issue
from worksync.timetracking.testing import World, issue_event


async def test_the_relay_publishes_timer_and_entry_events(
    client: httpx.AsyncClient, world: World, worker: WorkerUnderTest
) -> None:
    tap = await worker.tap("timetracking.#")
    async with worker.relaying():
        started = await client.post(
            f"{world.base}/timer/start",
            json={"project_id": str(world.project.id)},
            headers=world.ada.headers,
        )
        event = await tap.first_about(started.json()["id"])
    assert (event["type"], event["sequence"]) == ("timetracking.timer.started", 1)
    assert event["data"]["user_id"] == str(world.ada.id)


async def test_the_consumer_applies_issue_events_once(
    worker: WorkerUnderTest, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    issue_id = new_id()
    event = issue_event("created", issue_id, workspace_id=new_id(), project_id=new_id(), sequence=1)
    await worker.publish(event, times=2)
    async with worker.consuming():

        async def projected() -> bool:
            async with sessionmaker() as session:
                return await session.get(Issue, issue_id) is not None

        await eventually(projected)
        await eventually(worker.queue_is_empty)
    assert await worker.inbox_count(event.id) == 1


async def test_the_consumer_applies_client_events_once(
    worker: WorkerUnderTest, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    client_id = new_id()
    event = client_event("created", client_id, new_id(), sequence=1, name="Initech")
    await worker.publish(event, times=2)
    async with worker.consuming():

        async def projected() -> bool:
            async with sessionmaker() as session:
                return await session.get(Client, client_id) is not None

        await eventually(projected)
        await eventually(worker.queue_is_empty)
    assert await worker.inbox_count(event.id) == 1
