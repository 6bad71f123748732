from __future__ import annotations

import asyncio
import os
import signal

import pytest

from worksync.common.events.runner import Backoff, run_until_signalled


class Component:
    """Works until told to stop, remembering that it was told."""

    def __init__(self) -> None:
        self.started = asyncio.Event()
        self.stopped = False

    async def run(self, stop: asyncio.Event) -> None:
        self.started.set()
        await stop.wait()
        self.stopped = True


class Crashing:
    async def run(self, stop: asyncio.Event) -> None:
        raise RuntimeError("broken component")


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
async def test_a_signal_stops_every_component(signum: signal.Signals) -> None:
    components = [Component(), Component()]
    runner = asyncio.create_task(run_until_signalled(*components))
    async with asyncio.timeout(30):
        for component in components:
            await component.started.wait()
        os.kill(os.getpid(), signum)
        await runner

    assert all(component.stopped for component in components)


async def test_a_crashing_component_stops_the_others_and_its_error_is_raised() -> None:
    survivor = Component()

    with pytest.raises(BaseExceptionGroup) as raised:
        async with asyncio.timeout(30):
            await run_until_signalled(survivor, Crashing())

    assert raised.group_contains(RuntimeError, match="broken component")
    assert survivor.stopped


def test_backoff_doubles_up_to_its_cap_and_starts_over_after_a_success() -> None:
    backoff = Backoff(1.0, maximum_seconds=5.0)
    assert [backoff.next_delay() for _ in range(5)] == [1.0, 2.0, 4.0, 5.0, 5.0]
    backoff.reset()
    assert backoff.next_delay() == 1.0
