from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from uuid import UUID

import aio_pika
import pytest
from aio_pika.abc import AbstractChannel, AbstractIncomingMessage, AbstractQueue, HeadersType
from opentelemetry import trace
from sqlalchemy import MetaData, Table, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.db import create_engine, create_sessionmaker
from worksync.common.events.consumer import EventConsumer
from worksync.common.events.envelope import CloudEvent
from worksync.common.events.handlers import BatchHandler, Handler
from worksync.common.events.tables import MessagingTables
from worksync.common.events.topology import dead_queue_name, declare_topology
from worksync.common.ids import new_id
from worksync.common.testing.links import TcpLink, tcp_link

Eventually = Callable[[Callable[[], Awaitable[bool]]], Awaitable[None]]
NextMessage = Callable[[AbstractQueue], Awaitable[AbstractIncomingMessage]]
ConsumerFactory = Callable[..., EventConsumer]

DELIVERY_LIMIT = 3
TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"


def cloud_event(event_type: str = "test.good.happened") -> CloudEvent:
    return CloudEvent(
        source="worksync/test", type=event_type, subject=str(new_id()), sequence=1, data={}
    )


async def publish(
    channel: AbstractChannel,
    exchange: str,
    body: bytes,
    routing_key: str,
    headers: HeadersType | None = None,
) -> None:
    events = await channel.get_exchange(exchange, ensure=False)
    await events.publish(aio_pika.Message(body, headers=headers), routing_key=routing_key)


@pytest.fixture
def record(effects: Table) -> Handler:
    async def record(session: AsyncSession, event: CloudEvent) -> None:
        await session.execute(effects.insert().values(event_id=event.id, event_type=event.type))

    return record


@pytest.fixture
def make_consumer(
    sessionmaker: async_sessionmaker[AsyncSession],
    messaging: MessagingTables,
    worksync_amqp_url: str,
    exchanges: tuple[str, str],
    queue_name: str,
) -> ConsumerFactory:
    def make(
        handlers: dict[str, Handler],
        *,
        amqp_url: str = worksync_amqp_url,
        through: async_sessionmaker[AsyncSession] = sessionmaker,
        prefetch: int = 5,
    ) -> EventConsumer:
        return EventConsumer(
            sessionmaker=through,
            inbox=messaging.inbox,
            amqp_url=amqp_url,
            exchange=exchanges[0],
            dead_letter_exchange=exchanges[1],
            queue=queue_name,
            handlers=handlers,
            delivery_limit=DELIVERY_LIMIT,
            prefetch=prefetch,
            reconnect_delay_seconds=0.01,
            retry_delay_seconds=0.01,
        )

    return make


async def declare_queue_of(
    consumer: EventConsumer, channel: AbstractChannel
) -> tuple[AbstractQueue, AbstractQueue]:
    """Declare what `consumer.run` declares, so messages published before it starts stay."""
    await declare_topology(
        channel,
        exchange=consumer.exchange,
        dead_letter_exchange=consumer.dead_letter_exchange,
        queue=consumer.queue,
        bindings=list(consumer.handlers),
        delivery_limit=consumer.delivery_limit,
    )
    return (
        await channel.get_queue(consumer.queue),
        await channel.get_queue(dead_queue_name(consumer.queue)),
    )


@asynccontextmanager
async def running(consumer: EventConsumer) -> AsyncIterator[None]:
    stop = asyncio.Event()
    task = asyncio.create_task(consumer.run(stop))
    try:
        yield
    finally:
        stop.set()
        async with asyncio.timeout(30):
            await task


async def count(sessionmaker: async_sessionmaker[AsyncSession], table: Table) -> int:
    async with sessionmaker() as session:
        return (await session.scalar(select(func.count()).select_from(table))) or 0


async def handled_ids(sessionmaker: async_sessionmaker[AsyncSession], effects: Table) -> list[UUID]:
    """The event of each effect, once per effect."""
    async with sessionmaker() as session:
        return list((await session.execute(select(effects.c.event_id))).scalars())


