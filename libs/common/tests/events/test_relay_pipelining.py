"""The relay's pipelined batches: many publishes in flight, each row marked only once the
broker confirmed it, and what a lost connection or a refusal in the middle of a batch leaves
behind."""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit
from uuid import UUID

import pytest
from aio_pika.abc import AbstractChannel, AbstractIncomingMessage, AbstractQueue
from sqlalchemy import make_url, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.events.envelope import CloudEvent, IntegrationEvent
from worksync.common.events.outbox import EventRecorder, Outbox
from worksync.common.events.relay import OutboxRelay
from worksync.common.events.tables import MessagingTables
from worksync.common.ids import new_id
from worksync.common.testing.links import tcp_link

Eventually = Callable[[Callable[[], Awaitable[bool]]], Awaitable[None]]
Drain = Callable[[AbstractQueue], Awaitable[list[AbstractIncomingMessage]]]

BATCH_SIZE = 100
AMQP_PORT = 5672


class ThingHappened(IntegrationEvent):
    event_type = "test.thing.happened"


class ThingRefused(IntegrationEvent):
    """Routed to a queue that refuses every message, so its publish is nacked."""

    event_type = "test.thing.refused"


@dataclass
class Thing:
    id: UUID = field(default_factory=new_id)
    version: int = 0


