from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from uuid import UUID

import pytest
from aio_pika import DeliveryMode
from aio_pika.abc import AbstractIncomingMessage, AbstractQueue
from opentelemetry import trace
from opentelemetry.trace import NonRecordingSpan, SpanContext, TraceFlags
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.events.envelope import CONTENT_TYPE, CloudEvent, IntegrationEvent
from worksync.common.events.outbox import EventRecorder, Outbox
from worksync.common.events.relay import OutboxRelay
from worksync.common.events.tables import MessagingTables
from worksync.common.ids import new_id

Eventually = Callable[[Callable[[], Awaitable[bool]]], Awaitable[None]]
Drain = Callable[[AbstractQueue], Awaitable[list[AbstractIncomingMessage]]]

UNREACHABLE_AMQP_URL = "amqp://guest:guest@127.0.0.1:1/"


class ThingHappened(IntegrationEvent):
    event_type = "test.thing.happened"

    n: int


RelayFactory = Callable[..., OutboxRelay]


@pytest.fixture
def outbox(messaging: MessagingTables) -> Outbox:
    return Outbox(messaging.outbox, source="worksync/test")


@pytest.fixture
async def make_relay(
    worksync_database_url: str,
    worksync_amqp_url: str,
    outbox: Outbox,
    exchanges: tuple[str, str],
) -> AsyncIterator[RelayFactory]:
    """Builds relays on the test's outbox and exchange; closes them after the test."""
    relays: list[OutboxRelay] = []

    def make(
        *,
        amqp_url: str = worksync_amqp_url,
        batch_size: int = 100,
        poll_interval_seconds: float = 5.0,
    ) -> OutboxRelay:
        relay = OutboxRelay(
            database_url=worksync_database_url,
            outbox=outbox,
            amqp_url=amqp_url,
            exchange=exchanges[0],
            dead_letter_exchange=exchanges[1],
            batch_size=batch_size,
            poll_interval_seconds=poll_interval_seconds,
            reconnect_delay_seconds=0.01,
        )
        relays.append(relay)
        return relay

    yield make
    for relay in relays:
        await relay.close()


@asynccontextmanager
async def running(*relays: OutboxRelay) -> AsyncIterator[None]:
    stop = asyncio.Event()
    tasks = [asyncio.create_task(relay.run(stop)) for relay in relays]
    try:
        yield
    finally:
        stop.set()
        async with asyncio.timeout(30):
            await asyncio.gather(*tasks)


@dataclass
class Thing:
    """An aggregate as the recorder sees it: an id and a version."""

    id: UUID = field(default_factory=new_id)
    version: int = 0


async def record(session: AsyncSession, outbox: Outbox, n: int) -> CloudEvent:
    return await EventRecorder(outbox).record(
        session, Thing(), ThingHappened(n=n), workspace_id=None, actor_id=None
    )


async def write_events(
    sessionmaker: async_sessionmaker[AsyncSession], outbox: Outbox, count: int
) -> list[UUID]:
    async with sessionmaker.begin() as session:
        events = [await record(session, outbox, n) for n in range(count)]
    return [event.id for event in events]


async def pending_rows(
    sessionmaker: async_sessionmaker[AsyncSession], outbox: Outbox
) -> list[tuple[UUID, int, str | None]]:
    table = outbox.table
    async with sessionmaker() as session:
        rows = await session.execute(
            select(table.c.id, table.c.attempts, table.c.last_error)
            .where(table.c.published_at.is_(None))
            .order_by(table.c.created_at, table.c.id)
        )
        return [(row.id, row.attempts, row.last_error) for row in rows]


def event_ids(messages: list[AbstractIncomingMessage]) -> list[UUID]:
    return [CloudEvent.model_validate_json(message.body).id for message in messages]


