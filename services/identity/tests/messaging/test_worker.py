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
from worksync.identity.config import IdentitySettings
from worksync.identity.messaging.handlers import HANDLERS
from worksync.identity.models import WorkspaceMembership, messaging
from worksync.identity.testing import Accounts
from worksync.identity.worker import WORKER


@pytest.fixture
def worker_settings(
    make_settings: Callable[..., IdentitySettings],
    worksync_isolated_events: Callable[[str], dict[str, str]],
) -> IdentitySettings:
    return make_settings(**worksync_isolated_events("identity"))


async def test_the_relay_publishes_registrations(
    client: httpx.AsyncClient,
    accounts: Accounts,
    worker_settings: IdentitySettings,
    worksync_amqp_channel: aio_pika.abc.AbstractChannel,
    worksync_amqp_cleanup: list[str],
) -> None:
    tap = await tap_events(
        worksync_amqp_channel, worker_settings, "identity.user.*", worksync_amqp_cleanup
    )
    async with running(WORKER.relay(worker_settings)):
        user = await accounts.register()

        async def registration_arrived() -> bool:
            received = await tap.drain()
            return any(event["subject"] == user["id"] for event in received)

        await eventually(registration_arrived)
    received = tap.received
    event = next(event for event in received if event["subject"] == user["id"])
    assert event["type"] == "identity.user.registered"
    assert event["source"] == "worksync/identity"
    assert event["sequence"] == 1
    assert event["data"] == {
        "user_id": user["id"],
        "email": user["email"],
        "display_name": user["display_name"],
    }


async def test_the_consumer_applies_membership_events_once(
    worker_settings: IdentitySettings,
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
    workspace, user = uuid.uuid4(), uuid.uuid4()
    event_id = str(uuid.uuid4())
    envelope = {
        "specversion": "1.0",
        "id": event_id,
        "source": "worksync/workspace",
        "type": "workspace.member.added",
        "subject": str(workspace),
        "time": "2030-01-01T00:00:00Z",
        "sequence": 7,
        "data": {"workspace_id": str(workspace), "user_id": str(user), "role": "admin"},
    }
    exchange = await worksync_amqp_channel.get_exchange(
        worker_settings.events_exchange, ensure=False
    )
    for _ in range(2):
        await exchange.publish(
            aio_pika.Message(json.dumps(envelope).encode(), message_id=event_id),
            routing_key="workspace.member.added",
        )

    async with running(WORKER.consumer(worker_settings, sessionmaker)):

        async def projected() -> bool:
            async with sessionmaker() as session:
                row = await session.get(WorkspaceMembership, (workspace, user))
                return row is not None and row.sequence == 7 and not row.removed

        await eventually(projected)

        async def both_delivered() -> bool:
            return await queued_message_count(worksync_amqp_connection, queue) == 0

        await eventually(both_delivered)
    # Leaving the block stopped the consumer, which lets handlers in flight finish; anything
    # unsettled would be back in the queue.
    assert await queued_message_count(worksync_amqp_connection, queue) == 0
    async with sessionmaker() as session:
        inbox = messaging.inbox
        recorded = await session.scalar(
            select(func.count()).select_from(inbox).where(inbox.c.event_id == uuid.UUID(event_id))
        )
    assert recorded == 1
