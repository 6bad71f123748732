"""Directory fixtures: a schema per test module, a running consumer, the directory asking
the plugin's stand-in workspace API (`workspace_api`, served at `workspace_api_url`)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

import aio_pika
import httpx
import pytest
from aio_pika.abc import AbstractChannel
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from worksync.common.db import create_engine, create_sessionmaker, service_metadata
from worksync.common.directory import (
    Directory,
    DirectoryTables,
    define_directory_tables,
    directory_handlers,
)
from worksync.common.events.consumer import EventConsumer
from worksync.common.events.envelope import CloudEvent
from worksync.common.events.handlers import Handler
from worksync.common.events.tables import MessagingTables, define_messaging_tables
from worksync.common.events.topology import dead_queue_name, declare_topology

# The kit's stand-in workspace API, as every suite gets it.
from worksync.common.testing.fixtures import workspace_api, workspace_api_url  # noqa: F401
from worksync.common.testing.schemas import schema_with_tables
from worksync.common.testing.tokens import TokenMinter

# Generous bounds for what normally takes milliseconds: they only keep a broken build
# from hanging, they measure nothing.
WAIT_LIMIT_SECONDS = 30.0
POLL_SECONDS = 0.02
# Published after a batch; with one message in flight at a time, once it is handled so is
# everything published before it.
SYNC_EVENT_TYPE = "test.directory.synced"


async def eventually(condition: Callable[[], Awaitable[bool]]) -> None:
    try:
        async with asyncio.timeout(WAIT_LIMIT_SECONDS):
            while not await condition():
                await asyncio.sleep(POLL_SECONDS)
    except TimeoutError:
        pytest.fail(f"{condition.__name__} still false after {WAIT_LIMIT_SECONDS} s")


@dataclass(frozen=True)
class Projection:
    tables: DirectoryTables
    messaging: MessagingTables


@pytest.fixture(scope="session")
async def engine(worksync_database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(worksync_database_url, pool_size=5)
    yield engine
    await engine.dispose()


@pytest.fixture(scope="module")
async def projection(engine: AsyncEngine) -> AsyncIterator[Projection]:
    """The directory's tables, inbox and outbox in a schema of the module's own."""
    schema = f"directory_{uuid.uuid4().hex[:12]}"
    metadata = service_metadata(schema)
    projection = Projection(define_directory_tables(metadata), define_messaging_tables(metadata))
    async with schema_with_tables(engine, schema, metadata):
        yield projection


@pytest.fixture
def tables(projection: Projection) -> DirectoryTables:
    return projection.tables


@pytest.fixture(scope="session")
def sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_sessionmaker(engine)


class Bus:
    """Publishes workspace events to a consumer that runs `directory_handlers`."""

    def __init__(
        self,
        channel: AbstractChannel,
        exchange: str,
        sessionmaker: async_sessionmaker[AsyncSession],
        messaging: MessagingTables,
    ) -> None:
        self._channel = channel
        self._exchange = exchange
        self._sessionmaker = sessionmaker
        self._inbox = messaging.inbox

    async def publish(self, *events: CloudEvent) -> None:
        """Publish (confirmed by the broker) without waiting for the consumer."""
        exchange = await self._channel.get_exchange(self._exchange, ensure=False)
        for event in events:
            message = aio_pika.Message(
                event.model_dump_json().encode(), content_type="application/cloudevents+json"
            )
            await exchange.publish(message, routing_key=event.type)

    async def settle(self) -> None:
        """Wait until the consumer handled everything published so far."""
        marker = CloudEvent(
            source="worksync/test", type=SYNC_EVENT_TYPE, subject="sync", sequence=0, data={}
        )
        await self.publish(marker)

        async def marker_handled() -> bool:
            async with self._sessionmaker() as session:
                query = select(self._inbox.c.event_id).where(self._inbox.c.event_id == marker.id)
                return await session.scalar(query) is not None

        await eventually(marker_handled)

    async def deliver(self, *events: CloudEvent) -> None:
        """Publish in this order and wait until the consumer applied them all."""
        await self.publish(*events)
        await self.settle()


async def _ignore(session: AsyncSession, event: CloudEvent) -> None:
    """The sync marker's handler: its inbox row is the point."""


@pytest.fixture
async def bus(
    projection: Projection,
    sessionmaker: async_sessionmaker[AsyncSession],
    worksync_amqp_url: str,
    worksync_exchange_names: tuple[str, str],
    worksync_amqp_cleanup: list[str],
) -> AsyncIterator[Bus]:
    """A consumer of the directory's events on broker objects of the test's own."""
    suffix = uuid.uuid4().hex[:8]
    exchange, dead_letter_exchange = (f"{name}.{suffix}" for name in worksync_exchange_names)
    queue = f"test.directory.{suffix}.events"
    worksync_amqp_cleanup.extend([exchange, dead_letter_exchange, queue, dead_queue_name(queue)])
    handlers: dict[str, Handler] = {
        **directory_handlers(projection.tables),
        SYNC_EVENT_TYPE: _ignore,
    }
    # One message in flight at a time: events are applied in the order they were published.
    consumer = EventConsumer(
        sessionmaker=sessionmaker,
        inbox=projection.messaging.inbox,
        amqp_url=worksync_amqp_url,
        exchange=exchange,
        dead_letter_exchange=dead_letter_exchange,
        queue=queue,
        handlers=handlers,
        delivery_limit=2,
        prefetch=1,
        reconnect_delay_seconds=0.01,
        retry_delay_seconds=0.01,
    )
    async with await aio_pika.connect(worksync_amqp_url) as connection:
        channel = await connection.channel()
        # Declared before the consumer runs, so nothing published early is lost.
        await declare_topology(
            channel,
            exchange=exchange,
            dead_letter_exchange=dead_letter_exchange,
            queue=queue,
            bindings=list(handlers),
            delivery_limit=consumer.delivery_limit,
        )
        stop = asyncio.Event()
        running = asyncio.create_task(consumer.run(stop))
        try:
            yield Bus(channel, exchange, sessionmaker, projection.messaging)
        finally:
            stop.set()
            async with asyncio.timeout(WAIT_LIMIT_SECONDS):
                await running


@pytest.fixture(scope="session")
def minter() -> TokenMinter:
    return TokenMinter()


@pytest.fixture(scope="module")
async def http_client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as client:
        yield client


@pytest.fixture
def directory(
    tables: DirectoryTables,
    http_client: httpx.AsyncClient,
    workspace_api_url: str,  # noqa: F811 (the fixture imported above)
) -> Directory:
    return Directory(tables, http_client, workspace_api_url)
