"""The worker's relay and consumer against the real broker, on exchanges of their own."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable

import aio_pika
import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.events.topology import declare_topology
from worksync.common.testing.broker import running, tap_events
from worksync.common.testing.waiting import eventually, queued_message_count
from worksync.workspace.config import WorkspaceSettings
from worksync.workspace.messaging.handlers import HANDLERS
from worksync.workspace.models import User, messaging
from worksync.workspace.testing import People, Workspaces
from worksync.workspace.worker import WORKER


@pytest.fixture
def worker_settings(
    make_settings: Callable[..., WorkspaceSettings],
    worksync_isolated_events: Callable[[str], dict[str, str]],
) -> WorkspaceSettings:
    return make_settings(**worksync_isolated_events("workspace"))


async def test_the_relay_publishes_member_additions(
    people: People,
    workspaces: Workspaces,
    worker_settings: WorkspaceSettings,
    worksync_amqp_channel: aio_pika.abc.AbstractChannel,
    worksync_amqp_cleanup: list[str],
) -> None:
    tap = await tap_events(
        worksync_amqp_channel, worker_settings, "workspace.member.added", worksync_amqp_cleanup
    )
    async with running(WORKER.relay(worker_settings)):
        ada, bob = await people.register(), await people.register("Bob")
        workspace = await workspaces.create(ada)
        member = await workspaces.add_member(workspace["slug"], ada, bob)

        async def addition_arrived() -> bool:
            received = await tap.drain()
            return any(event["subject"] == member["id"] for event in received)

        await eventually(addition_arrived)
    received = tap.received
    event = next(event for event in received if event["subject"] == member["id"])
    assert event["type"] == "workspace.member.added"
    assert event["source"] == "worksync/workspace"
    assert event["sequence"] == 1
    assert event["workspaceid"] == workspace["id"]
    assert event["data"] == {
        "workspace_id": workspace["id"],
        "user_id": str(bob.id),
        "role": "member",
        "email": bob.email,
        "display_name": "Bob",
    }


async def test_the_consumer_applies_user_events_once(
    client: httpx.AsyncClient,
    worker_settings: WorkspaceSettings,
    sessionmaker: async_sessionmaker[AsyncSession],
    worksync_amqp_connection: aio_pika.abc.AbstractConnection,
    worksync_amqp_channel: aio_pika.abc.AbstractChannel,
) -> None:
    queue = worker_settings.events_queue
    # Declared as the consumer will, so that messages published before it starts wait.
    await declare_topology(
        worksync_amqp_channel,
        exchange=worker_settings.events_exchange,
        dead_letter_exchange=worker_settings.dead_letter_exchange,
        queue=queue,
        bindings=list(HANDLERS),
        delivery_limit=worker_settings.event_delivery_limit,
    )
    user_id, event_id = uuid.uuid4(), str(uuid.uuid4())
    envelope = {
        "specversion": "1.0",
        "id": event_id,
        "source": "worksync/identity",
        "type": "identity.user.registered",
        "subject": str(user_id),
        "time": "2030-01-01T00:00:00Z",
        "sequence": 1,
        "data": {"user_id": str(user_id), "email": "new@example.com", "display_name": "New"},
    }
    exchange = await worksync_amqp_channel.get_exchange(
        worker_settings.events_exchange, ensure=False
    )
    for _ in range(2):
        await exchange.publish(
            aio_pika.Message(json.dumps(envelope).encode(), message_id=event_id),
            routing_key="identity.user.registered",
        )

    async with running(WORKER.consumer(worker_settings, sessionmaker)):

        async def projected() -> bool:
            async with sessionmaker() as session:
                return await session.get(User, user_id) is not None

        await eventually(projected)

        async def both_delivered() -> bool:
            return await queued_message_count(worksync_amqp_connection, queue) == 0

        await eventually(both_delivered)
    inbox = messaging.inbox
    async with sessionmaker() as session:
        recorded = await session.scalar(
            select(func.count()).select_from(inbox).where(inbox.c.event_id == uuid.UUID(event_id))
        )
    assert recorded == 1
