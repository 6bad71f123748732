"""Consuming events: one queue per service, an inbox for idempotency, a dead queue for poison."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import time
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from uuid import UUID

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractIncomingMessage
from opentelemetry import propagate, trace
from opentelemetry.trace import Link, SpanKind, StatusCode
from pydantic import ValidationError
from sqlalchemy import ARRAY, String, Table, Uuid, bindparam, cast, delete, func, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.events.deliveries import Applied, Delivery, fail, runs, settle
from worksync.common.events.envelope import CloudEvent
from worksync.common.events.handlers import BatchHandler, Handler, matches_topic
from worksync.common.events.runner import Backoff, wait_for_any
from worksync.common.events.topology import declare_topology
from worksync.common.metrics import WorkerMetrics
from worksync.common.monitoring import Heartbeat
from worksync.common.outages import database_unavailable

logger = logging.getLogger(__name__)
tracer = trace.get_tracer(__name__)


CONNECT_TIMEOUT_SECONDS = 10
DRAIN_TIMEOUT_SECONDS = 30.0
MAX_RETRY_DELAY_SECONDS = 10.0
# How often an idle consumer's loop beats while it waits for messages.
HEARTBEAT_SECONDS = 5.0
# Event type labels for deliveries that name no type a handler wants (bounded series).
INVALID_EVENT = "invalid"
UNHANDLED_EVENT = "unhandled"


class EventConsumer:
    """Feeds one service's queue to its handlers, each event at most once per inbox.

    `handlers` maps exact event types or topic patterns (`identity.user.*`) to handlers;
    the keys are also the queue's bindings. A handler runs in a transaction with the
    event's inbox row and must not commit itself; the message is acked after the commit.
    A failing handler is retried (redelivered) until the queue's delivery limit, after
    which the broker moves the message to the dead queue, as it does at once with messages
    that are no CloudEvent or that no handler wants.

    Deliveries are applied in batches, one batch at a time: whatever has arrived when the
    previous batch is done (at most `max_batch`; a lone delivery goes at once, nothing
    lingers for company) shares one transaction and one commit. One statement records the
    batch's events in the inbox, and the rows it adds decide which events apply: a copy
    recorded before, or earlier in the same batch, is skipped. The handlers then run one
    after another, in arrival order; new events that follow one another for the same
    `BatchHandler` go to it in one call. Should a handler fail, the transaction is rolled
    back and the batch applied again with a savepoint per event, each handler called for
    its event alone (a savepoint costs two round trips, so only then): the failing handler
    rolls back only its savepoint, its inbox row is removed with it, and only its message
    is retried; the others are acked once the commit returned, never before.
    Should the commit itself fail (not for an outage), the batch's events are applied again
    one per transaction, so one bad event cannot hold back the others. The default
    prefetch is twice the default batch, so the next batch arrives while one commits;
    events of one aggregate may still arrive out of order (retries, republishing), and
    projections keep the newest `sequence`.

    An unavailable database is no failure of the handler and spends no delivery: the
    consumer pauses, holding its messages unsettled (which fills the prefetch window, so
    the broker sends no more), probes the database with backoff and, once it answers,
    applies the held messages again, the interrupted batch whole (nothing of it was
    committed or settled). Neither a requeue nor a closed channel would do: a quorum queue
    counts both as a delivery. A message held longer than the broker's `consumer_timeout`
    (30 min by default) is returned by the broker and counts once. Messages whose
    connection ended before their batch began are left to the broker, which has them back.

    Its `heartbeat` beats while it consumes or reconnects, and counts a batch's
    transaction as busy work (a handler that hangs is a stall). Each event keeps a span of
    its own (the producer's trace; its handler runs in it, and a call of a batch handler
    for several events in a span linked to theirs) and its metrics: outcomes, handler
    times (the call that applied it plus its batch's commit) and its age at handling.
    """

    def __init__(
        self,
        *,
        sessionmaker: async_sessionmaker[AsyncSession],
        inbox: Table,
        amqp_url: str,
        exchange: str,
        dead_letter_exchange: str,
        queue: str,
        handlers: Mapping[str, Handler],
        delivery_limit: int = 5,
        prefetch: int = 40,
        max_batch: int = 20,
        reconnect_delay_seconds: float = 1.0,
        retry_delay_seconds: float = 0.5,
        metrics: WorkerMetrics | None = None,
        heartbeat_seconds: float = HEARTBEAT_SECONDS,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.metrics = metrics if metrics is not None else WorkerMetrics(queue)
        self.heartbeat = Heartbeat()
        self.heartbeat_seconds = heartbeat_seconds
        self.inbox = inbox
        self.amqp_url = amqp_url
        self.exchange = exchange
        self.dead_letter_exchange = dead_letter_exchange
        self.queue = queue
        self.handlers = dict(handlers)
        self.delivery_limit = delivery_limit
        self.prefetch = prefetch
        self.max_batch = max(1, min(max_batch, prefetch))
        self.reconnect_delay_seconds = reconnect_delay_seconds
        self.retry_delay_seconds = retry_delay_seconds
        # Built once: each batch only binds its values to the compiled statements.
        given = (
            func.unnest(
                cast(bindparam("event_ids"), ARRAY(Uuid)),
                cast(bindparam("event_types"), ARRAY(String)),
            )
            .table_valued("event_id", "event_type")
            .render_derived(name="given")
        )
        self._record_new_events = (
            insert(inbox)
            .from_select(["event_id", "event_type"], select(given.c.event_id, given.c.event_type))
            .on_conflict_do_nothing()
            .returning(inbox.c.event_id)
        )
        self._forget_in_inbox = delete(inbox).where(inbox.c.event_id == bindparam("event_id"))
        self._in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()
        # Deliveries waiting for the next batch, and the task that applies them.
        self._waiting: list[Delivery] = []
        self._applier: asyncio.Task[None] | None = None
        # Cleared while the database is unavailable; one probe task sets it again.
        self._database_up = asyncio.Event()
        self._database_up.set()
        self._probe: asyncio.Task[None] | None = None
        # Set when the connection the current deliveries came through is ended: messages
        # still waiting for the database then come back from the broker anyway.
        self._released = asyncio.Event()

    async def run(self, stop: asyncio.Event) -> None:
        """Consume until `stop` is set, reconnecting after broker outages."""
        backoff = Backoff(self.reconnect_delay_seconds)
        try:
            while not stop.is_set():
                self.heartbeat.beat()
                try:
                    await self._consume(stop, backoff)
                except Exception as exc:  # a broker outage must not end the worker
                    logger.warning("consumer of %s failed, will reconnect: %r", self.queue, exc)
                if not stop.is_set():
                    await wait_for_any(stop, at_most_seconds=backoff.next_delay())
        finally:
            # Whatever still runs past the drain (a hung handler) ends with the consumer.
            for task in (self._probe, self._applier):
                if task is not None:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task

    async def handle(self, message: AbstractIncomingMessage) -> None:
        """Process one delivery and settle it: ack, reject to the dead queue, or requeue;
        unsettled only when its connection ended while it waited for the database."""
        self._in_flight += 1
        self._idle.clear()
        try:
            await self._handle(message)
        except Exception:  # settling failed: the channel is gone and the broker redelivers
            logger.exception("%s: could not settle message %s", self.queue, message.message_id)
        finally:
            self._in_flight -= 1
            if self._in_flight == 0:
                self._idle.set()

    def handler_for(self, event_type: str) -> Handler | None:
        """The handler of an exact key, else of the first pattern matching `event_type`."""
        exact = self.handlers.get(event_type)
        if exact is not None:
            return exact
        return next(
            (handler for key, handler in self.handlers.items() if matches_topic(key, event_type)),
            None,
        )

    @property
    def paused(self) -> bool:
        """Whether the consumer waits for its database to answer again."""
        return not self._database_up.is_set()

    async def _consume(self, stop: asyncio.Event, backoff: Backoff) -> None:
        self._released = asyncio.Event()
        try:
            await self._consume_until_stopped(stop, backoff)
        finally:
            self._released.set()

    async def _consume_until_stopped(self, stop: asyncio.Event, backoff: Backoff) -> None:
        async with await aio_pika.connect(
            self.amqp_url, timeout=CONNECT_TIMEOUT_SECONDS
        ) as connection:
            channel = await connection.channel()
            await channel.set_qos(prefetch_count=self.prefetch)
            await declare_topology(
                channel,
                exchange=self.exchange,
                dead_letter_exchange=self.dead_letter_exchange,
                queue=self.queue,
                bindings=list(self.handlers),
                delivery_limit=self.delivery_limit,
            )
            queue = await channel.get_queue(self.queue, ensure=False)
            consumer_tag = await queue.consume(self.handle)
            backoff.reset()
            logger.info("consuming %s", self.queue)
            if not await self._until_stopped_or_closed(stop, channel):
                logger.warning("lost the broker channel of %s; reconnecting", self.queue)
                return
            await queue.cancel(consumer_tag)
            # Let the batch being applied commit and ack; what is left is redelivered.
            # Deliveries waiting for a batch or for the database give up at once.
            self._released.set()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._idle.wait(), DRAIN_TIMEOUT_SECONDS)

    async def _until_stopped_or_closed(self, stop: asyncio.Event, channel: AbstractChannel) -> bool:
        """Wait for `stop` or the channel's end, beating meanwhile; True when it was `stop`."""
        closed = asyncio.ensure_future(channel.closed())
        stopped = asyncio.ensure_future(stop.wait())
        try:
            while not (closed.done() or stopped.done()):
                self.heartbeat.beat()
                await asyncio.wait(
                    {closed, stopped},
                    timeout=self.heartbeat_seconds,
                    return_when=asyncio.FIRST_COMPLETED,
                )
        finally:
            closed.cancel()
            stopped.cancel()
        return stop.is_set() and not channel.is_closed

    async def _handle(self, message: AbstractIncomingMessage) -> None:
        released = self._released
        try:
            event = CloudEvent.model_validate_json(message.body)
        except ValidationError as exc:
            logger.error("%s: message %s is no CloudEvent: %s", self.queue, message.message_id, exc)
            self.metrics.consumer_outcome(self.queue, INVALID_EVENT, "rejected")
            await message.reject(requeue=False)
            return
        handler = self.handler_for(event.type)
        if handler is None:
            logger.error("%s: no handler for event %s of type %s", self.queue, event.id, event.type)
            self.metrics.consumer_outcome(self.queue, UNHANDLED_EVENT, "rejected")
            await message.reject(requeue=False)
            return
        span = tracer.start_span(
            f"process {event.type}",
            context=propagate.extract(self._trace_carrier(message, event)),
            kind=SpanKind.CONSUMER,
            attributes={
                "messaging.system": "rabbitmq",
                "messaging.operation.type": "process",
                "messaging.destination.name": self.queue,
                "messaging.message.id": str(event.id),
                "cloudevents.event_type": event.type,
                "cloudevents.event_source": event.source,
            },
        )
        with trace.use_span(span, end_on_exit=True):
            delivery = Delivery(message, event, handler, released, span)
            self._enqueue(delivery)
            try:
                applied = await delivery.outcome
            except Exception as exc:
                span.record_exception(exc)
                span.set_status(StatusCode.ERROR)
                self.metrics.consumer_outcome(self.queue, event.type, "failed")
                await self._retry_later(message, event, exc)
                return
            if applied is Applied.RELEASED:
                span.set_attribute("worksync.event.released", True)
                self.metrics.consumer_outcome(self.queue, event.type, applied.value)
                return
            span.set_attribute("worksync.event.duplicate", applied is Applied.DUPLICATE)
            await message.ack()
            self.metrics.consumer_outcome(self.queue, event.type, applied.value)

    def _enqueue(self, delivery: Delivery) -> None:
        self._waiting.append(delivery)
        if self._applier is None or self._applier.done():
            # A context of its own: a batch belongs to no one delivery's span.
            self._applier = asyncio.create_task(
                self._apply_waiting(), context=contextvars.Context()
            )

    async def _apply_waiting(self) -> None:
        """Apply the waiting deliveries, batch after batch, until none waits."""
        while self._waiting:
            batch = self._waiting[: self.max_batch]
            del self._waiting[: len(batch)]
            try:
                await self._apply_batch(batch)
            except Exception as exc:  # a defect: its deliveries are retried, the rest go on
                logger.exception("%s: applying a batch failed", self.queue)
                for delivery in batch:
                    fail(delivery, exc)
            except BaseException:  # cancelled: nobody is left to apply what waits
                for delivery in (*batch, *self._waiting):
                    delivery.outcome.cancel()
                self._waiting.clear()
                raise

    async def _apply_batch(self, batch: Sequence[Delivery]) -> None:
        """Apply `batch` once the database answers; after an outage, what of it is unsettled
        is applied again (an interrupted transaction committed and settled nothing)."""
        while pending := self._unsettled(batch):
            released = {id(delivery.released): delivery.released for delivery in pending}
            await wait_for_any(self._database_up, *released.values(), at_most_seconds=None)
            pending = self._unsettled(pending)
            if not pending:
                return
            try:
                await self._apply_together(pending)
            except Exception as exc:
                if not database_unavailable(exc):
                    raise
                self._pause(exc)

    @staticmethod
    def _unsettled(batch: Sequence[Delivery]) -> list[Delivery]:
        """The deliveries still to apply, releasing those whose connection has ended."""
        for delivery in batch:
            if delivery.released.is_set():
                settle(delivery, Applied.RELEASED)
        return [delivery for delivery in batch if not delivery.outcome.done()]

    async def _apply_together(
        self, deliveries: Sequence[Delivery], *, savepoints: bool = False
    ) -> None:
        """One transaction for `deliveries`; outcomes after the commit. Raises only when
        the database is unavailable.

        Handlers run without savepoints first (two round trips fewer per event): should
        one fail, the whole transaction is rolled back and the batch applied again with a
        savepoint per handler, so that only the failing one is rolled back and retried."""
        # Applied deliveries and the seconds their handlers took; duplicates; failures.
        applied: dict[Delivery, float] = {}
        duplicates: list[Delivery] = []
        failures: dict[Delivery, Exception] = {}
        commit_error: Exception | None = None
        # Alone in its transaction, an event needs no savepoint: the rollback is its own.
        alone = len(deliveries) == 1
        failed_unprotected = False
        with self.heartbeat.busy():
            async with self.sessionmaker() as session:
                await session.begin()
                new = await self._record_in_inbox(session, deliveries)
                to_apply: list[Delivery] = []
                for delivery in deliveries:
                    if delivery.event.id not in new:
                        duplicates.append(delivery)
                        continue
                    # A later copy in this batch is a duplicate of this one.
                    new.discard(delivery.event.id)
                    to_apply.append(delivery)
                for run in runs(to_apply, together=not savepoints):
                    started = time.perf_counter()
                    try:
                        await self._run_handler(session, run, savepoint=savepoints)
                    except Exception as exc:
                        if database_unavailable(exc):
                            raise
                        if not (alone or savepoints):
                            failed_unprotected = True
                            break
                        # Alone or with savepoints, each run is one delivery.
                        (delivery,) = run
                        failures[delivery] = exc
                        if not alone:
                            # Its effects are gone with its savepoint; so goes its inbox row.
                            await session.execute(
                                self._forget_in_inbox, {"event_id": delivery.event.id}
                            )
                        continue
                    seconds = time.perf_counter() - started
                    applied.update((delivery, seconds) for delivery in run)
                commit_started = time.perf_counter()
                try:
                    if failed_unprotected or (alone and failures):
                        await session.rollback()
                    else:
                        await session.commit()
                except Exception as exc:
                    if database_unavailable(exc):
                        raise
                    commit_error = exc
                committed_seconds = time.perf_counter() - commit_started
        if failed_unprotected:
            await self._apply_together(deliveries, savepoints=True)
            return
        if commit_error is not None:
            if not alone:
                logger.warning(
                    "%s: committing a batch of %d failed (%r); applying them one by one",
                    self.queue,
                    len(deliveries),
                    commit_error,
                )
                for delivery in deliveries:
                    await self._apply_together([delivery])
                return
            applied, duplicates, failures = {}, [], {deliveries[0]: commit_error}
        for delivery, seconds in applied.items():
            self._observe(delivery.event, seconds + committed_seconds)
            settle(delivery, Applied.PROCESSED)
        for delivery in duplicates:
            settle(delivery, Applied.DUPLICATE)
        for delivery, error in failures.items():
            fail(delivery, error)

    async def _record_in_inbox(
        self, session: AsyncSession, deliveries: Sequence[Delivery]
    ) -> set[UUID]:
        """Record the deliveries' events in the inbox, in one statement; the ids it had not
        seen (the events to apply). A copy recorded by a transaction still open waits for
        it. Sorted, so that two batches lock their rows in the same order."""
        events = sorted({delivery.event.id: delivery.event for delivery in deliveries}.items())
        recorded = await session.execute(
            self._record_new_events,
            {
                "event_ids": [event_id for event_id, _ in events],
                "event_types": [event.type for _, event in events],
            },
        )
        return set(recorded.scalars())

    async def _run_handler(
        self, session: AsyncSession, run: Sequence[Delivery], *, savepoint: bool
    ) -> None:
        """Apply `run`: one delivery by its handler, in its span (its own task records a
        failure there, once); several by their batch handler in one call."""
        first = run[0]
        if len(run) > 1 and isinstance(first.handler, BatchHandler):
            with tracer.start_as_current_span(
                f"process {len(run)} events",
                kind=SpanKind.CONSUMER,
                links=[Link(delivery.span.get_span_context()) for delivery in run],
                attributes={
                    "messaging.system": "rabbitmq",
                    "messaging.operation.type": "process",
                    "messaging.destination.name": self.queue,
                    "messaging.batch.message_count": len(run),
                },
            ):
                await first.handler.apply(session, [delivery.event for delivery in run])
            return
        with trace.use_span(
            first.span, end_on_exit=False, record_exception=False, set_status_on_exception=False
        ):
            if not savepoint:
                await first.handler(session, first.event)
                return
            async with session.begin_nested():
                await first.handler(session, first.event)

    def _observe(self, event: CloudEvent, handler_seconds: float) -> None:
        self.metrics.handler_duration.labels(self.metrics.service, self.queue, event.type).observe(
            handler_seconds
        )
        recorded_at = event.time if event.time.tzinfo else event.time.replace(tzinfo=UTC)
        age = (datetime.now(UTC) - recorded_at).total_seconds()
        self.metrics.event_age.labels(self.metrics.service, self.queue, event.type).observe(
            max(age, 0.0)
        )

    def _pause(self, cause: Exception) -> None:
        if self._database_up.is_set():
            logger.warning(
                "%s: database unavailable (%r); pausing until it answers", self.queue, cause
            )
            self._database_up.clear()
        if self._probe is None or self._probe.done():
            self._probe = asyncio.create_task(self._wait_for_database())

    async def _wait_for_database(self) -> None:
        backoff = Backoff(self.retry_delay_seconds, MAX_RETRY_DELAY_SECONDS)
        while True:
            await asyncio.sleep(backoff.next_delay())
            try:
                async with self.sessionmaker() as session:
                    await session.execute(text("SELECT 1"))
            except Exception as exc:  # still down, whatever the driver says
                logger.debug("%s: database still unavailable: %r", self.queue, exc)
                continue
            logger.warning("%s: database answers again; resuming", self.queue)
            self._database_up.set()
            return

    async def _retry_later(
        self, message: AbstractIncomingMessage, event: CloudEvent, error: Exception
    ) -> None:
        # Quorum queues count returns in x-delivery-count; the broker dead-letters the message
        # past the delivery limit. Waiting a little first lets a passing outage pass.
        previous = message.headers.get("x-delivery-count")
        deliveries = previous if isinstance(previous, int) else 0
        logger.error(
            "%s: handler failed on event %s of type %s (%d earlier deliveries)",
            self.queue,
            event.id,
            event.type,
            deliveries,
            exc_info=error,
        )
        await asyncio.sleep(min(self.retry_delay_seconds * 2**deliveries, MAX_RETRY_DELAY_SECONDS))
        await message.nack(requeue=True)

    @staticmethod
    def _trace_carrier(message: AbstractIncomingMessage, event: CloudEvent) -> dict[str, str]:
        carrier = {
            key: value.decode() if isinstance(value, bytes) else value
            for key, value in message.headers.items()
            if isinstance(value, str | bytes)
        }
        if "traceparent" not in carrier and event.traceparent:
            carrier["traceparent"] = event.traceparent
        return carrier
