"""Fixtures for event transport tests: a fresh schema and fresh broker names per test."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable

import aio_pika
import pytest
from aio_pika.abc import AbstractChannel, AbstractIncomingMessage, AbstractQueue
from sqlalchemy import Column, Integer, MetaData, String, Table, Uuid
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from worksync.common.db import create_engine, create_sessionmaker, service_metadata
from worksync.common.events.tables import MessagingTables, define_messaging_tables
from worksync.common.events.topology import dead_queue_name, declare_topology
from worksync.common.testing.schemas import schema_with_tables

# Generous bounds for conditions that normally hold within milliseconds; they only keep a
# broken build from hanging, they do not measure speed.
WAIT_LIMIT_SECONDS = 30.0
POLL_SECONDS = 0.02


async def _eventually(condition: Callable[[], Awaitable[bool]]) -> None:
    try:
        async with asyncio.timeout(WAIT_LIMIT_SECONDS):
            while not await condition():
                await asyncio.sleep(POLL_SECONDS)
    except TimeoutError:
        pytest.fail(f"{condition.__name__} still false after {WAIT_LIMIT_SECONDS} s")


async def _next_message(queue: AbstractQueue) -> AbstractIncomingMessage:
    try:
        async with asyncio.timeout(WAIT_LIMIT_SECONDS):
            while (message := await queue.get(fail=False)) is None:
                await asyncio.sleep(POLL_SECONDS)
    except TimeoutError:
        pytest.fail(f"no message in {queue.name} after {WAIT_LIMIT_SECONDS} s")
    return message


async def _drain(queue: AbstractQueue) -> list[AbstractIncomingMessage]:
    messages = []
    while (message := await queue.get(no_ack=True, fail=False)) is not None:
        messages.append(message)
    return messages


@pytest.fixture
def eventually() -> Callable[[Callable[[], Awaitable[bool]]], Awaitable[None]]:
    """Wait until an async condition holds (fails the test after a generous bound)."""
    return _eventually


@pytest.fixture
def next_message() -> Callable[[AbstractQueue], Awaitable[AbstractIncomingMessage]]:
    """Wait for the next message of a queue; the caller settles it."""
    return _next_message


@pytest.fixture
def drain() -> Callable[[AbstractQueue], Awaitable[list[AbstractIncomingMessage]]]:
    """Take (and ack) every message a queue holds now."""
    return _drain


@pytest.fixture(scope="session")
async def engine(worksync_database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(worksync_database_url, pool_size=5)
    yield engine
    await engine.dispose()


@pytest.fixture
async def metadata(engine: AsyncEngine) -> AsyncIterator[MetaData]:
    """Outbox, inbox and an `effects` table (what handlers did) in a schema of its own."""
    schema = f"evt_{uuid.uuid4().hex[:12]}"
    metadata = service_metadata(schema)
    define_messaging_tables(metadata)
    Table(
        "effects",
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("event_id", Uuid, nullable=False),
        Column("event_type", String(200), nullable=False),
    )
    async with schema_with_tables(engine, schema, metadata):
        yield metadata


@pytest.fixture
def messaging(metadata: MetaData) -> MessagingTables:
    return MessagingTables(
        outbox=metadata.tables[f"{metadata.schema}.outbox"],
        inbox=metadata.tables[f"{metadata.schema}.inbox"],
    )


@pytest.fixture
def effects(metadata: MetaData) -> Table:
    return metadata.tables[f"{metadata.schema}.effects"]


@pytest.fixture
def sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_sessionmaker(engine)


@pytest.fixture
def exchanges(
    worksync_exchange_names: tuple[str, str], worksync_amqp_cleanup: list[str]
) -> tuple[str, str]:
    """(events exchange, dead-letter exchange), unique to the test."""
    suffix = uuid.uuid4().hex[:8]
    events, dead = (f"{name}.{suffix}" for name in worksync_exchange_names)
    worksync_amqp_cleanup.extend([events, dead])
    return events, dead


@pytest.fixture
def queue_name(worksync_amqp_cleanup: list[str]) -> str:
    name = f"test.{uuid.uuid4().hex[:12]}.events"
    worksync_amqp_cleanup.extend([name, dead_queue_name(name)])
    return name


@pytest.fixture
async def channel(worksync_amqp_url: str) -> AsyncIterator[AbstractChannel]:
    """A channel with publisher confirms: a publish returns once the broker routed it."""
    async with await aio_pika.connect(worksync_amqp_url) as connection:
        yield await connection.channel()


QueueDeclarer = Callable[..., Awaitable[None]]


@pytest.fixture
def declare_queue(
    channel: AbstractChannel, exchanges: tuple[str, str], queue_name: str
) -> QueueDeclarer:
    """Declares the test's queue and its dead queue on the test's exchanges, with these
    bindings, as a consumer does."""

    async def declare(bindings: list[str], *, delivery_limit: int = 1) -> None:
        await declare_topology(
            channel,
            exchange=exchanges[0],
            dead_letter_exchange=exchanges[1],
            queue=queue_name,
            bindings=bindings,
            delivery_limit=delivery_limit,
        )

    return declare


@pytest.fixture
async def tap(channel: AbstractChannel, exchanges: tuple[str, str]) -> AbstractQueue:
    """A throwaway queue that receives every event published on the test's exchange."""
    events, dead = exchanges
    await declare_topology(channel, exchange=events, dead_letter_exchange=dead)
    queue = await channel.declare_queue(exclusive=True)
    await queue.bind(events, routing_key="#")
    return queue
