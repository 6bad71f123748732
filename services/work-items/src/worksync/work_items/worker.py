"""`python -m worksync.work_items.worker`: the outbox relay and the event consumer
(workspace events for the directory and project setup, time entries for logged minutes)."""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.db import create_engine, create_sessionmaker
from worksync.common.events.consumer import EventConsumer
from worksync.common.events.relay import OutboxRelay
from worksync.common.events.runner import run_until_signalled
from worksync.common.telemetry import configure_logging, configure_tracing
from worksync.work_items.config import WorkItemsSettings
from worksync.work_items.messaging.handlers import HANDLERS
from worksync.work_items.messaging.published import outbox
from worksync.work_items.models import messaging


def create_relay(settings: WorkItemsSettings) -> OutboxRelay:
    return OutboxRelay(
        database_url=settings.database_url,
        outbox=outbox,
        amqp_url=settings.amqp_url,
        exchange=settings.events_exchange,
        dead_letter_exchange=settings.dead_letter_exchange,
    )


def create_consumer(
    settings: WorkItemsSettings, sessionmaker: async_sessionmaker[AsyncSession]
) -> EventConsumer:
    """Reads the events of `HANDLERS` from the queue `work-items.events`."""
    return EventConsumer(
        sessionmaker=sessionmaker,
        inbox=messaging.inbox,
        amqp_url=settings.amqp_url,
        exchange=settings.events_exchange,
        dead_letter_exchange=settings.dead_letter_exchange,
        queue=settings.events_queue,
        handlers=HANDLERS,
        delivery_limit=settings.event_delivery_limit,
    )


async def run(settings: WorkItemsSettings) -> None:
    """Relay and consume until SIGINT or SIGTERM."""
    engine = create_engine(settings.database_url, pool_size=settings.database_pool_size)
    try:
        await run_until_signalled(
            create_relay(settings), create_consumer(settings, create_sessionmaker(engine))
        )
    finally:
        await engine.dispose()


def main() -> None:
    settings = WorkItemsSettings()
    configure_logging(settings)
    configure_tracing(settings)
    asyncio.run(run(settings))


if __name__ == "__main__":
    main()
