"""The sample producer and consumer's schema, their settings, and a relay and consumer."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable

import aio_pika
import pytest
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from worksync.common.config import CommonSettings
from worksync.common.db import create_engine, create_sessionmaker
from worksync.common.events.consumer import EventConsumer
from worksync.common.events.relay import OutboxRelay
from worksync.common.events.topology import dead_queue_name
from worksync.common.ops.services import ServiceOperations
from worksync.common.testing.schemas import schema_with_tables

from .sample import COPIES, GADGETS, SCHEMA, Base, apply_gadget, outbox

# Generous bounds for what normally takes milliseconds; they only keep a broken build from
# hanging, they measure nothing.
WAIT_LIMIT_SECONDS = 30.0
POLL_SECONDS = 0.05


@pytest.fixture(scope="module")
async def engine(worksync_database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(worksync_database_url, pool_size=2)
    async with schema_with_tables(engine, SCHEMA, Base.metadata):
        yield engine
    await engine.dispose()


@pytest.fixture
async def sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Every test starts from empty tables."""
    async with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            await connection.execute(delete(table))
    return create_sessionmaker(engine)


@pytest.fixture
def settings(
    worksync_database_url: str,
    worksync_amqp_url: str,
    worksync_exchange_names: tuple[str, str],
    worksync_amqp_cleanup: list[str],
) -> CommonSettings:
    """The sample's settings, with a queue of the test's own."""
    prefix = f"t{uuid.uuid4().hex[:8]}."
    queue = f"{prefix}sample.events"
    worksync_amqp_cleanup.extend([queue, dead_queue_name(queue), *worksync_exchange_names])
    events, dead = worksync_exchange_names
    return CommonSettings(
        service_name="sample",
        database_url=worksync_database_url,
        amqp_url=worksync_amqp_url,
        events_exchange=events,
        dead_letter_exchange=dead,
        events_queue_prefix=prefix,
    )


@pytest.fixture
def services(settings: CommonSettings) -> Callable[[], dict[str, ServiceOperations]]:
    """What `installed_services` would find, were the sample installed."""
    operations = ServiceOperations(
        settings=lambda: settings, outbox=outbox, aggregates=(GADGETS,), projections=(COPIES,)
    )
    return lambda: {"sample": operations}


@pytest.fixture
async def relay(settings: CommonSettings) -> AsyncIterator[OutboxRelay]:
    relay = OutboxRelay(
        database_url=settings.database_url,
        outbox=outbox,
        amqp_url=settings.amqp_url,
        exchange=settings.events_exchange,
        dead_letter_exchange=settings.dead_letter_exchange,
    )
    yield relay
    await relay.close()


@pytest.fixture
async def consuming(
    settings: CommonSettings, sessionmaker: async_sessionmaker[AsyncSession]
) -> AsyncIterator[EventConsumer]:
    """The sample's consumer, running until the test ends."""
    consumer = EventConsumer(
        sessionmaker=sessionmaker,
        inbox=Base.metadata.tables[f"{SCHEMA}.inbox"],
        amqp_url=settings.amqp_url,
        exchange=settings.events_exchange,
        dead_letter_exchange=settings.dead_letter_exchange,
        queue=settings.events_queue,
        handlers={"sample.gadget.*": apply_gadget},
    )
    stop = asyncio.Event()
    task = asyncio.create_task(consumer.run(stop))

    async def queue_declared() -> bool:
        async with await aio_pika.connect(settings.amqp_url) as connection:
            channel = await connection.channel()
            try:
                await channel.declare_queue(settings.events_queue, passive=True)
            except aio_pika.exceptions.ChannelNotFoundEntity:
                return False
            return True

    # Events published before the queue is bound would reach nobody.
    await _eventually(queue_declared)
    yield consumer
    stop.set()
    await task


async def _eventually(condition: Callable[[], Awaitable[bool]]) -> None:
    try:
        async with asyncio.timeout(WAIT_LIMIT_SECONDS):
            while not await condition():
                await asyncio.sleep(POLL_SECONDS)
    except TimeoutError:
        pytest.fail(f"{condition.__name__} still false after {WAIT_LIMIT_SECONDS} s")


@pytest.fixture
def eventually() -> Callable[[Callable[[], Awaitable[bool]]], Awaitable[None]]:
    return _eventually
