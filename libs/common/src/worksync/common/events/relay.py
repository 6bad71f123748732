"""The outbox relay: publishes committed outbox rows, marking them only after broker confirms.

Publishing is pipelined: a batch (up to `batch_size` rows claimed in creation order) is sent
on one channel without waiting, then the broker's confirms for all of it are awaited
together, so a burst costs one broker round trip per batch instead of one per event. A row
is claimed and marked in one statement, but its transaction commits the mark only once the
row's own confirm arrived; a nack, a timeout or a lost connection unmarks it before the
commit, leaving it pending (with `attempts` and `last_error`), and the next pass sends it
again, before anything created after it. A relay that dies mid-batch commits nothing.

Ordering. One channel delivers in the order it was sent, so a queue receives a batch in
creation order, hence the events of one aggregate in sequence order. Confirms may end in a
different state per message: a later row can be confirmed while an earlier one is not. Rows
of other aggregates are marked anyway (consumers order per aggregate, never across), but a
confirmed row is NOT marked while an earlier row of the same aggregate (the same `subject`)
in its batch went unconfirmed: it is sent again after that row on the retry, so the last
copy every queue receives of an aggregate's events is in sequence order. Consumers already
see such a later event early (and duplicates, and reorderings from handling deliveries
concurrently); the inbox and the projections' sequence guards make both harmless.
Replicas claim disjoint rows (SKIP LOCKED) and publish side by side, so with several
replicas an aggregate's events may also reach the broker out of sequence; the same guards
cover that.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import aio_pika
import psycopg
from aio_pika import DeliveryMode, Message
from aio_pika.abc import AbstractChannel, AbstractConnection, AbstractExchange
from psycopg import sql
from sqlalchemy import ARRAY, Row, Text, Uuid, any_, bindparam, delete, func, select, update

from worksync.common.db import create_engine, libpq_url
from worksync.common.events.envelope import CONTENT_TYPE
from worksync.common.events.outbox import Outbox
from worksync.common.events.runner import Backoff, wait_for_any
from worksync.common.events.topology import declare_topology
from worksync.common.metrics import WorkerMetrics
from worksync.common.monitoring import Heartbeat

logger = logging.getLogger(__name__)

CONNECT_TIMEOUT_SECONDS = 10
PUBLISH_TIMEOUT_SECONDS = 30.0
PUBLISHED_RETENTION = timedelta(days=7)
PURGE_INTERVAL_SECONDS = 3600.0
LAST_ERROR_MAX_CHARS = 2000


@dataclass(frozen=True)
class _PassOutcome:
    published: int
    failure: Exception | None


class _NotTried(Exception):
    """A row of a batch that found no broker connection: not sent, so no failed publish."""


_NOT_TRIED = _NotTried()


def _as_failure(result: object) -> Exception | None:
    """A publish task's result as a failure: None when confirmed. A cancelled publish (its
    channel closed under it) is a failure like any other."""
    if result is None:
        return None
    if isinstance(result, Exception):
        return result
    return ConnectionError(f"publish ended without a confirm: {result!r}")


def _publishable(
    ids: Sequence[UUID],
    envelopes: Sequence[Mapping[str, Any]],
    outcomes: Sequence[Exception | None],
) -> list[UUID]:
    """The ids to mark: confirmed, and no earlier row of their aggregate went unconfirmed."""
    unconfirmed_subjects: set[str] = set()
    publishable = []
    for row_id, envelope, outcome in zip(ids, envelopes, outcomes, strict=True):
        subject = envelope.get("subject")
        if outcome is None and subject not in unconfirmed_subjects:
            publishable.append(row_id)
        elif subject is not None:
            unconfirmed_subjects.add(subject)
    return publishable


def _failed_by_error(
    ids: Sequence[UUID], outcomes: Sequence[Exception | None]
) -> dict[str, list[UUID]]:
    """The rows whose publish failed (not those never tried), grouped by the `last_error`
    they get."""
    grouped: dict[str, list[UUID]] = {}
    for row_id, outcome in zip(ids, outcomes, strict=True):
        if outcome is not None and outcome is not _NOT_TRIED:
            grouped.setdefault(repr(outcome)[:LAST_ERROR_MAX_CHARS], []).append(row_id)
    return grouped


def _held_back(
    ids: Sequence[UUID], published_ids: Sequence[UUID], failed: Mapping[str, Sequence[UUID]]
) -> list[UUID]:
    """The claimed rows neither published nor failed: confirmed behind an unconfirmed row of
    their aggregate, or never tried."""
    settled = {*published_ids, *(row_id for failed_ids in failed.values() for row_id in failed_ids)}
    return [row_id for row_id in ids if row_id not in settled]


def _creation_order(row: Row[Any]) -> tuple[datetime, UUID]:
    return row.created_at, row.id


def _message(envelope: Mapping[str, Any]) -> Message:
    traceparent = envelope.get("traceparent")
    return Message(
        json.dumps(envelope, separators=(",", ":")).encode(),
        content_type=CONTENT_TYPE,
        message_id=str(envelope["id"]),
        type=str(envelope["type"]),
        app_id=str(envelope["source"]),
        delivery_mode=DeliveryMode.PERSISTENT,
        headers={"traceparent": traceparent} if traceparent else None,
    )


class OutboxRelay:
    """Moves one service's outbox to the broker: at least once, in creation order per relay.

    Woken by NOTIFY on the outbox channel (sent at commit by `EventRecorder.record`), with a
    slow poll as fallback. Rows are claimed with FOR UPDATE SKIP LOCKED, so replicas can run
    side by side, published in pipelined batches and marked published only after the broker
    confirmed them (see the module's docstring for what that means for ordering). A publish
    that fails leaves its row pending, with `attempts` and `last_error` telling operators why.

    Its `heartbeat` beats on every pass and batch; `metrics` count the rows marked published
    and the publishes that failed (each row sent and not confirmed, or the first row of a
    batch when no connection could be had), and time each confirmed publish from its send to
    its confirm.
    """

    def __init__(
        self,
        *,
        database_url: str,
        outbox: Outbox,
        amqp_url: str,
        exchange: str,
        dead_letter_exchange: str,
        batch_size: int = 100,
        poll_interval_seconds: float = 5.0,
        reconnect_delay_seconds: float = 1.0,
        metrics: WorkerMetrics | None = None,
    ) -> None:
        self.outbox = outbox
        self.metrics = metrics if metrics is not None else WorkerMetrics(outbox.source)
        self.heartbeat = Heartbeat()
        self.amqp_url = amqp_url
        self.exchange = exchange
        self.dead_letter_exchange = dead_letter_exchange
        self.batch_size = batch_size
        self.poll_interval_seconds = poll_interval_seconds
        self.reconnect_delay_seconds = reconnect_delay_seconds
        self._listen_url = libpq_url(database_url)
        # Its commits do not wait for the WAL to reach the disk (about 3 ms each on the
        # reference VM, on the path of every pass): what a crash can lose of them is a mark
        # or a purge, so a row is sent again (consumers' inboxes drop the copy) or purged
        # later. Business rows and their outbox rows are committed durably by the services.
        self._engine = create_engine(
            database_url, pool_size=1, server_settings={"synchronous_commit": "off"}
        )
        table = outbox.table
        # Built once: a pass building its statements cost a tenth of the relay's time at
        # 20 events/s, a pass per event. Rows are claimed and marked published in one
        # statement, in the transaction that holds them until their confirms are in: a row
        # left unconfirmed is unmarked before the commit, so what others see is the same as
        # marking after the confirms, one round trip fewer per pass.
        claimed = (
            select(table.c.id)
            .where(table.c.published_at.is_(None))
            .order_by(table.c.created_at, table.c.id)
            .limit(batch_size)
            .with_for_update(skip_locked=True)
            .cte("claimed")
        )
        self._claim = (
            update(table)
            .where(table.c.id == claimed.c.id)
            .values(published_at=func.now())
            .returning(table.c.id, table.c.envelope, table.c.created_at)
        )
        marked = table.c.id == any_(bindparam("ids", type_=ARRAY(Uuid)))
        self._unmark = update(table).where(marked).values(published_at=None)
        self._mark_failed = (
            update(table)
            .where(marked)
            .values(
                published_at=None,
                attempts=table.c.attempts + 1,
                last_error=bindparam("error", type_=Text),
            )
        )
        self._connection: AbstractConnection | None = None
        self._channel: AbstractChannel | None = None
        self._exchange: AbstractExchange | None = None

    async def run(self, stop: asyncio.Event) -> None:
        """Relay until `stop` is set; outages are logged and retried, never fatal."""
        wake = asyncio.Event()
        listener = asyncio.create_task(self._listen(wake))
        backoff = Backoff(self.reconnect_delay_seconds)
        next_purge = time.monotonic()
        try:
            while not stop.is_set():
                self.heartbeat.beat()
                wake.clear()
                try:
                    failure = (await self._publish_all(stop)).failure
                    if failure is None and time.monotonic() >= next_purge:
                        await self.purge_published(PUBLISHED_RETENTION)
                        next_purge = time.monotonic() + PURGE_INTERVAL_SECONDS
                except Exception as exc:  # a database outage must not end the worker
                    logger.exception("outbox relay pass failed")
                    failure = exc
                if failure is None:
                    backoff.reset()
                    await wait_for_any(stop, wake, at_most_seconds=self.poll_interval_seconds)
                else:
                    # Notifications are ignored while backing off: retrying per commit would
                    # hammer a broker that is down.
                    await wait_for_any(stop, at_most_seconds=backoff.next_delay())
        finally:
            listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await listener
            await self.close()

    async def publish_pending(self) -> int:
        """Publish everything pending now (one pass); return how many rows were published.

        A broker failure stops the pass and is recorded on the row it hit; database
        errors propagate.
        """
        return (await self._publish_all()).published

    async def purge_published(self, older_than: timedelta) -> int:
        """Delete rows published more than `older_than` ago; return how many were deleted."""
        table = self.outbox.table
        async with self._engine.begin() as db:
            result = await db.execute(
                delete(table).where(table.c.published_at < func.now() - older_than)
            )
        return result.rowcount

    async def close(self) -> None:
        """Release the broker connection and the database pool."""
        await self._disconnect()
        await self._engine.dispose()

    async def _publish_all(self, stop: asyncio.Event | None = None) -> _PassOutcome:
        published = 0
        while True:
            batch = await self._publish_batch()
            self.heartbeat.beat()
            published += batch.published
            done = batch.failure is not None or batch.published < self.batch_size
            # Checked between batches so that a long backlog does not hold up a shutdown.
            if done or (stop is not None and stop.is_set()):
                return _PassOutcome(published, batch.failure)

    async def _publish_batch(self) -> _PassOutcome:
        async with self._engine.begin() as db:
            # `RETURNING` keeps no order: the batch goes out in creation order.
            rows = sorted((await db.execute(self._claim)).all(), key=_creation_order)
            if not rows:
                return _PassOutcome(0, None)
            ids = [row.id for row in rows]
            envelopes = [row.envelope for row in rows]
            outcomes = await self._publish_rows(envelopes)
            published_ids = _publishable(ids, envelopes, outcomes)
            failed = _failed_by_error(ids, outcomes)
            for error, failed_ids in failed.items():
                await db.execute(self._mark_failed, {"ids": failed_ids, "error": error})
            held_back = _held_back(ids, published_ids, failed)
            if held_back:
                await db.execute(self._unmark, {"ids": held_back})
        self.metrics.published.inc(len(published_ids))
        failure = next((outcome for outcome in outcomes if outcome is not None), None)
        if failure is None:
            return _PassOutcome(len(published_ids), None)
        self.metrics.publish_failures.inc(sum(len(failed_ids) for failed_ids in failed.values()))
        logger.warning(
            "%d of %d outbox events stay pending, not confirmed or behind one that was not: %r",
            len(rows) - len(published_ids),
            len(rows),
            failure,
        )
        # A broken channel or connection must not be reused.
        await self._disconnect()
        return _PassOutcome(len(published_ids), failure)

    async def _publish_rows(self, envelopes: Sequence[Mapping[str, Any]]) -> list[Exception | None]:
        """Send every envelope, then await their confirms together; per envelope, None when
        confirmed, else why not. Without a connection only the first counts as failed: the
        others were not tried."""
        try:
            exchange = await self._connected_exchange()
        except Exception as exc:  # the broker away: nothing was sent
            return [exc, *[_NOT_TRIED] * (len(envelopes) - 1)]
        # Tasks take the channel's lock in creation order, so the broker receives the batch in
        # creation order; each task then waits only for its own confirm.
        sends = [asyncio.ensure_future(self._publish(exchange, envelope)) for envelope in envelopes]
        results = await asyncio.gather(*sends, return_exceptions=True)
        return [_as_failure(result) for result in results]

    async def _publish(self, exchange: AbstractExchange, envelope: Mapping[str, Any]) -> None:
        started = time.perf_counter()
        # With publisher confirms this returns only once the broker took responsibility
        # (and raises if it refused). Unroutable events are fine: nobody subscribed yet.
        await exchange.publish(
            _message(envelope),
            routing_key=str(envelope["type"]),
            mandatory=False,
            timeout=PUBLISH_TIMEOUT_SECONDS,
        )
        self.metrics.publish_duration.observe(time.perf_counter() - started)

    async def _connected_exchange(self) -> AbstractExchange:
        if self._channel is not None and self._exchange is not None and not self._channel.is_closed:
            return self._exchange
        await self._disconnect()
        connection = await aio_pika.connect(self.amqp_url, timeout=CONNECT_TIMEOUT_SECONDS)
        try:
            channel = await connection.channel(publisher_confirms=True)
            await declare_topology(
                channel, exchange=self.exchange, dead_letter_exchange=self.dead_letter_exchange
            )
            exchange = await channel.get_exchange(self.exchange, ensure=False)
        except BaseException:
            await connection.close()
            raise
        self._connection, self._channel, self._exchange = connection, channel, exchange
        return exchange

    async def _disconnect(self) -> None:
        connection = self._connection
        self._connection, self._channel, self._exchange = None, None, None
        if connection is not None and not connection.is_closed:
            with contextlib.suppress(Exception):  # it is going away either way
                await connection.close()

    async def _listen(self, wake: asyncio.Event) -> None:
        """Set `wake` on every NOTIFY of the outbox channel, reconnecting after outages."""
        backoff = Backoff(self.reconnect_delay_seconds)
        listen = sql.SQL("LISTEN {}").format(sql.Identifier(self.outbox.channel))
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(
                    self._listen_url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_SECONDS
                ) as connection:
                    await connection.execute(listen)
                    backoff.reset()
                    # Rows committed while nobody listened would otherwise wait for the poll.
                    wake.set()
                    async for _ in connection.notifies():
                        wake.set()
            except Exception as exc:  # without a listener the relay would only poll
                delay = backoff.next_delay()
                logger.warning("outbox listener lost the database, retry in %.1f s: %r", delay, exc)
                await asyncio.sleep(delay)
