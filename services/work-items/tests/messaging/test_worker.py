"""The worker's relay and consumer against the real broker, on exchanges of their own."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable

import aio_pika
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.events.topology import declare_topology
from worksync.common.ids import new_id
from worksync.common.testing.broker import running, tap_events
from worksync.common.testing.waiting import eventually, queued_message_count
from worksync.work_items.config import WorkItemsSettings
from worksync.work_items.messaging.handlers import HANDLERS
from worksync.work_items.models import Issue, messaging
from worksync.work_items.testing import Api, World
from worksync.work_items.worker import WORKER


@pytest.fixture
def worker_settings(
    make_settings: Callable[..., WorkItemsSettings],
    worksync_isolated_events: Callable[[str], dict[str, str]],
) -> WorkItemsSettings:
    return make_settings(**worksync_isolated_events("work-items"))


async def test_the_relay_publishes_issue_events(
    api: Api,
    world: World,
    worker_settings: WorkItemsSettings,
    worksync_amqp_channel: aio_pika.abc.AbstractChannel,
    worksync_amqp_cleanup: list[str],
) -> None:
    tap = await tap_events(
        worksync_amqp_channel, worker_settings, "workitems.issue.*", worksync_amqp_cleanup
    )
    async with running(WORKER.relay(worker_settings)):
        issue = await api.issue(world, title="Relayed")

        async def creation_arrived() -> bool:
            received = await tap.drain()
            return any(event["subject"] == issue["id"] for event in received)

        await eventually(creation_arrived)
    received = tap.received
    event = next(event for event in received if event["subject"] == issue["id"])
    assert event["type"] == "workitems.issue.created"
    assert event["data"]["key"] == issue["key"]


async def test_the_consumer_applies_an_entry_once(
    api: Api,
    world: World,
    worker_settings: WorkItemsSettings,
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
    issue = await api.issue(world)
    entry_id, event_id = new_id(), str(new_id())
    envelope = {
        "specversion": "1.0",
        "id": event_id,
        "source": "worksync/timetracking",
        "type": "timetracking.entry.created",
        "subject": str(entry_id),
        "time": "2030-01-01T00:00:00Z",
        "sequence": 1,
        "data": {
            "entry_id": str(entry_id),
            "workspace_id": str(world.workspace.id),
            "project_id": str(world.project.id),
            "issue_id": issue["id"],
            "user_id": str(world.member.id),
            "duration_seconds": 1800,
        },
    }
    exchange = await worksync_amqp_channel.get_exchange(
        worker_settings.events_exchange, ensure=False
    )
    for _ in range(2):
        await exchange.publish(
            aio_pika.Message(json.dumps(envelope).encode(), message_id=event_id),
            routing_key="timetracking.entry.created",
        )
    async with running(WORKER.consumer(worker_settings, sessionmaker)):

        async def logged() -> bool:
            async with sessionmaker() as session:
                minutes = await session.scalar(
                    select(Issue.logged_minutes).where(Issue.id == uuid.UUID(issue["id"]))
                )
            return minutes == 30

        await eventually(logged)

        async def both_handled() -> bool:
            return await queued_message_count(worksync_amqp_connection, queue) == 0

        await eventually(both_handled)
    async with sessionmaker() as session:
        recorded = await session.scalar(
            select(func.count())
            .select_from(messaging.inbox)
            .where(messaging.inbox.c.event_id == uuid.UUID(event_id))
        )
    assert recorded == 1