class ReplyValve:
    """A TCP hop to the broker that forwards what the client sends at once and what the
    broker answers only while open: closed, publishes reach the broker and their confirms
    wait in the hop."""

    def __init__(self, server_url: str) -> None:
        parts = urlsplit(server_url)
        self._server_url = parts
        self._target = (parts.hostname or "localhost", parts.port or AMQP_PORT)
        self._open = asyncio.Event()
        self._open.set()
        self._server: asyncio.Server | None = None
        self._pipes: set[asyncio.Task[None]] = set()
        self.url = ""

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._forward, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        userinfo, _, _ = self._server_url.netloc.rpartition("@")
        self.url = self._server_url._replace(netloc=f"{userinfo}@127.0.0.1:{port}").geturl()

    def hold_replies(self) -> None:
        self._open.clear()

    def pass_replies(self) -> None:
        self._open.set()

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
        for pipe in self._pipes:
            pipe.cancel()
        await asyncio.gather(*self._pipes, return_exceptions=True)

    async def _forward(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        server_reader, server_writer = await asyncio.open_connection(*self._target)
        pipes = {
            asyncio.create_task(self._pipe(reader, server_writer, gated=False)),
            asyncio.create_task(self._pipe(server_reader, writer, gated=True)),
        }
        self._pipes |= pipes
        await asyncio.gather(*pipes, return_exceptions=True)
        self._pipes -= pipes

    async def _pipe(
        self, source: asyncio.StreamReader, sink: asyncio.StreamWriter, *, gated: bool
    ) -> None:
        with contextlib.suppress(ConnectionError):
            while data := await source.read(65536):
                if gated:
                    await self._open.wait()
                sink.write(data)
                await sink.drain()
        sink.close()


@pytest.fixture
async def valve(worksync_amqp_url: str) -> AsyncIterator[ReplyValve]:
    valve = ReplyValve(worksync_amqp_url)
    await valve.start()
    yield valve
    await valve.stop()


@pytest.fixture
def outbox(messaging: MessagingTables) -> Outbox:
    return Outbox(messaging.outbox, source="worksync/test")


@pytest.fixture
async def make_relay(
    worksync_database_url: str, outbox: Outbox, exchanges: tuple[str, str]
) -> AsyncIterator[Callable[[str], OutboxRelay]]:
    relays: list[OutboxRelay] = []

    def make(amqp_url: str) -> OutboxRelay:
        relay = OutboxRelay(
            database_url=worksync_database_url,
            outbox=outbox,
            amqp_url=amqp_url,
            exchange=exchanges[0],
            dead_letter_exchange=exchanges[1],
            batch_size=BATCH_SIZE,
            reconnect_delay_seconds=0.01,
        )
        relays.append(relay)
        return relay

    yield make
    for relay in relays:
        await relay.close()


async def record_rounds(
    sessionmaker: async_sessionmaker[AsyncSession],
    outbox: Outbox,
    things: list[Thing],
    rounds: int,
) -> list[UUID]:
    """`rounds` events of every thing, round by round (one transaction each), so that the
    outbox interleaves aggregates; the event ids in creation order."""
    written: list[UUID] = []
    recorder = EventRecorder(outbox)
    for _ in range(rounds):
        async with sessionmaker.begin() as session:
            events = await recorder.record_all(
                session, [(thing, ThingHappened(), None) for thing in things], actor_id=None
            )
        written += [event.id for event in events]
    return written


async def record_one(
    sessionmaker: async_sessionmaker[AsyncSession],
    outbox: Outbox,
    thing: Thing,
    data: IntegrationEvent,
) -> UUID:
    async with sessionmaker.begin() as session:
        event = await EventRecorder(outbox).record(
            session, thing, data, workspace_id=None, actor_id=None
        )
    return event.id


async def outbox_rows(
    sessionmaker: async_sessionmaker[AsyncSession], outbox: Outbox
) -> dict[UUID, tuple[bool, int, str | None]]:
    """Every row: (published, attempts, last_error)."""
    table = outbox.table
    async with sessionmaker() as session:
        rows = await session.execute(
            select(table.c.id, table.c.published_at, table.c.attempts, table.c.last_error)
        )
        return {
            row.id: (row.published_at is not None, row.attempts, row.last_error) for row in rows
        }


def events_of(messages: list[AbstractIncomingMessage]) -> list[CloudEvent]:
    return [CloudEvent.model_validate_json(message.body) for message in messages]


def last_copies_per_aggregate(events: list[CloudEvent]) -> dict[str, list[int]]:
    """Per aggregate, the sequences in the order of each event's last copy: what a consumer
    that keeps the last event it received of each aggregate ends up having applied."""
    last_position = {event.id: position for position, event in enumerate(events)}
    sequences: dict[str, list[int]] = defaultdict(list)
    for position, event in enumerate(events):
        if last_position[event.id] == position:
            sequences[event.subject].append(event.sequence)
    return sequences


def failures(relay: OutboxRelay) -> float:
    return (
        relay.metrics.registry.get_sample_value(
            "worksync_relay_publish_failures_total", {"service": relay.metrics.service}
        )
        or 0.0
    )


async def connected(relay: OutboxRelay, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    """Open the relay's broker connection with one event, while replies still pass."""
    await record_one(sessionmaker, relay.outbox, Thing(), ThingHappened())
    assert await relay.publish_pending() == 1


async def test_a_burst_goes_out_a_batch_per_round_trip_and_rows_are_marked_once_confirmed(
    sessionmaker: async_sessionmaker[AsyncSession],
    outbox: Outbox,
    make_relay: Callable[[str], OutboxRelay],
    valve: ReplyValve,
    tap: AbstractQueue,
    drain: Drain,
    eventually: Eventually,
) -> None:
    relay = make_relay(valve.url)
    await connected(relay, sessionmaker)
    received = await drain(tap)
    things = [Thing() for _ in range(50)]
    written = await record_rounds(sessionmaker, outbox, things, rounds=10)

    valve.hold_replies()
    publishing = asyncio.create_task(relay.publish_pending())

    async def a_whole_batch_in_flight() -> bool:
        received.extend(await drain(tap))
        return len(received) >= 1 + BATCH_SIZE

    # A whole batch reaches the broker before a single confirm is back: one round trip per
    # batch, 5 for the 500 rows, where waiting for each confirm took 500.
    await eventually(a_whole_batch_in_flight)
    rows = await outbox_rows(sessionmaker, outbox)
    assert [rows[event_id][0] for event_id in written] == [False] * len(written)
    assert not publishing.done()

    valve.pass_replies()
    assert await publishing == len(written)

    rows = await outbox_rows(sessionmaker, outbox)
    assert all(published for published, _, _ in rows.values())
    assert all(attempts == 0 for _, attempts, _ in rows.values())
    received.extend(await drain(tap))
    # Exactly once each, in creation order: a channel delivers in the order it was sent.
    assert [event.id for event in events_of(received)][1:] == written
    assert failures(relay) == 0


async def test_a_connection_cut_mid_batch_leaves_its_rows_pending_until_they_are_confirmed(
    sessionmaker: async_sessionmaker[AsyncSession],
    outbox: Outbox,
    make_relay: Callable[[str], OutboxRelay],
    valve: ReplyValve,
    tap: AbstractQueue,
    drain: Drain,
    eventually: Eventually,
) -> None:
    async with tcp_link(valve.url, AMQP_PORT) as link:
        relay = make_relay(link.url)
        await connected(relay, sessionmaker)
        received = await drain(tap)
        things = [Thing() for _ in range(50)]
        written = await record_rounds(sessionmaker, outbox, things, rounds=10)

        valve.hold_replies()
        publishing = asyncio.create_task(relay.publish_pending())

        async def a_whole_batch_in_flight() -> bool:
            received.extend(await drain(tap))
            return len(received) >= 1 + BATCH_SIZE

        # The broker has the first batch, the relay none of its confirms: then the line goes.
        await eventually(a_whole_batch_in_flight)
        link.cut()
        assert await publishing == 0
        valve.pass_replies()

        rows = await outbox_rows(sessionmaker, outbox)
        sent, never_sent = written[:BATCH_SIZE], written[BATCH_SIZE:]
        assert all(not rows[event_id][0] for event_id in written)
        assert all(rows[event_id][1] == 1 and rows[event_id][2] for event_id in sent)
        assert all(rows[event_id][1:] == (0, None) for event_id in never_sent)
        assert failures(relay) == BATCH_SIZE

        # Reconnected through the same link, the relay sends the batch again, then the rest.
        assert await relay.publish_pending() == len(written)

    rows = await outbox_rows(sessionmaker, outbox)
    assert all(published for published, _, _ in rows.values())
    received.extend(await drain(tap))
    events = events_of(received)[1:]
    delivered = [event.id for event in events]
    assert delivered == sent + written
    assert set(delivered) == set(written)
    assert all(
        sequences == list(range(1, 11)) for sequences in last_copies_per_aggregate(events).values()
    )


async def test_a_refused_event_holds_back_the_later_events_of_its_aggregate_only(
    sessionmaker: async_sessionmaker[AsyncSession],
    outbox: Outbox,
    make_relay: Callable[[str], OutboxRelay],
    worksync_amqp_url: str,
    channel: AbstractChannel,
    exchanges: tuple[str, str],
    tap: AbstractQueue,
    drain: Drain,
) -> None:
    # A queue that holds nothing and refuses what it cannot hold: the broker nacks every
    # publish routed to it, in the middle of a batch whose other publishes it confirms.
    refusing = await channel.declare_queue(
        exclusive=True, arguments={"x-max-length": 0, "x-overflow": "reject-publish"}
    )
    await refusing.bind(exchanges[0], routing_key=ThingRefused.event_type)
    refused_thing, other_thing = Thing(), Thing()
    refused = await record_one(sessionmaker, outbox, refused_thing, ThingRefused())
    behind_refused = await record_one(sessionmaker, outbox, refused_thing, ThingHappened())
    other = await record_one(sessionmaker, outbox, other_thing, ThingHappened())
    relay = make_relay(worksync_amqp_url)

    assert await relay.publish_pending() == 1

    rows = await outbox_rows(sessionmaker, outbox)
    assert rows[other][0]
    refused_published, refused_attempts, refused_error = rows[refused]
    assert (refused_published, refused_attempts) == (False, 1)
    assert refused_error
    assert "DeliveryError" in refused_error
    # Confirmed, but sent again after the refused one: not a failed publish.
    assert rows[behind_refused] == (False, 0, None)
    assert failures(relay) == 1
    assert [event.id for event in events_of(await drain(tap))] == [refused, behind_refused, other]

    await refusing.unbind(exchanges[0], routing_key=ThingRefused.event_type)
    assert await relay.publish_pending() == 2

    rows = await outbox_rows(sessionmaker, outbox)
    assert all(published for published, _, _ in rows.values())
    assert [event.id for event in events_of(await drain(tap))] == [refused, behind_refused]


async def test_a_batch_goes_out_in_creation_order_whatever_order_its_rows_come_back_in(
    sessionmaker: async_sessionmaker[AsyncSession],
    outbox: Outbox,
    worksync_database_url: str,
    worksync_amqp_url: str,
    exchanges: tuple[str, str],
    tap: AbstractQueue,
    drain: Drain,
) -> None:
    things = [Thing() for _ in range(5)]
    written = await record_rounds(sessionmaker, outbox, things, rounds=3)
    # Rewritten rows move behind the others in the table; joined by hashing (as the planner
    # may choose for a large batch), the claim's `RETURNING` then meets the first round last.
    async with sessionmaker.begin() as session:
        await session.execute(
            update(outbox.table)
            .where(outbox.table.c.id.in_(written[: len(things)]))
            .values(attempts=outbox.table.c.attempts)
        )
    hashing = make_url(worksync_database_url).update_query_dict(
        {"options": "-c enable_nestloop=off -c enable_mergejoin=off"}
    )
    relay = OutboxRelay(
        database_url=hashing.render_as_string(hide_password=False),
        outbox=outbox,
        amqp_url=worksync_amqp_url,
        exchange=exchanges[0],
        dead_letter_exchange=exchanges[1],
    )
    try:
        assert await relay.publish_pending() == len(written)
    finally:
        await relay.close()

    assert [event.id for event in events_of(await drain(tap))] == written