async def test_an_event_of_a_rolled_back_transaction_is_never_published(
    sessionmaker: async_sessionmaker[AsyncSession],
    outbox: Outbox,
    make_relay: RelayFactory,
    tap: AbstractQueue,
    drain: Drain,
) -> None:
    async with sessionmaker() as session:
        await record(session, outbox, 1)
        await session.rollback()

    assert await make_relay().publish_pending() == 0
    assert await pending_rows(sessionmaker, outbox) == []
    assert await drain(tap) == []


async def test_a_published_message_carries_the_envelope_and_its_trace(
    sessionmaker: async_sessionmaker[AsyncSession],
    outbox: Outbox,
    make_relay: RelayFactory,
    tap: AbstractQueue,
    drain: Drain,
) -> None:
    trace_id, span_id = 0x0AF7651916CD43DD8448EB211C80319C, 0xB7AD6B7169203331
    parent = SpanContext(trace_id, span_id, is_remote=False, trace_flags=TraceFlags(1))
    with trace.use_span(NonRecordingSpan(parent)):
        [event_id] = await write_events(sessionmaker, outbox, 1)

    assert await make_relay().publish_pending() == 1

    [message] = await drain(tap)
    event = CloudEvent.model_validate_json(message.body)
    assert event.id == event_id
    assert event.parse_data(ThingHappened) == ThingHappened(n=0)
    assert message.routing_key == ThingHappened.event_type
    assert message.content_type == CONTENT_TYPE
    assert message.message_id == str(event_id)
    assert message.type == ThingHappened.event_type
    assert message.delivery_mode == DeliveryMode.PERSISTENT
    assert message.headers["traceparent"] == f"00-{trace_id:032x}-{span_id:016x}-01"
    assert json.loads(message.body)["traceparent"] == message.headers["traceparent"]


async def test_events_wait_while_the_broker_is_unreachable_then_go_out_exactly_once(
    sessionmaker: async_sessionmaker[AsyncSession],
    outbox: Outbox,
    make_relay: RelayFactory,
    tap: AbstractQueue,
    drain: Drain,
    eventually: Eventually,
) -> None:
    written = await write_events(sessionmaker, outbox, 3)
    cut_off = make_relay(amqp_url=UNREACHABLE_AMQP_URL)

    assert await cut_off.publish_pending() == 0
    async with running(cut_off):  # retries, and survives, the outage

        async def retried() -> bool:
            return (await pending_rows(sessionmaker, outbox))[0][1] >= 3

        await eventually(retried)

    rows = await pending_rows(sessionmaker, outbox)
    assert [row_id for row_id, _, _ in rows] == written
    first_attempts, first_error = rows[0][1], rows[0][2]
    assert first_attempts >= 3
    assert first_error
    # A failure stops the batch: later rows were never tried.
    assert [(attempts, error) for _, attempts, error in rows[1:]] == [(0, None), (0, None)]

    relay = make_relay()
    assert await relay.publish_pending() == 3
    assert await relay.publish_pending() == 0
    assert await pending_rows(sessionmaker, outbox) == []
    assert event_ids(await drain(tap)) == written


async def test_a_notification_wakes_the_relay_long_before_its_poll(
    sessionmaker: async_sessionmaker[AsyncSession],
    outbox: Outbox,
    make_relay: RelayFactory,
    eventually: Eventually,
) -> None:
    async def listening() -> bool:
        async with sessionmaker() as session:
            listeners = await session.scalar(
                select(func.count())
                .select_from(text("pg_stat_activity"))
                .where(
                    text("datname = current_database() AND query = :listen").bindparams(
                        listen=f'LISTEN "{outbox.channel}"'
                    )
                )
            )
        return bool(listeners)

    async def all_published() -> bool:
        return await pending_rows(sessionmaker, outbox) == []

    async with running(make_relay(poll_interval_seconds=3600)):
        await eventually(listening)
        # The relay may catch the first event in the pass it runs on start; the second is
        # written once it has gone idle, so only the notification can bring it out.
        for _ in range(2):
            await write_events(sessionmaker, outbox, 1)
            await eventually(all_published)


