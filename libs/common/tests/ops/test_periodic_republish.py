"""The producer's periodic republish: every aggregate at its current version, one worker
replica at a time, never before its first interval."""

from __future__ import annotations

import asyncio
import uuid

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.ids import new_id
from worksync.common.ops.republish import PeriodicRepublish

from .sample import GADGETS, Gadget, GadgetUpdated, messaging, record_gadget


async def _add_gadgets(sessionmaker: async_sessionmaker[AsyncSession], count: int) -> None:
    async with sessionmaker() as session, session.begin():
        gadgets = [
            Gadget(id=new_id(), workspace_id=new_id(), name=f"gadget {n}", version=0)
            for n in range(count)
        ]
        session.add_all(gadgets)
        for gadget in gadgets:
            await record_gadget(session, gadget, GadgetUpdated)


async def _counts(sessionmaker: async_sessionmaker[AsyncSession]) -> tuple[int, int]:
    """Gadgets, and events in the outbox."""
    async with sessionmaker() as session:
        gadgets = await session.scalar(select(func.count()).select_from(Gadget))
        events = await session.scalar(select(func.count()).select_from(messaging.outbox))
    return int(gadgets or 0), int(events or 0)


def _periodic(
    sessionmaker: async_sessionmaker[AsyncSession], interval_seconds: float
) -> PeriodicRepublish:
    return PeriodicRepublish(
        sessionmaker,
        [GADGETS],
        interval_seconds=interval_seconds,
        lock_name=f"test.republish.{uuid.uuid4().hex}",
    )


async def test_a_round_republishes_every_row_and_one_replica_at_a_time(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await _add_gadgets(sessionmaker, 3)
    gadgets, events = await _counts(sessionmaker)
    periodic = _periodic(sessionmaker, 3600)

    assert await periodic.round() == {"sample.gadget": gadgets}
    assert await _counts(sessionmaker) == (gadgets, events + gadgets)

    key = func.hashtextextended(periodic.lock_name, 0)
    async with sessionmaker() as other_replica:
        assert await other_replica.scalar(select(func.pg_try_advisory_lock(key)))
        assert await periodic.round() is None, "another replica holds the round"
        await other_replica.execute(select(func.pg_advisory_unlock(key)))
    assert await _counts(sessionmaker) == (gadgets, events + gadgets)
    assert await periodic.round() == {"sample.gadget": gadgets}, "the lock was given back"


async def test_rounds_come_every_interval_and_never_at_start_or_for_zero(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await _add_gadgets(sessionmaker, 1)
    for interval, rounds_expected in ((0.0, False), (0.3, True)):
        _, before = await _counts(sessionmaker)
        stop = asyncio.Event()
        running = asyncio.create_task(_periodic(sessionmaker, interval).run(stop))
        await asyncio.sleep(0.1)
        assert (await _counts(sessionmaker))[1] == before, "nothing at start"
        await asyncio.sleep(1.0)
        stop.set()
        await asyncio.wait_for(running, timeout=5)
        assert ((await _counts(sessionmaker))[1] > before) is rounds_expected