async def test_handled_then_acked_after_commit_and_a_redelivery_changes_nothing(
    sessionmaker: async_sessionmaker[AsyncSession],
    messaging: MessagingTables,
    effects: Table,
    record: Handler,
    make_consumer: ConsumerFactory,
    channel: AbstractChannel,
    exchanges: tuple[str, str],
    next_message: NextMessage,
) -> None:
    settled_during_handler: list[bool] = []
    delivery: list[AbstractIncomingMessage] = []

    async def record_and_watch(session: AsyncSession, event: CloudEvent) -> None:
        await record(session, event)
        settled_during_handler.append(delivery[-1].processed)

    consumer = make_consumer({"test.good.*": record_and_watch})
    queue, _ = await declare_queue_of(consumer, channel)
    event = cloud_event()
    for _ in range(2):
        await publish(channel, exchanges[0], event.model_dump_json().encode(), event.type)

    for _ in range(2):
        delivery.append(await next_message(queue))
        await consumer.handle(delivery[-1])
        assert delivery[-1].processed
        assert await count(sessionmaker, effects) == 1

    assert settled_during_handler == [False]
    assert await count(sessionmaker, messaging.inbox) == 1


async def test_the_handler_runs_in_the_trace_of_the_producer(
    record: Handler,
    make_consumer: ConsumerFactory,
    channel: AbstractChannel,
    exchanges: tuple[str, str],
    next_message: NextMessage,
) -> None:
    trace_ids: list[int] = []

    async def remember_trace(session: AsyncSession, event: CloudEvent) -> None:
        trace_ids.append(trace.get_current_span().get_span_context().trace_id)

    consumer = make_consumer({"test.good.happened": remember_trace})
    queue, _ = await declare_queue_of(consumer, channel)
    event = cloud_event()
    body = event.model_dump_json().encode()
    await publish(channel, exchanges[0], body, event.type, headers={"traceparent": TRACEPARENT})

    await consumer.handle(await next_message(queue))

    assert trace_ids == [int(TRACEPARENT.split("-")[1], 16)]


async def test_a_failing_handler_ends_in_the_dead_queue_while_others_flow(
    sessionmaker: async_sessionmaker[AsyncSession],
    effects: Table,
    record: Handler,
    make_consumer: ConsumerFactory,
    channel: AbstractChannel,
    exchanges: tuple[str, str],
    next_message: NextMessage,
    eventually: Eventually,
) -> None:
    attempts: list[CloudEvent] = []

    async def always_fail(session: AsyncSession, event: CloudEvent) -> None:
        attempts.append(event)
        raise RuntimeError("this handler never succeeds")

    consumer = make_consumer({"test.good.*": record, "test.poison.happened": always_fail})
    _, dead_queue = await declare_queue_of(consumer, channel)
    poison, good = cloud_event("test.poison.happened"), cloud_event("test.good.happened")

    async def good_handled() -> bool:
        return await count(sessionmaker, effects) == 1

    async with running(consumer):
        for event in (poison, good):
            await publish(channel, exchanges[0], event.model_dump_json().encode(), event.type)
        await eventually(good_handled)
        dead = await next_message(dead_queue)

    assert CloudEvent.model_validate_json(dead.body).id == poison.id
    # The limit counts redeliveries: the first delivery plus DELIVERY_LIMIT retries (a
    # delivery that shared a batch ran its handler twice: without and with a savepoint).
    assert outcome_count(consumer, poison, "failed") == DELIVERY_LIMIT + 1
    assert DELIVERY_LIMIT + 1 <= len(attempts) <= 2 * (DELIVERY_LIMIT + 1)
    assert {attempt.id for attempt in attempts} == {poison.id}


async def test_what_is_no_cloudevent_or_has_no_handler_goes_to_the_dead_queue(
    sessionmaker: async_sessionmaker[AsyncSession],
    effects: Table,
    record: Handler,
    make_consumer: ConsumerFactory,
    channel: AbstractChannel,
    exchanges: tuple[str, str],
    next_message: NextMessage,
    eventually: Eventually,
) -> None:
    consumer = make_consumer({"test.good.*": record})
    _, dead_queue = await declare_queue_of(consumer, channel)
    unwanted = cloud_event("test.unwanted.happened").model_dump_json().encode()

    async with running(consumer):
        await publish(channel, exchanges[0], b"{not json", "test.good.happened")
        await publish(channel, exchanges[0], b'{"type": "test.good.happened"}', "test.good.x")
        await publish(channel, exchanges[0], unwanted, "test.good.happened")
        dead = {(await next_message(dead_queue)).body for _ in range(3)}

    assert dead == {b"{not json", b'{"type": "test.good.happened"}', unwanted}
    assert await count(sessionmaker, effects) == 0


