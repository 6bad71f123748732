"""The worker's relay and consumer against the real broker, on exchanges of their own."""

from __future__ import annotations

from collections.abc import Callable

import aio_pika
import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.events.topology import declare_topology
from worksync.common.ids import new_id
from worksync.common.testing.broker import running, tap_events
from worksync.common.testing.waiting import eventually, queued_message_count
from worksync.timetracking.config import TimetrackingSettings
from worksync.timetracking.messaging.handlers import HANDLERS
from worksync.timetracking.models import Issue, messaging
from worksync.timetracking.testing import World, build_settings, issue_event
from worksync.timetracking.worker import WORKER


@pytest.fixture
def worker_settings(
    settings: TimetrackingSettings,
    worksync_isolated_events: Callable[[str], dict[str, str]],
) -> TimetrackingSettings:
    return build_settings(
        settings.database_url, settings.amqp_url, **worksync_isolated_events("timetracking")
    )


async def test_the_relay_publishes_timer_and_entry_events(
    client: httpx.AsyncClient,
    world: World,
    worker_settings: TimetrackingSettings,
    worksync_amqp_channel: aio_pika.abc.AbstractChannel,
    worksync_amqp_cleanup: list[str],
) -> None:
    tap = await tap_events(
        worksync_amqp_channel, worker_settings, "timetracking.#", worksync_amqp_cleanup
    )
    async with running(WORKER.relay(worker_settings)):
        started = await client.post(
            f"{world.base}/timer/start",
            json={"project_id": str(world.project.id)},
            headers=world.ada.headers,
        )
        timer_id = started.json()["id"]

        async def start_arrived() -> bool:
            received = await tap.drain()
            return any(event["subject"] == timer_id for event in received)

        await eventually(start_arrived)
    received = tap.received
    event = next(event for event in received if event["subject"] == timer_id)
    assert (event["type"], event["sequence"]) == ("timetracking.timer.started", 1)
    assert event["data"]["user_id"] == str(world.ada.id)


async def test_the_consumer_applies_issue_events_once(
    client: httpx.AsyncClient,
    worker_settings: TimetrackingSettings,
    sessionmaker: async_sessionmaker[AsyncSession],
    worksync_amqp_connection: aio_pika.abc.AbstractConnection,
    worksync_amqp_channel: aio_pika.abc.AbstractChannel,
) -> None:
    queue = worker_settings.events_queue
    await declare_topology(
        worksync_amqp_channel,
        exchange=worker_settings.events_exchange,
        dead_letter_exchange=worker_settings.dead_letter_exchange,
        queue=queue,
        bindings=list(HANDLERS),
        delivery_limit=worker_settings.event_delivery_limit,
    )
    issue_id = new_id()
    event = issue_event("created", issue_id, workspace_id=new_id(), project_id=new_id(), sequence=1)
    exchange = await worksync_amqp_channel.get_exchange(
        worker_settings.events_exchange, ensure=False
    )
    for _ in range(2):
        await exchange.publish(
            aio_pika.Message(event.model_dump_json().encode(), message_id=str(event.id)),
            routing_key=event.type,
        )
    async with running(WORKER.consumer(worker_settings, sessionmaker)):

        async def projected() -> bool:
            async with sessionmaker() as session:
                return await session.get(Issue, issue_id) is not None

        await eventually(projected)

        async def both_delivered() -> bool:
            return await queued_message_count(worksync_amqp_connection, queue) == 0

        await eventually(both_delivered)
    inbox = messaging.inbox
    async with sessionmaker() as session:
        recorded = await session.scalar(
            select(func.count()).select_from(inbox).where(inbox.c.event_id == event.id)
        )
    assert recorded == 1
