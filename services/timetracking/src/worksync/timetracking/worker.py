"""`python -m worksync.timetracking.worker`: the outbox relay and the event consumer."""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.db import create_engine, create_sessionmaker
from worksync.common.events.consumer import EventConsumer
from worksync.common.events.relay import OutboxRelay
from worksync.common.events.runner import run_until_signalled
from worksync.common.telemetry import configure_logging, configure_tracing
from worksync.timetracking.config import TimetrackingSettings
from worksync.timetracking.messaging.handlers import HANDLERS
from worksync.timetracking.messaging.published import outbox
from worksync.timetracking.models import messaging


def create_relay(settings: TimetrackingSettings) -> OutboxRelay:
    return OutboxRelay(
        database_url=settings.database_url,
        outbox=outbox,
        amqp_url=settings.amqp_url,
        exchange=settings.events_exchange,
        dead_letter_exchange=settings.dead_letter_exchange,
    )


def create_consumer(
    settings: TimetrackingSettings, sessionmaker: async_sessionmaker[AsyncSession]
) -> EventConsumer:
    """Reads workspace events into the directory and issue events into the issue projection
    (queue `timetracking.events`)."""
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


async def run(settings: TimetrackingSettings) -> None:
    """Relay and consume until SIGINT or SIGTERM."""
    engine = create_engine(settings.database_url, pool_size=settings.database_pool_size)
    try:
        await run_until_signalled(
            create_relay(settings), create_consumer(settings, create_sessionmaker(engine))
        )
    finally:
        await engine.dispose()


def main() -> None:
    settings = TimetrackingSettings()
    configure_logging(settings)
    configure_tracing(settings)
    asyncio.run(run(settings))


if __name__ == "__main__":
    main()
