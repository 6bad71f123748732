"""A service's worker in a test (the `worker` fixture): its relay and consumer on exchanges
and a queue of the test's own, run for the length of a block, events published to it and
tapped from it::

    async def test_the_relay_publishes_x(worker: WorkerUnderTest) -> None:
        tap = await worker.tap("work.x.*")
        async with worker.relaying():
            x = await make_x()
            event = await tap.first_about(x["id"])
        assert event["type"] == "work.x.created"

    async def test_the_consumer_applies_y_once(worker: WorkerUnderTest) -> None:
        await worker.publish(event, times=2)  # the queue is declared first: both wait in it
        async with worker.consuming():
            await eventually(projected)
            await eventually(worker.queue_is_empty)
        assert await worker.inbox_count(event.id) == 1
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractConnection
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.config import CommonSettings
from worksync.common.events.envelope import CloudEvent
from worksync.common.events.topology import declare_topology
from worksync.common.events.worker import ServiceWorker
from worksync.common.testing.broker import EventTap, running, tap_events
from worksync.common.testing.waiting import queued_message_count


@dataclass
class WorkerUnderTest:
    worker: ServiceWorker
    # The service's settings with isolated events (`worker_settings`).
    settings: CommonSettings
    sessionmaker: async_sessionmaker[AsyncSession]
    connection: AbstractConnection
    channel: AbstractChannel
    # `worksync_amqp_cleanup`: what the test declares is deleted after it.
    cleanup: list[str]

    @property
    def queue(self) -> str:
        return self.settings.events_queue

    def relaying(self) -> AbstractAsyncContextManager[None]:
        """The outbox relay, running until the block ends."""
        return running(self.worker.relay(self.settings))

    def consuming(self) -> AbstractAsyncContextManager[None]:
        """The event consumer, running until the block ends (then in-flight handlers finish)."""
        return running(self.worker.consumer(self.settings, self.sessionmaker))

    def running(self) -> AbstractAsyncContextManager[None]:
        """Consumer and relay side by side, as the worker process runs them."""
        return running(
            self.worker.consumer(self.settings, self.sessionmaker),
            self.worker.relay(self.settings),
        )

    async def tap(self, routing_key: str) -> EventTap:
        """The events published to `routing_key` from now on."""
        return await tap_events(self.channel, self.settings, routing_key, self.cleanup)

    async def declare_queue(self) -> None:
        """The consumer's exchanges, queue and bindings, declared as it will declare them, so
        that what is published before it starts waits in the queue."""
        await declare_topology(
            self.channel,
            exchange=self.settings.events_exchange,
            dead_letter_exchange=self.settings.dead_letter_exchange,
            queue=self.queue,
            bindings=list(self.worker.handlers),
            delivery_limit=self.settings.event_delivery_limit,
        )

    async def publish(self, event: CloudEvent | Mapping[str, Any], *, times: int = 1) -> None:
        """Publish an event (or an envelope as JSON) `times` times under its id, as a producer
        retrying would; the consumer's queue is declared first."""
        await self.declare_queue()
        if isinstance(event, CloudEvent):
            body, event_id, event_type = event.model_dump_json(), str(event.id), event.type
        else:
            body, event_id, event_type = json.dumps(event), str(event["id"]), event["type"]
        exchange = await self.channel.get_exchange(self.settings.events_exchange, ensure=False)
        for _ in range(times):
            await exchange.publish(
                aio_pika.Message(body.encode(), message_id=event_id), routing_key=event_type
            )

    async def queue_is_empty(self) -> bool:
        """Whether every message in the consumer's queue has been settled."""
        return await queued_message_count(self.connection, self.queue) == 0

    async def inbox_count(self, event_id: UUID | str) -> int:
        """How often the consumer recorded the event as handled."""
        inbox = self.worker.inbox
        async with self.sessionmaker() as session:
            count = await session.scalar(
                select(func.count())
                .select_from(inbox)
                .where(inbox.c.event_id == UUID(str(event_id)))
            )
        return int(count or 0)
