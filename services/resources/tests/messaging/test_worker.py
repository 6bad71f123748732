"""The worker's consumer and relay against the real broker, on exchanges of their own:
a member joining upstream gets a profile, whose event the relay publishes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import aio_pika
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.events.envelope import CloudEvent
from worksync.common.events.topology import declare_topology
from worksync.common.ids import new_id
from worksync.common.testing.broker import running, tap_events
from worksync.common.testing.waiting import eventually
from worksync.common.testing.workspace_events import member_event
from worksync.resources.config import ResourcesSettings
from worksync.resources.messaging.handlers import HANDLERS
from worksync.resources.models import ActualDay, CapacityProfile
from worksync.resources.testing import build_settings, entry_event
from worksync.resources.worker import WORKER


@pytest.fixture
def worker_settings(
    database_url: str,
    worksync_amqp_url: str,
    worksync_isolated_events: Callable[[str], dict[str, str]],
) -> ResourcesSettings:
    return build_settings(database_url, worksync_amqp_url, **worksync_isolated_events("resources"))


async def _publish(channel: aio_pika.abc.AbstractChannel, exchange: str, event: CloudEvent) -> None:
    target = await channel.get_exchange(exchange, ensure=False)
    await target.publish(
        aio_pika.Message(event.model_dump_json().encode(), message_id=str(event.id)),
        routing_key=event.type,
    )


async def test_consumed_events_reach_profiles_and_actuals_and_the_relay_publishes(
    worker_settings: ResourcesSettings,
    sessionmaker: async_sessionmaker[AsyncSession],
    worksync_amqp_channel: aio_pika.abc.AbstractChannel,
    worksync_amqp_cleanup: list[str],
) -> None:
    exchange = worker_settings.events_exchange
    await declare_topology(
        worksync_amqp_channel,
        exchange=exchange,
        dead_letter_exchange=worker_settings.dead_letter_exchange,
        queue=worker_settings.events_queue,
        bindings=list(HANDLERS),
        delivery_limit=worker_settings.event_delivery_limit,
    )
    tap = await tap_events(
        worksync_amqp_channel,
        worker_settings,
        "resources.capacity_profile.created",
        worksync_amqp_cleanup,
    )

    workspace_id, user_id, entry_id = new_id(), new_id(), new_id()
    joined = member_event("added", workspace_id, user_id, role="member", sequence=1)
    tracked = entry_event(
        "created",
        entry_id=entry_id,
        workspace_id=workspace_id,
        user_id=user_id,
        project_id=new_id(),
        days=[(date(2026, 1, 5), 1800)],
        sequence=1,
    )
    for event in (joined, joined, tracked):
        await _publish(worksync_amqp_channel, exchange, event)

    async with running(
        WORKER.consumer(worker_settings, sessionmaker), WORKER.relay(worker_settings)
    ):

        async def profile_published() -> bool:
            received = await tap.drain()
            return any(e["data"]["user_id"] == str(user_id) for e in received)

        await eventually(profile_published)

        async def tracked_projected() -> bool:
            async with sessionmaker() as session:
                return await session.get(ActualDay, (entry_id, date(2026, 1, 5))) is not None

        await eventually(tracked_projected)
    received = tap.received
    async with sessionmaker() as session:
        profiles = (
            await session.scalars(select(CapacityProfile).where(CapacityProfile.user_id == user_id))
        ).all()
    assert len(profiles) == 1
    [relayed] = [e for e in received if e["data"]["user_id"] == str(user_id)]
    assert (relayed["source"], relayed["sequence"], relayed["subject"]) == (
        "worksync/resources",
        1,
        str(profiles[0].id),
    )
