"""Waiting in tests for what happens asynchronously (events crossing the broker)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from aio_pika.abc import AbstractConnection

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
