"""Running a worker's long-lived components until SIGINT/SIGTERM, and the waiting they share."""

from __future__ import annotations

import asyncio
import logging
import signal
from typing import Protocol

logger = logging.getLogger(__name__)

MAX_BACKOFF_SECONDS = 30.0


class Runnable(Protocol):
    async def run(self, stop: asyncio.Event) -> None:
        """Work until `stop` is set, then release everything and return."""
        ...


class Backoff:
    """Delays that double after each failure, up to a cap, and start over after a success."""

    def __init__(self, initial_seconds: float, maximum_seconds: float = MAX_BACKOFF_SECONDS):
        self.initial_seconds = initial_seconds
        self.maximum_seconds = max(initial_seconds, maximum_seconds)
        self._next = initial_seconds

    def next_delay(self) -> float:
        delay = self._next
        self._next = min(self._next * 2, self.maximum_seconds)
        return delay

    def reset(self) -> None:
        self._next = self.initial_seconds


async def wait_for_any(*events: asyncio.Event, at_most_seconds: float | None) -> None:
    """Return once any of `events` is set, or after `at_most_seconds` (None: no bound)."""
    waiters = [asyncio.ensure_future(event.wait()) for event in events]
    try:
        await asyncio.wait(waiters, timeout=at_most_seconds, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()


async def run_until_signalled(*components: Runnable) -> None:
    """Run `components` concurrently until SIGINT or SIGTERM, then let them stop cleanly.

    Any component that returns or fails stops the others too, so a worker never limps on
    half alive; failures are raised together once everything has stopped. A second signal
    gets the default behaviour back (Ctrl-C twice interrupts a shutdown that hangs).
    """
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    signals = (signal.SIGINT, signal.SIGTERM)

    def on_signal(signum: signal.Signals) -> None:
        logger.info("received %s, stopping", signum.name)
        stop.set()
        for handled in signals:
            loop.remove_signal_handler(handled)

    for signum in signals:
        loop.add_signal_handler(signum, on_signal, signum)

    async def run_component(component: Runnable) -> None:
        try:
            await component.run(stop)
        finally:
            stop.set()

    try:
        results = await asyncio.gather(
            *(run_component(component) for component in components), return_exceptions=True
        )
    finally:
        for signum in signals:
            loop.remove_signal_handler(signum)
    failures = [result for result in results if isinstance(result, BaseException)]
    if failures:
        raise BaseExceptionGroup("worker components failed", failures)
