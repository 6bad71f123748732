"""The operator's dead-letter tool against the real broker: browse, show, replay, purge."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator, Awaitable, Callable

import aio_pika
import pytest
from aio_pika.abc import AbstractChannel, AbstractIncomingMessage, AbstractQueue
from sqlalchemy import Table, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.events.consumer import EventConsumer
from worksync.common.events.envelope import CloudEvent
from worksync.common.events.handlers import Handler
from worksync.common.events.tables import MessagingTables
from worksync.common.events.topology import dead_queue_name, declare_topology
from worksync.common.ids import new_id
from worksync.common.ops.deadletters import DeadLetters, NoSuchDeadLetter, dead_letters

from .conftest import QueueDeclarer

Eventually = Callable[[Callable[[], Awaitable[bool]]], Awaitable[None]]
NextMessage = Callable[[AbstractQueue], Awaitable[AbstractIncomingMessage]]


class Broken:
    """A handler that fails until it is repaired, like a bug fixed by a deployment."""

    def __init__(self, effects: Table) -> None:
        self.effects = effects
        self.repaired = False

    async def __call__(self, session: AsyncSession, event: CloudEvent) -> None:
        if not self.repaired:
            raise RuntimeError("bug in the handler")
        await session.execute(
            self.effects.insert().values(event_id=event.id, event_type=event.type)
        )


@pytest.fixture
def handler(effects: Table) -> Broken:
    return Broken(effects)


@pytest.fixture
def consumer(
    sessionmaker: async_sessionmaker[AsyncSession],
    messaging: MessagingTables,
    worksync_amqp_url: str,
    exchanges: tuple[str, str],
    queue_name: str,
    handler: Handler,
) -> EventConsumer:
    return EventConsumer(
        sessionmaker=sessionmaker,
        inbox=messaging.inbox,
        amqp_url=worksync_amqp_url,
        exchange=exchanges[0],
        dead_letter_exchange=exchanges[1],
        queue=queue_name,
        handlers={"test.thing.*": handler},
        delivery_limit=1,
        reconnect_delay_seconds=0.01,
        retry_delay_seconds=0.01,
    )


@pytest.fixture
async def letters(worksync_amqp_url: str, queue_name: str) -> AsyncIterator[DeadLetters]:
    async with dead_letters(worksync_amqp_url, queue_name) as letters:
        yield letters


async def _running(consumer: EventConsumer, until: Callable[[], Awaitable[None]]) -> None:
    stop = asyncio.Event()
    task = asyncio.create_task(consumer.run(stop))
    try:
        await until()
    finally:
        stop.set()
        async with asyncio.timeout(30):
            await task


async def _effects(sessionmaker: async_sessionmaker[AsyncSession], effects: Table) -> int:
    async with sessionmaker() as session:
        return (await session.scalar(select(func.count()).select_from(effects))) or 0


async def _dead_count(channel: AbstractChannel, queue_name: str) -> int:
    declared = await channel.declare_queue(dead_queue_name(queue_name), passive=True)
    return declared.declaration_result.message_count or 0


async def test_dead_letters_are_browsed_shown_replayed_once_and_purged(
    consumer: EventConsumer,
    handler: Broken,
    letters: DeadLetters,
    sessionmaker: async_sessionmaker[AsyncSession],
    effects: Table,
    channel: AbstractChannel,
    exchanges: tuple[str, str],
    queue_name: str,
    eventually: Eventually,
    declare_queue: QueueDeclarer,
) -> None:
    await declare_queue(list(consumer.handlers), delivery_limit=1)
    event = CloudEvent(
        source="worksync/test",
        type="test.thing.happened",
        subject=str(new_id()),
        sequence=1,
        data={},
    )
    events = await channel.get_exchange(exchanges[0], ensure=False)

    async def both_dead() -> bool:
        return await _dead_count(channel, queue_name) == 2

    async def one_dead() -> bool:
        return await _dead_count(channel, queue_name) == 1

    async def dead_lettered() -> None:
        message = aio_pika.Message(
            event.model_dump_json().encode(), message_id=str(event.id), type=event.type
        )
        await events.publish(message, routing_key=event.type)
        await events.publish(aio_pika.Message(b"{not json"), routing_key="test.thing.broken")
        await eventually(both_dead)

    await _running(consumer, dead_lettered)

    listed = await letters.browse()
    assert {letter.id for letter in listed} >= {str(event.id)}
    by_id = {letter.id: letter for letter in listed}
    assert by_id[str(event.id)].reason == "delivery_limit"
    assert by_id[str(event.id)].event_type == event.type
    malformed = next(letter for letter in listed if letter.id != str(event.id))
    assert malformed.reason == "rejected"
    # What an operation took but did not settle is back in the queue shortly after it.
    await eventually(both_dead)
    assert {letter.id for letter in await letters.browse()} == set(by_id), "browsing kept them"
    await eventually(both_dead)
    shown = await letters.show(str(event.id))
    assert CloudEvent.model_validate_json(shown.body).id == event.id
    assert str(event.id) in shown.details()

    handler.repaired = True
    await eventually(both_dead)
    assert await letters.replay(str(event.id)) == [str(event.id)]
    with pytest.raises(NoSuchDeadLetter):
        await letters.replay(str(event.id))
    # A copy replayed a second time (an operator repeating themselves) changes nothing.
    await channel.default_exchange.publish(
        aio_pika.Message(event.model_dump_json().encode(), message_id=str(event.id)),
        routing_key=dead_queue_name(queue_name),
    )
    await eventually(both_dead)
    assert await letters.replay(str(event.id)) == [str(event.id)]

    async def handled() -> None:
        async def settled() -> bool:
            main = await channel.declare_queue(queue_name, passive=True)
            return (
                await _effects(sessionmaker, effects) == 1
                and (main.declaration_result.message_count or 0) == 0
            )

        await eventually(settled)

    await _running(consumer, handled)
    assert await _effects(sessionmaker, effects) == 1
    await eventually(one_dead)  # only the malformed message is left
    with pytest.raises(NoSuchDeadLetter):
        await letters.purge("no-such-id")
    await eventually(one_dead)
    assert await letters.purge(malformed.id) == 1
    assert await letters.browse() == []


async def _cli(*args: str) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "worksync.common.ops",
        "deadletters",
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await process.communicate()
    assert process.returncode is not None
    return process.returncode, output.decode()


async def test_the_command_line_lists_replays_and_purges(
    worksync_amqp_url: str,
    channel: AbstractChannel,
    exchanges: tuple[str, str],
    queue_name: str,
) -> None:
    await declare_topology(
        channel, exchange=exchanges[0], dead_letter_exchange=exchanges[1], queue=queue_name
    )
    for number in range(2):
        await channel.default_exchange.publish(
            aio_pika.Message(b"{}", message_id=f"dead-{number}"),
            routing_key=dead_queue_name(queue_name),
        )
    where = ["--queue", queue_name, "--amqp-url", worksync_amqp_url]

    status, listed = await _cli("list", *where)
    assert status == 0, listed
    assert "dead-0" in listed
    assert "dead-1" in listed
    status, shown = await _cli("show", "--id", "nothing-like-it", *where)
    assert status == 1
    assert "no dead message" in shown
    status, replayed = await _cli("replay", "--id", "dead-0", *where)
    assert (status, replayed.strip()) == (0, f"replayed 1 message(s) to {queue_name}")
    main = await channel.declare_queue(queue_name, passive=True)
    assert main.declaration_result.message_count == 1
    status, purged = await _cli("purge", *where)
    assert (status, purged.strip()) == (0, f"purged 1 message(s) from {queue_name}.dead")
    status, missing = await _cli(
        "list", "--queue", "no.such.queue", "--amqp-url", worksync_amqp_url
    )
    assert status == 2
    assert "no queue no.such.queue.dead" in missing