async def test_two_relays_at_once_publish_each_event_exactly_once(
    sessionmaker: async_sessionmaker[AsyncSession],
    outbox: Outbox,
    make_relay: RelayFactory,
    tap: AbstractQueue,
    drain: Drain,
    eventually: Eventually,
) -> None:
    written = await write_events(sessionmaker, outbox, 150)

    async def all_published() -> bool:
        return await pending_rows(sessionmaker, outbox) == []

    async with running(
        make_relay(batch_size=7, poll_interval_seconds=3600),
        make_relay(batch_size=7, poll_interval_seconds=3600),
    ):
        await eventually(all_published)
        written += await write_events(sessionmaker, outbox, 50)
        await eventually(all_published)

    published = event_ids(await drain(tap))
    assert sorted(published) == sorted(written)


async def test_the_relays_own_commits_do_not_wait_for_the_disk(
    make_relay: RelayFactory,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    relay = make_relay()
    async with relay._engine.connect() as connection:
        assert (await connection.scalar(text("SHOW synchronous_commit"))) == "off"
    # The services' own transactions, which hold the business rows, stay durable.
    async with sessionmaker() as session:
        assert (await session.scalar(text("SHOW synchronous_commit"))) == "on"


async def test_purging_deletes_only_published_rows(
    sessionmaker: async_sessionmaker[AsyncSession],
    outbox: Outbox,
    make_relay: RelayFactory,
) -> None:
    relay = make_relay()
    await write_events(sessionmaker, outbox, 2)
    await relay.publish_pending()
    [pending_id] = await write_events(sessionmaker, outbox, 1)

    assert await relay.purge_published(timedelta(days=1)) == 0
    assert await relay.purge_published(timedelta(0)) == 2

    async with sessionmaker() as session:
        remaining = (await session.scalars(select(outbox.table.c.id))).all()
    assert remaining == [pending_id]


async def test_recording_makes_the_event_the_aggregates_next_version(
    sessionmaker: async_sessionmaker[AsyncSession], outbox: Outbox
) -> None:
    thing = Thing(version=4)
    workspace_id, actor_id = new_id(), new_id()
    async with sessionmaker.begin() as session:
        first = await EventRecorder(outbox).record(
            session, thing, ThingHappened(n=1), workspace_id=workspace_id, actor_id=actor_id
        )
        second = await EventRecorder(outbox).record(
            session, thing, ThingHappened(n=2), workspace_id=workspace_id, actor_id=actor_id
        )

    assert thing.version == 6
    assert (first.sequence, second.sequence) == (5, 6)
    assert first.subject == second.subject == str(thing.id)
    assert (first.workspaceid, first.actorid) == (str(workspace_id), str(actor_id))
    async with sessionmaker() as session:
        envelopes = (
            await session.scalars(
                select(outbox.table.c.envelope).where(outbox.table.c.id.in_([first.id, second.id]))
            )
        ).all()
    assert sorted(envelope["sequence"] for envelope in envelopes) == [5, 6]


async def test_many_events_are_recorded_at_once_each_as_its_aggregates_next_version(
    sessionmaker: async_sessionmaker[AsyncSession],
    outbox: Outbox,
    make_relay: RelayFactory,
    tap: AbstractQueue,
    drain: Drain,
) -> None:
    things = [Thing(version=n) for n in range(3)]
    async with sessionmaker.begin() as session:
        events = await EventRecorder(outbox).record_all(
            session,
            [(thing, ThingHappened(n=n), None) for n, thing in enumerate(things)],
            actor_id=None,
        )

    assert [thing.version for thing in things] == [1, 2, 3]
    assert [event.sequence for event in events] == [1, 2, 3]
    assert [event.subject for event in events] == [str(thing.id) for thing in things]
    assert await make_relay().publish_pending() == 3
    assert sorted(event_ids(await drain(tap))) == sorted(event.id for event in events)