@pytest.fixture
async def broker_link(worksync_amqp_url: str) -> AsyncIterator[TcpLink]:
    async with tcp_link(worksync_amqp_url, 5672) as link:
        yield link


async def test_the_consumer_reconnects_after_losing_the_broker(
    sessionmaker: async_sessionmaker[AsyncSession],
    effects: Table,
    record: Handler,
    make_consumer: ConsumerFactory,
    channel: AbstractChannel,
    exchanges: tuple[str, str],
    broker_link: TcpLink,
    eventually: Eventually,
) -> None:
    consumer = make_consumer({"test.good.*": record}, amqp_url=broker_link.url)
    await declare_queue_of(consumer, channel)
    before, after = cloud_event(), cloud_event()

    async def handled_before() -> bool:
        return await count(sessionmaker, effects) == 1

    async def handled_after() -> bool:
        return await count(sessionmaker, effects) == 2

    async with running(consumer):
        await publish(channel, exchanges[0], before.model_dump_json().encode(), before.type)
        await eventually(handled_before)
        broker_link.cut()
        await publish(channel, exchanges[0], after.model_dump_json().encode(), after.type)
        await eventually(handled_after)


async def test_an_unreachable_broker_does_not_end_the_consumer(
    record: Handler,
    make_consumer: ConsumerFactory,
    eventually: Eventually,
    caplog: pytest.LogCaptureFixture,
) -> None:
    consumer = make_consumer({"test.good.*": record}, amqp_url="amqp://guest:guest@127.0.0.1:1/")

    async def retried_several_times() -> bool:
        return sum("will reconnect" in r.getMessage() for r in caplog.records) >= 3

    with caplog.at_level(logging.WARNING, logger="worksync.common.events.consumer"):
        async with running(consumer):
            await eventually(retried_several_times)


# Far beyond what DELIVERY_LIMIT quick retries take (well under a second here): without the
# pause, every event would be in the dead queue long before the database is back.
OUTAGE_SECONDS = 3.0


@pytest.fixture
async def database_link(worksync_database_url: str) -> AsyncIterator[TcpLink]:
    async with tcp_link(worksync_database_url, 5432) as link:
        yield link


