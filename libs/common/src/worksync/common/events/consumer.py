"""Consuming events: one queue per service, an inbox for idempotency, a dead queue for poison."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractIncomingMessage
from opentelemetry import propagate, trace
from opentelemetry.trace import SpanKind, StatusCode
from pydantic import ValidationError
from sqlalchemy import Table, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.events.envelope import CloudEvent
from worksync.common.events.runner import Backoff, wait_for_any
from worksync.common.events.topology import declare_topology
from worksync.common.metrics import WorkerMetrics
from worksync.common.monitoring import Heartbeat
from worksync.common.outages import database_unavailable

logger = logging.getLogger(__name__)
tracer = trace.get_tracer(__name__)

Handler = Callable[[AsyncSession, CloudEvent], Awaitable[None]]

CONNECT_TIMEOUT_SECONDS = 10
DRAIN_TIMEOUT_SECONDS = 30.0
MAX_RETRY_DELAY_SECONDS = 10.0
# How often an idle consumer's loop beats while it waits for messages.
HEARTBEAT_SECONDS = 5.0
# Event type labels for deliveries that name no type a handler wants (bounded series).
INVALID_EVENT = "invalid"
UNHANDLED_EVENT = "unhandled"


def matches_topic(pattern: str, routing_key: str) -> bool:
    """AMQP topic matching: `*` stands for exactly one word, `#` for zero or more."""

    def match(pattern_words: list[str], key_words: list[str]) -> bool:
        if not pattern_words:
            return not key_words
        head, rest = pattern_words[0], pattern_words[1:]
        if head == "#":
            return any(match(rest, key_words[skip:]) for skip in range(len(key_words) + 1))
        return bool(key_words) and head in ("*", key_words[0]) and match(rest, key_words[1:])

    return match(pattern.split("."), routing_key.split("."))


class EventConsumer:
    """Feeds one service's queue to its handlers, each event at most once per inbox.

    `handlers` maps exact event types or topic patterns (`identity.user.*`) to handlers;
    the keys are also the queue's bindings. A handler runs in the transaction that records
    the event in the inbox and must not commit itself; the message is acked after commit.
    A failing handler is retried (redelivered) until the queue's delivery limit, after
    which the broker moves the message to the dead queue, as it does at once with messages
    that are no CloudEvent or that no handler wants.

    Deliveries are handled side by side, up to `prefetch` at once (aio-pika runs each one as
    a task; the prefetch bounds them, and the session pool the transactions among them), so
    events of one aggregate may commit out of order: the inbox applies a copy at most once
    (a second copy waits on the first's inbox row, then skips) and projections keep the
    newest `sequence`.

    An unavailable database is no failure of the handler and spends no delivery: the
    consumer pauses, holding its messages unsettled (which fills the prefetch window, so
    the broker sends no more), probes the database with backoff and, once it answers,
    applies the held messages again. Neither a requeue nor a closed channel would do: a
    quorum queue counts both as a delivery. A message held longer than the broker's
    `consumer_timeout` (30 min by default) is returned by the broker and counts once.

    Its `heartbeat` beats while it consumes or reconnects, and counts a handler's
    transaction as busy work (a handler that hangs is a stall); outcomes, handler times and
    the events' age at handling go to `metrics`.
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
        prefetch: int = 20,
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
        self.reconnect_delay_seconds = reconnect_delay_seconds
        self.retry_delay_seconds = retry_delay_seconds
        self._in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()
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
            if self._probe is not None:
                self._probe.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._probe

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
            # Let handlers that are running commit and ack; what is left is redelivered.
            # Those waiting for the database give up at once.
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
        with tracer.start_as_current_span(
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
        ) as span:
            try:
                first_delivery = await self._apply_when_available(handler, event, released)
            except Exception as exc:
                span.record_exception(exc)
                span.set_status(StatusCode.ERROR)
                self.metrics.consumer_outcome(self.queue, event.type, "failed")
                await self._retry_later(message, event, exc)
                return
            if first_delivery is None:
                span.set_attribute("worksync.event.released", True)
                self.metrics.consumer_outcome(self.queue, event.type, "released")
                return
            span.set_attribute("worksync.event.duplicate", not first_delivery)
            await message.ack()
            self.metrics.consumer_outcome(
                self.queue, event.type, "processed" if first_delivery else "duplicate"
            )

    async def _apply_when_available(
        self, handler: Handler, event: CloudEvent, released: asyncio.Event
    ) -> bool | None:
        """`_apply` once the database answers; None when the delivery's connection ended
        before it did (the broker has the message back)."""
        while True:
            await wait_for_any(self._database_up, released, at_most_seconds=None)
            if released.is_set():
                return None
            try:
                return await self._apply(handler, event)
            except Exception as exc:
                if not database_unavailable(exc):
                    raise
                self._pause(exc)

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

    async def _apply(self, handler: Handler, event: CloudEvent) -> bool:
        """Run `handler` in the transaction that records the event; False for a duplicate."""
        recorded = (
            insert(self.inbox)
            .values(event_id=event.id, event_type=event.type)
            .on_conflict_do_nothing()
            .returning(self.inbox.c.event_id)
        )
        started = time.perf_counter()
        with self.heartbeat.busy():
            async with self.sessionmaker() as session, session.begin():
                if (await session.execute(recorded)).first() is None:
                    return False
                await handler(session, event)
        self.metrics.handler_duration.labels(self.metrics.service, self.queue, event.type).observe(
            time.perf_counter() - started
        )
        recorded_at = event.time if event.time.tzinfo else event.time.replace(tzinfo=UTC)
        age = (datetime.now(UTC) - recorded_at).total_seconds()
        self.metrics.event_age.labels(self.metrics.service, self.queue, event.type).observe(
            max(age, 0.0)
        )
        return True

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
