"""The worker's database away for a minute while members are removed: when it returns, every
removal is applied once, nothing went to the dead queue, and the removed are refused."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.db import create_engine, create_sessionmaker
from worksync.common.testing.broker import running
from worksync.common.testing.links import TcpLink, tcp_link
from worksync.common.testing.problems import assert_problem
from worksync.common.testing.waiting import eventually, queued_message_count
from worksync.common.testing.worker import WorkerUnderTest
from worksync.common.testing.workspace_events import member_event
from worksync.timetracking.testing import World

# What the hardening issue names: far past the consumer's delivery limit of quick retries
# (before the pause existed, a removal reached the dead queue after about 25 s).
OUTAGE_SECONDS = 60.0
# Above any sequence the seeded memberships carry.
REMOVAL_SEQUENCE = 1_000


@pytest.fixture
async def database_link(worksync_database_url: str) -> AsyncIterator[TcpLink]:
    async with tcp_link(worksync_database_url, 5432) as link:
        yield link


@pytest.fixture
async def linked_sessionmaker(
    database_link: TcpLink,
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions for the worker whose connections go through `database_link`."""
    engine = create_engine(database_link.url, pool_size=2)
    yield create_sessionmaker(engine)
    await engine.dispose()


async def test_a_minute_without_the_database_loses_no_removal(
    client: httpx.AsyncClient,
    world: World,
    worker: WorkerUnderTest,
    database_link: TcpLink,
    linked_sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    removed = [world.ada, world.bob]
    await worker.declare_queue()
    async with running(worker.worker.consumer(worker.settings, linked_sessionmaker)):
        database_link.down()
        removals = [
            member_event(
                "removed", world.workspace.id, person.id, role="member", sequence=REMOVAL_SEQUENCE
            )
            for person in removed
        ]
        for event in removals:
            await worker.publish(event)
        await asyncio.sleep(OUTAGE_SECONDS)
        dead = await queued_message_count(worker.connection, f"{worker.queue}.dead")
        assert dead == 0, "an outage spends no delivery"
        database_link.up()

        async def removals_applied() -> bool:
            counts = [await worker.inbox_count(event.id) for event in removals]
            return counts == [1] * len(removals)

        await eventually(removals_applied)

    assert await queued_message_count(worker.connection, f"{worker.queue}.dead") == 0
    for person in removed:
        answer = await client.get(f"{world.base}/time-entries", headers=person.headers)
        assert_problem(answer, 404, "workspace_not_found")
    kept = await client.get(f"{world.base}/time-entries", headers=world.admin.headers)
    assert kept.status_code == 200, kept.text
