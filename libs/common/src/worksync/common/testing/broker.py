"""Watching what a worker publishes, and running workers for the length of a block."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from aio_pika.abc import AbstractChannel, AbstractQueue

from worksync.common.config import CommonSettings
from worksync.common.events.runner import Runnable
from worksync.common.events.topology import declare_topology
from worksync.common.testing.waiting import eventually


@dataclass
class EventTap:
    """A private queue bound to the events exchange: the events published while it exists."""

    queue: AbstractQueue
    received: list[dict[str, Any]] = field(default_factory=list)

    async def drain(self) -> list[dict[str, Any]]:
        """Every event received so far (envelopes as JSON), oldest first."""
        while (message := await self.queue.get(no_ack=True, fail=False)) is not None:
            self.received.append(json.loads(message.body))
        return self.received

    async def about(self, subject: str) -> list[dict[str, Any]]:
        return [event for event in await self.drain() if event["subject"] == subject]

    async def first(self, matches: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
        """The first event that `matches`, once one has arrived (waiting as `eventually`)."""

        async def arrived() -> bool:
            return any(matches(event) for event in await self.drain())

        await eventually(arrived)
        return next(event for event in self.received if matches(event))

    async def first_about(self, subject: str) -> dict[str, Any]:
        """The first event about `subject`, once one has arrived."""
        return await self.first(lambda event: event["subject"] == subject)


async def tap_events(
    channel: AbstractChannel, settings: CommonSettings, routing_key: str, cleanup: list[str]
) -> EventTap:
    """Declare the service's exchanges as its worker does and a queue bound to
    `routing_key`, deleted by the `worksync_amqp_cleanup` list `cleanup`."""
    await declare_topology(
        channel,
        exchange=settings.events_exchange,
        dead_letter_exchange=settings.dead_letter_exchange,
    )
    queue = await channel.declare_queue(f"tap-{uuid.uuid4().hex}", exclusive=True)
    cleanup.append(queue.name)
    await queue.bind(settings.events_exchange, routing_key=routing_key)
    return EventTap(queue)


@asynccontextmanager
async def running(*components: Runnable) -> AsyncIterator[None]:
    """Run relays and consumers until the block ends, then stop them and wait."""
    stop = asyncio.Event()
    tasks = [asyncio.create_task(component.run(stop)) for component in components]
    try:
        yield
    finally:
        stop.set()
        await asyncio.gather(*tasks)
