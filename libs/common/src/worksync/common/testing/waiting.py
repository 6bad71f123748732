"""Waiting in tests for what happens asynchronously (events crossing the broker, requests
reaching a lock)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from aio_pika.abc import AbstractConnection
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

# Bounds that only keep a broken build from hanging; they measure nothing.
WAIT_LIMIT_SECONDS = 30.0
POLL_SECONDS = 0.05


async def eventually(condition: Callable[[], Awaitable[bool]]) -> None:
    """Return once `condition` holds; fail after `WAIT_LIMIT_SECONDS`."""
    async with asyncio.timeout(WAIT_LIMIT_SECONDS):
        while not await condition():  # noqa: ASYNC110 - the state is outside this process
            await asyncio.sleep(POLL_SECONDS)


async def queued_message_count(connection: AbstractConnection, queue: str) -> int:
    """Messages ready in `queue`, on a channel of its own (a passive declaration of a
    missing queue closes the channel it runs on)."""
    async with await connection.channel() as channel:
        declared = await channel.declare_queue(queue, passive=True)
        return declared.declaration_result.message_count or 0


async def someone_waits_for_a_lock(sessionmaker: async_sessionmaker[AsyncSession]) -> bool:
    """Whether a session of this database waits for a lock: the moment a request under test
    has reached the lock a test holds, so that a race is staged in the order the test means,
    without sleeping."""
    return await sessions_waiting_for_a_lock(sessionmaker) > 0


async def sessions_waiting_for_a_lock(sessionmaker: async_sessionmaker[AsyncSession]) -> int:
    """How many sessions of this database wait for a lock (a row's, a table's, a key's)."""
    async with sessionmaker() as session:
        waiting = await session.scalar(
            text(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
        )
    return int(waiting or 0)


async def queue_consumer_count(connection: AbstractConnection, queue: str) -> int:
    """Consumers attached to `queue`, as `queued_message_count` asks."""
    async with await connection.channel() as channel:
        declared = await channel.declare_queue(queue, passive=True)
        return declared.declaration_result.consumer_count or 0
