"""Waiting in tests for what happens asynchronously (events crossing the broker)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

# Bounds that only keep a broken build from hanging; they measure nothing.
WAIT_LIMIT_SECONDS = 30.0
POLL_SECONDS = 0.05


async def eventually(condition: Callable[[], Awaitable[bool]]) -> None:
    """Return once `condition` holds; fail after `WAIT_LIMIT_SECONDS`."""
    async with asyncio.timeout(WAIT_LIMIT_SECONDS):
        while not await condition():  # noqa: ASYNC110 - the state is outside this process
            await asyncio.sleep(POLL_SECONDS)