@pytest.fixture
async def linked_sessionmaker(
    database_link: TcpLink,
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions whose connections go through `database_link`."""
    engine = create_engine(database_link.url, pool_size=2)
    yield create_sessionmaker(engine)
    await engine.dispose()


async def test_an_unreachable_database_pauses_consumption_and_spends_no_delivery(
    sessionmaker: async_sessionmaker[AsyncSession],
    linked_sessionmaker: async_sessionmaker[AsyncSession],
    database_link: TcpLink,
    effects: Table,
    record: Handler,
    make_consumer: ConsumerFactory,
    channel: AbstractChannel,
    exchanges: tuple[str, str],
    eventually: Eventually,
) -> None:
    attempts: list[CloudEvent] = []

    async def counting(session: AsyncSession, event: CloudEvent) -> None:
        attempts.append(event)
        await record(session, event)

    consumer = make_consumer({"test.good.*": counting}, through=linked_sessionmaker)
    queue, dead_queue = await declare_queue_of(consumer, channel)
    events = [cloud_event() for _ in range(3)]

    async def paused() -> bool:
        return consumer.paused

    async def all_handled() -> bool:
        return await count(sessionmaker, effects) == len(events)

    async with running(consumer):
        database_link.down()
        for event in events:
            await publish(channel, exchanges[0], event.model_dump_json().encode(), event.type)
        await eventually(paused)
        await asyncio.sleep(OUTAGE_SECONDS)
        assert consumer.paused
        assert attempts == [], "no handler runs while the database is away"
        database_link.up()
        await eventually(all_handled)
        assert not await paused()

    handled = await handled_ids(sessionmaker, effects)
    assert sorted(handled) == sorted(event.id for event in events), "each effect exactly once"
    assert await dead_queue.get(fail=False) is None
    assert await queue.get(fail=False) is None


async def test_a_connection_lost_inside_the_handler_is_retried_without_spending_deliveries(
    sessionmaker: async_sessionmaker[AsyncSession],
    linked_sessionmaker: async_sessionmaker[AsyncSession],
    database_link: TcpLink,
    effects: Table,
    record: Handler,
    make_consumer: ConsumerFactory,
    channel: AbstractChannel,
    exchanges: tuple[str, str],
    eventually: Eventually,
) -> None:
    """A failover mid-transaction: the handler's own statement fails on a dead connection."""
    calls = 0

    async def failover_during_the_first_call(session: AsyncSession, event: CloudEvent) -> None:
        nonlocal calls
        calls += 1
        if calls == 1:
            database_link.down()
            asyncio.get_running_loop().call_later(OUTAGE_SECONDS, database_link.up)
        await record(session, event)

    consumer = make_consumer(
        {"test.good.*": failover_during_the_first_call}, through=linked_sessionmaker
    )
    _, dead_queue = await declare_queue_of(consumer, channel)
    event = cloud_event()

    async def handled() -> bool:
        return await count(sessionmaker, effects) == 1

    async with running(consumer):
        await publish(channel, exchanges[0], event.model_dump_json().encode(), event.type)
        await eventually(handled)

    assert calls == 2
    assert await dead_queue.get(fail=False) is None


async def test_a_handler_error_is_still_counted_while_the_database_answers(
    linked_sessionmaker: async_sessionmaker[AsyncSession],
    make_consumer: ConsumerFactory,
    channel: AbstractChannel,
    exchanges: tuple[str, str],
    next_message: NextMessage,
) -> None:
    """Only database outages are exempt: a handler's own database error is the handler's."""
    attempts = 0

    async def bad_sql(session: AsyncSession, event: CloudEvent) -> None:
        nonlocal attempts
        attempts += 1
        await session.execute(text("SELECT * FROM no_such_table"))

    consumer = make_consumer({"test.good.*": bad_sql}, through=linked_sessionmaker)
    _, dead_queue = await declare_queue_of(consumer, channel)
    event = cloud_event()

    async with running(consumer):
        await publish(channel, exchanges[0], event.model_dump_json().encode(), event.type)
        dead = await next_message(dead_queue)

    assert CloudEvent.model_validate_json(dead.body).id == event.id
    assert attempts == DELIVERY_LIMIT + 1


class BatchProbe:
    """A handler wrapper that holds the first batch until released, so that the deliveries
    arriving meanwhile wait together for the next one, and notes each call's transaction."""

    def __init__(self, apply: Handler) -> None:
        self.apply = apply
        self.entered, self.release = asyncio.Event(), asyncio.Event()
        # (event id, transaction id) of every call, failed ones included.
        self.calls: list[tuple[object, int]] = []

    async def __call__(self, session: AsyncSession, event: CloudEvent) -> None:
        transaction = (await session.execute(text("SELECT txid_current()"))).scalar_one()
        self.calls.append((event.id, transaction))
        if not self.entered.is_set():
            self.entered.set()
            await self.release.wait()
        await self.apply(session, event)

    def transactions_of(self, event: CloudEvent) -> list[int]:
        return [transaction for event_id, transaction in self.calls if event_id == event.id]


async def hold_the_first_batch_and_queue(
    probe: BatchProbe,
    consumer: EventConsumer,
    queue: AbstractQueue,
    channel: AbstractChannel,
    exchange: str,
    events: list[CloudEvent],
    eventually: Eventually,
) -> None:
    """Publish a first event whose batch the probe holds, then `events`; return once the
    consumer holds the first `prefetch - 1` of them, waiting for the next batch."""
    first = cloud_event()
    await publish(channel, exchange, first.model_dump_json().encode(), first.type)
    await eventually(lambda: _is_set(probe.entered))
    for event in events:
        await publish(channel, exchange, event.model_dump_json().encode(), event.type)
    in_consumer = min(len(events), consumer.prefetch - 1)

    async def delivered() -> bool:
        return (await queue.declare()).message_count == len(events) - in_consumer

    await eventually(delivered)


async def _is_set(event: asyncio.Event) -> bool:
    return event.is_set()


def outcome_count(consumer: EventConsumer, event: CloudEvent, outcome: str) -> float | None:
    return consumer.metrics.registry.get_sample_value(
        "worksync_consumer_events_total",
        {
            "service": consumer.metrics.service,
            "queue": consumer.queue,
            "event_type": event.type,
            "outcome": outcome,
        },
    )


async def test_waiting_deliveries_share_one_transaction_and_a_copy_in_it_applies_once(
    sessionmaker: async_sessionmaker[AsyncSession],
    messaging: MessagingTables,
    effects: Table,
    record: Handler,
    make_consumer: ConsumerFactory,
    channel: AbstractChannel,
    exchanges: tuple[str, str],
    eventually: Eventually,
) -> None:
    probe = BatchProbe(record)
    consumer = make_consumer({"test.good.*": probe})
    queue, _ = await declare_queue_of(consumer, channel)
    duplicated = cloud_event()
    # The copy and two others wait together; the rest follow in later batches.
    events = [duplicated, duplicated, *(cloud_event() for _ in range(8))]

    async def all_handled() -> bool:
        return await count(sessionmaker, effects) == 1 + len(events) - 1

    async with running(consumer):
        await hold_the_first_batch_and_queue(
            probe, consumer, queue, channel, exchanges[0], events, eventually
        )
        probe.release.set()
        await eventually(all_handled)

    together = {transaction for event in events[:4] for transaction in probe.transactions_of(event)}
    assert len(together) == 1, "what waited is applied in one transaction"
    assert len(probe.transactions_of(duplicated)) == 1, "the copy finds the inbox row"
    assert (
        max(Counter(transaction for _, transaction in probe.calls).values()) <= consumer.max_batch
    )
    assert await count(sessionmaker, messaging.inbox) == 1 + len(events) - 1
    assert (await queue.declare()).message_count == 0
    assert outcome_count(consumer, duplicated, "duplicate") == 1
    assert outcome_count(consumer, duplicated, "processed") == 1 + len(events) - 1


async def test_a_failing_handler_in_a_batch_rolls_back_only_its_own_event(
    sessionmaker: async_sessionmaker[AsyncSession],
    effects: Table,
    record: Handler,
    make_consumer: ConsumerFactory,
    channel: AbstractChannel,
    exchanges: tuple[str, str],
    eventually: Eventually,
) -> None:
    before, flaky, after = cloud_event(), cloud_event(), cloud_event()
    failures: list[CloudEvent] = []

    async def record_but_fail_flaky_first(session: AsyncSession, event: CloudEvent) -> None:
        # Written, then undone with its savepoint: the others' writes stay.
        await record(session, event)
        # Its first delivery: the batch without savepoints, then again with them.
        if event.id == flaky.id and len(failures) < 2:
            failures.append(event)
            raise RuntimeError("fails on its first delivery")

    probe = BatchProbe(record_but_fail_flaky_first)
    consumer = make_consumer({"test.good.*": probe})
    queue, dead_queue = await declare_queue_of(consumer, channel)

    async def all_handled() -> bool:
        return await count(sessionmaker, effects) == 4

    async with running(consumer):
        await hold_the_first_batch_and_queue(
            probe, consumer, queue, channel, exchanges[0], [before, flaky, after], eventually
        )
        probe.release.set()
        await eventually(all_handled)

    handled = await handled_ids(sessionmaker, effects)
    assert Counter(handled)[flaky.id] == 1
    assert {before.id, flaky.id, after.id} <= set(handled)
    # The batch ran without savepoints and was rolled back at the failure, then again with
    # them: the others were applied then, once; the flaky one came back alone.
    unprotected, protected, retry = probe.transactions_of(flaky)
    assert probe.transactions_of(before)[-1] == probe.transactions_of(after)[-1] == protected
    assert len({unprotected, protected, retry}) == 3
    assert outcome_count(consumer, flaky, "failed") == 1
    assert await dead_queue.get(fail=False) is None
    assert (await queue.declare()).message_count == 0


async def test_a_commit_that_fails_applies_its_batch_one_by_one(
    sessionmaker: async_sessionmaker[AsyncSession],
    metadata: MetaData,
    effects: Table,
    record: Handler,
    make_consumer: ConsumerFactory,
    channel: AbstractChannel,
    exchanges: tuple[str, str],
    next_message: NextMessage,
    eventually: Eventually,
) -> None:
    """A deferred constraint fails only at the commit, whose transaction then held the
    whole batch: the others are applied one per transaction, the bad one is retried."""
    once = f"{metadata.schema}.once"
    async with sessionmaker.begin() as session:
        await session.execute(
            text(f"CREATE TABLE {once} (key text UNIQUE DEFERRABLE INITIALLY DEFERRED)")
        )

    async def violate_at_commit(session: AsyncSession, event: CloudEvent) -> None:
        await session.execute(text(f"INSERT INTO {once} VALUES ('twice'), ('twice')"))

    probe = BatchProbe(record)
    consumer = make_consumer({"test.good.*": probe, "test.bad.*": violate_at_commit})
    queue, dead_queue = await declare_queue_of(consumer, channel)
    good_before, bad, good_after = cloud_event(), cloud_event("test.bad.happened"), cloud_event()

    async def good_handled() -> bool:
        return await count(sessionmaker, effects) == 3

    async with running(consumer):
        await hold_the_first_batch_and_queue(
            probe,
            consumer,
            queue,
            channel,
            exchanges[0],
            [good_before, bad, good_after],
            eventually,
        )
        probe.release.set()
        await eventually(good_handled)
        dead = await next_message(dead_queue)

    assert CloudEvent.model_validate_json(dead.body).id == bad.id
    # In the failed batch's transaction, then again each in a transaction of its own.
    for good in (good_before, good_after):
        first_try, alone = probe.transactions_of(good)
        assert first_try != alone
    assert await count(sessionmaker, effects) == 3
    assert (await queue.declare()).message_count == 0


async def test_a_database_outage_during_a_batch_loses_and_doubles_nothing(
    sessionmaker: async_sessionmaker[AsyncSession],
    linked_sessionmaker: async_sessionmaker[AsyncSession],
    database_link: TcpLink,
    effects: Table,
    record: Handler,
    make_consumer: ConsumerFactory,
    channel: AbstractChannel,
    exchanges: tuple[str, str],
    eventually: Eventually,
) -> None:
    events = [cloud_event() for _ in range(3)]
    cut = False

    async def cut_the_link_in_the_second_event(session: AsyncSession, event: CloudEvent) -> None:
        nonlocal cut
        if event.id == events[1].id and not cut:
            cut = True
            database_link.down()
            asyncio.get_running_loop().call_later(OUTAGE_SECONDS, database_link.up)
        await record(session, event)

    probe = BatchProbe(cut_the_link_in_the_second_event)
    consumer = make_consumer({"test.good.*": probe}, through=linked_sessionmaker)
    queue, dead_queue = await declare_queue_of(consumer, channel)

    async def all_handled() -> bool:
        return await count(sessionmaker, effects) == 1 + len(events)

    async with running(consumer):
        await hold_the_first_batch_and_queue(
            probe, consumer, queue, channel, exchanges[0], events, eventually
        )
        probe.release.set()
        await eventually(all_handled)

    handled = await handled_ids(sessionmaker, effects)
    assert len(handled) == len(set(handled)), "each effect exactly once"
    assert {event.id for event in events} <= set(handled)
    # The interrupted batch was applied again whole, once the database answered.
    assert len(probe.transactions_of(events[0])) >= 2
    assert await dead_queue.get(fail=False) is None
    assert (await queue.declare()).message_count == 0


class BatchRecorder:
    """A batch handler's `apply` that records each event and notes each call's events and
    transaction; it fails while `fail_on` says so."""

    def __init__(
        self, effects: Table, fail_on: Callable[[Sequence[CloudEvent]], bool] = lambda _: False
    ) -> None:
        self.effects = effects
        self.fail_on = fail_on
        # (event ids, transaction id) of every call, failed ones included.
        self.calls: list[tuple[list[UUID], int]] = []

    async def __call__(self, session: AsyncSession, events: Sequence[CloudEvent]) -> None:
        transaction = (await session.execute(text("SELECT txid_current()"))).scalar_one()
        self.calls.append(([event.id for event in events], transaction))
        await session.execute(
            self.effects.insert(),
            [{"event_id": event.id, "event_type": event.type} for event in events],
        )
        if self.fail_on(events):
            raise RuntimeError("this batch fails")

    def batches(self) -> list[list[UUID]]:
        return [event_ids for event_ids, _ in self.calls]


async def test_a_batch_handler_gets_the_new_events_that_follow_one_another_in_one_call(
    sessionmaker: async_sessionmaker[AsyncSession],
    messaging: MessagingTables,
    effects: Table,
    record: Handler,
    make_consumer: ConsumerFactory,
    channel: AbstractChannel,
    exchanges: tuple[str, str],
    eventually: Eventually,
) -> None:
    probe = BatchProbe(record)
    recorder = BatchRecorder(effects)
    consumer = make_consumer(
        {"test.good.*": probe, "test.batch.*": BatchHandler(recorder)}, prefetch=10
    )
    queue, _ = await declare_queue_of(consumer, channel)
    first, second, third, fourth = (cloud_event(f"test.batch.{n}") for n in range(4))
    between = cloud_event()
    # A copy among them, and another handler's event between the third and the fourth.
    events = [first, second, first, third, between, fourth]

    async def all_handled() -> bool:
        return await count(sessionmaker, effects) == 1 + 5

    async with running(consumer):
        await hold_the_first_batch_and_queue(
            probe, consumer, queue, channel, exchanges[0], events, eventually
        )
        probe.release.set()
        await eventually(all_handled)

    assert recorder.batches() == [[first.id, second.id, third.id], [fourth.id]]
    transactions = {transaction for _, transaction in recorder.calls}
    assert transactions == set(probe.transactions_of(between)), "one transaction, in order"
    handled = Counter(await handled_ids(sessionmaker, effects))
    assert [handled[event.id] for event in (first, second, third, between, fourth)] == [1] * 5
    assert await count(sessionmaker, messaging.inbox) == 1 + 5
    assert outcome_count(consumer, first, "duplicate") == 1
    assert outcome_count(consumer, first, "processed") == 1
    assert (await queue.declare()).message_count == 0


async def test_a_failing_event_of_a_batch_handler_is_retried_alone_while_the_others_commit(
    sessionmaker: async_sessionmaker[AsyncSession],
    effects: Table,
    record: Handler,
    make_consumer: ConsumerFactory,
    channel: AbstractChannel,
    exchanges: tuple[str, str],
    eventually: Eventually,
) -> None:
    before, flaky, after = (cloud_event("test.batch.happened") for _ in range(3))
    failures: list[Sequence[CloudEvent]] = []

    def flaky_twice(events: Sequence[CloudEvent]) -> bool:
        # Its first delivery: the batch in one call, then alone under its savepoint.
        if flaky.id in {event.id for event in events} and len(failures) < 2:
            failures.append(events)
            return True
        return False

    probe = BatchProbe(record)
    recorder = BatchRecorder(effects, fail_on=flaky_twice)
    consumer = make_consumer({"test.good.*": probe, "test.batch.*": BatchHandler(recorder)})
    queue, dead_queue = await declare_queue_of(consumer, channel)

    async def all_handled() -> bool:
        return await count(sessionmaker, effects) == 4

    async with running(consumer):
        await hold_the_first_batch_and_queue(
            probe, consumer, queue, channel, exchanges[0], [before, flaky, after], eventually
        )
        probe.release.set()
        await eventually(all_handled)

    # The batch in one call, rolled back; then one call per event with savepoints, of
    # which only the flaky one's was undone; then the flaky one redelivered, alone.
    assert recorder.batches() == [
        [before.id, flaky.id, after.id],
        [before.id],
        [flaky.id],
        [after.id],
        [flaky.id],
    ]
    transactions = [transaction for _, transaction in recorder.calls]
    assert len(set(transactions[1:4])) == 1
    assert len({transactions[0], transactions[1], transactions[4]}) == 3
    handled = Counter(await handled_ids(sessionmaker, effects))
    assert [handled[event.id] for event in (before, flaky, after)] == [1, 1, 1]
    # Counted per type, which the three share.
    assert outcome_count(consumer, flaky, "failed") == 1
    assert outcome_count(consumer, flaky, "processed") == 3
    assert await dead_queue.get(fail=False) is None
    assert (await queue.declare()).message_count == 0


async def test_a_batch_committed_but_not_acked_before_a_crash_is_acked_as_duplicates(
    sessionmaker: async_sessionmaker[AsyncSession],
    effects: Table,
    record: Handler,
    make_consumer: ConsumerFactory,
    channel: AbstractChannel,
    exchanges: tuple[str, str],
    broker_link: TcpLink,
    eventually: Eventually,
) -> None:
    """The worker's connection dies between the commit and the acks: the broker delivers
    the batch again, and the inbox recognises every event of it."""
    events = [cloud_event("test.batch.happened") for _ in range(3)]

    class CutAfterTheFirstCall(BatchRecorder):
        async def __call__(self, session: AsyncSession, events: Sequence[CloudEvent]) -> None:
            await super().__call__(session, events)
            if len(self.calls) == 1:
                broker_link.cut()

    probe = BatchProbe(record)
    recorder = CutAfterTheFirstCall(effects)
    consumer = make_consumer(
        {"test.good.*": probe, "test.batch.*": BatchHandler(recorder)},
        amqp_url=broker_link.url,
    )
    queue, dead_queue = await declare_queue_of(consumer, channel)

    async def all_redelivered_and_acked() -> bool:
        return outcome_count(consumer, events[0], "duplicate") == len(events)

    async with running(consumer):
        await hold_the_first_batch_and_queue(
            probe, consumer, queue, channel, exchanges[0], events, eventually
        )
        probe.release.set()
        await eventually(all_redelivered_and_acked)

    assert recorder.batches() == [[event.id for event in events]]
    handled = Counter(await handled_ids(sessionmaker, effects))
    assert [handled[event.id] for event in events] == [1, 1, 1]
    assert await dead_queue.get(fail=False) is None
    assert (await queue.declare()).message_count == 0


async def test_a_database_outage_during_a_batch_handler_applies_its_batch_again_whole(
    sessionmaker: async_sessionmaker[AsyncSession],
    linked_sessionmaker: async_sessionmaker[AsyncSession],
    database_link: TcpLink,
    effects: Table,
    record: Handler,
    make_consumer: ConsumerFactory,
    channel: AbstractChannel,
    exchanges: tuple[str, str],
    eventually: Eventually,
) -> None:
    events = [cloud_event("test.batch.happened") for _ in range(3)]

    def cut_the_link_in_the_first_call(batch: Sequence[CloudEvent]) -> bool:
        if len(recorder.calls) == 1:
            database_link.down()
            asyncio.get_running_loop().call_later(OUTAGE_SECONDS, database_link.up)
        return False

    probe = BatchProbe(record)
    recorder = BatchRecorder(effects, fail_on=cut_the_link_in_the_first_call)

    consumer = make_consumer(
        {"test.good.*": probe, "test.batch.*": BatchHandler(recorder)},
        through=linked_sessionmaker,
    )
    queue, dead_queue = await declare_queue_of(consumer, channel)

    async def all_handled() -> bool:
        return await count(sessionmaker, effects) == 1 + len(events)

    async with running(consumer):
        await hold_the_first_batch_and_queue(
            probe, consumer, queue, channel, exchanges[0], events, eventually
        )
        probe.release.set()
        await eventually(all_handled)

    # The interrupted call committed nothing; its batch was applied again whole, once.
    assert len(recorder.calls) >= 2
    assert recorder.batches()[-1] == [event.id for event in events]
    handled = Counter(await handled_ids(sessionmaker, effects))
    assert [handled[event.id] for event in events] == [1, 1, 1]
    assert await dead_queue.get(fail=False) is None
    assert (await queue.declare()).message_count == 0
