"""Publishing the current state of every aggregate of a type again, through the outbox.

A snapshot event is recorded by the producer's own `recording.py` function, so it is
exactly the event a change of the row would send, with one difference: its `sequence` is
the row's *current* version, not a new one. Consumers apply an event only when its
sequence is newer than what they hold, so

- a projection that already holds the row at that version changes nothing (nor do any
  side effects that wait for a new version);
- a projection cleared by `rebuild` holds nothing, takes the snapshot and is whole again;
- a change racing the republish is a newer version: whichever arrives first, the newest
  wins.

The producer's rows are not written: the recorder makes a recorded event the aggregate's
next version, so each row steps one version back for the recording (`at_current_version`).
A batch commits only if every row had its snapshot recorded and none was changed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.events.outbox import Aggregate
from worksync.common.ops.services import AggregateType

logger = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 500

# The ids `at_current_version` saw in the batch being recorded, to find rows a service's
# snapshot function skipped.
_recorded: ContextVar[set[UUID] | None] = ContextVar("recorded_snapshots", default=None)


class SnapshotNotRecorded(RuntimeError):
    """A service's snapshot function recorded no event, or more than one version, for a row."""


@contextmanager
def at_current_version(aggregate: Aggregate) -> Iterator[None]:
    """Record the aggregate's snapshot(s) in this block with its current version as sequence.

    Every event recorded for it in the block carries the current version; the aggregate
    keeps its version (and, unflushed, its row stays as it was).
    """
    version = aggregate.version
    aggregate.version = version - 1
    try:
        yield
    finally:
        recorded = aggregate.version
        aggregate.version = version
    if recorded != version:
        raise SnapshotNotRecorded(
            f"{type(aggregate).__name__} {aggregate.id}: expected one event at version "
            f"{version}, the recorder left version {recorded}"
        )
    seen = _recorded.get()
    if seen is not None:
        seen.add(aggregate.id)


async def republish(
    sessionmaker: async_sessionmaker[AsyncSession],
    aggregate: AggregateType,
    *,
    workspace_id: UUID | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Record a snapshot of every row of `aggregate` (of one workspace, if given), a batch
    per transaction in the order of their ids; the number of rows. `progress` hears the
    running total after each batch."""
    rows = aggregate.rows
    total = 0
    after: UUID | None = None
    while True:
        query = select(rows).order_by(rows.id).limit(batch_size)
        if aggregate.where is not None:
            query = query.where(aggregate.where)
        if workspace_id is not None:
            query = query.where(aggregate.workspace_column == workspace_id)
        if after is not None:
            query = query.where(rows.id > after)
        async with sessionmaker() as session, session.begin():
            batch = list((await session.scalars(query)).all())
            if not batch:
                return total
            recorded: set[UUID] = set()
            token = _recorded.set(recorded)
            try:
                with session.no_autoflush:
                    await aggregate.record(session, batch)
            finally:
                _recorded.reset(token)
            _refuse_skipped_rows(batch, recorded)
            _refuse_changed_rows(session)
        total += len(batch)
        after = batch[-1].id
        if progress is not None:
            progress(total)
        if len(batch) < batch_size:
            return total


def _refuse_skipped_rows(batch: list[Any], recorded: set[UUID]) -> None:
    skipped = [row.id for row in batch if row.id not in recorded]
    if skipped:
        raise SnapshotNotRecorded(f"no snapshot recorded for {len(skipped)} rows: {skipped[:3]}")


def _refuse_changed_rows(session: AsyncSession) -> None:
    """A republish writes outbox rows only; anything else would roll the batch back."""
    changed = [row for row in session.identity_map.values() if session.is_modified(row)]
    if changed:
        raise SnapshotNotRecorded(f"recording snapshots changed {changed[:3]!r}")


class PeriodicRepublish:
    """Anti-entropy: every `interval_seconds`, republish `aggregates`, so that a projection
    that lost an event (a delivery purged from a dead-letter queue, a consumer restored from
    an older backup) converges without an operator. Consumers take only what they lack (their
    sequence guard), and a republished row at an unchanged version changes nothing.

    One worker replica at a time: a round runs only under a session advisory lock on
    `lock_name`, held on a connection of its own for the round; a replica that does not get
    it skips the round. The first round comes one interval after start, so that restarts and
    deployments do not each republish everything.
    """

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        aggregates: Sequence[AggregateType],
        *,
        interval_seconds: float,
        lock_name: str,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.aggregates = aggregates
        self.interval_seconds = interval_seconds
        self.lock_name = lock_name

    async def run(self, stop: asyncio.Event) -> None:
        """A round every `interval_seconds` until `stop` is set (never, for 0)."""
        if self.interval_seconds <= 0:
            await stop.wait()
            return
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=self.interval_seconds)
                return
            try:
                await self.round()
            except Exception:
                logger.exception("periodic republish failed; the next round tries again")

    async def round(self) -> dict[str, int] | None:
        """Republish every aggregate type once: rows per type, or None when another replica
        holds the round."""
        key = func.hashtextextended(self.lock_name, 0)
        async with self.sessionmaker() as lock:
            if not await lock.scalar(select(func.pg_try_advisory_lock(key))):
                return None
            try:
                counts = {
                    aggregate.name: await republish(self.sessionmaker, aggregate)
                    for aggregate in self.aggregates
                }
            finally:
                await lock.execute(select(func.pg_advisory_unlock(key)))
                await lock.commit()
        logger.info("republished %s", counts)
        return counts
