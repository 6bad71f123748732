"""A service's worker process: its outbox relay and its event consumer, run side by side.

Each service describes its worker once, from its own outbox, inbox and handlers::

    WORKER = ServiceWorker(outbox=outbox, inbox=messaging.inbox, handlers=HANDLERS)

    if __name__ == "__main__":
        WORKER.main(TimetrackingSettings())

and `python -m worksync.<service>.worker` relays and consumes until SIGINT or SIGTERM.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.config import CommonSettings
from worksync.common.db import create_engine, create_sessionmaker
from worksync.common.events.consumer import EventConsumer, Handler
from worksync.common.events.outbox import Outbox
from worksync.common.events.relay import OutboxRelay
from worksync.common.events.runner import run_until_signalled
from worksync.common.telemetry import configure_logging, configure_tracing


@dataclass(frozen=True)
class ServiceWorker:
    outbox: Outbox
    inbox: Table
    # Event type (or topic pattern) -> handler; the consumer's queue is bound to these keys.
    handlers: Mapping[str, Handler]

    def relay(self, settings: CommonSettings) -> OutboxRelay:
        return OutboxRelay(
            database_url=settings.database_url,
            outbox=self.outbox,
            amqp_url=settings.amqp_url,
            exchange=settings.events_exchange,
            dead_letter_exchange=settings.dead_letter_exchange,
        )

    def consumer(
        self, settings: CommonSettings, sessionmaker: async_sessionmaker[AsyncSession]
    ) -> EventConsumer:
        """Reads the handled event types from the service's queue, `<service>.events`."""
        return EventConsumer(
            sessionmaker=sessionmaker,
            inbox=self.inbox,
            amqp_url=settings.amqp_url,
            exchange=settings.events_exchange,
            dead_letter_exchange=settings.dead_letter_exchange,
            queue=settings.events_queue,
            handlers=self.handlers,
            delivery_limit=settings.event_delivery_limit,
        )

    async def run(self, settings: CommonSettings) -> None:
        """Relay and consume until SIGINT or SIGTERM."""
        engine = create_engine(settings.database_url, pool_size=settings.database_pool_size)
        try:
            await run_until_signalled(
                self.relay(settings), self.consumer(settings, create_sessionmaker(engine))
            )
        finally:
            await engine.dispose()

    def main(self, settings: CommonSettings) -> None:
        configure_logging(settings)
        configure_tracing(settings)
        asyncio.run(self.run(settings))
