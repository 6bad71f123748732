from __future__ import annotations

from collections.abc import Awaitable, Callable

import aio_pika
import pytest
from aio_pika.abc import AbstractChannel, AbstractIncomingMessage, AbstractQueue

from worksync.common.events.handlers import matches_topic
from worksync.common.events.topology import dead_queue_name, declare_topology

NextMessage = Callable[[AbstractQueue], Awaitable[AbstractIncomingMessage]]


@pytest.mark.parametrize(
    ("pattern", "routing_key", "expected"),
    [
        ("identity.user.created", "identity.user.created", True),
        ("identity.user.created", "identity.user.deleted", False),
        ("identity.user.*", "identity.user.created", True),
        ("identity.user.*", "identity.user", False),
        ("identity.user.*", "identity.user.created.v2", False),
        ("identity.#", "identity", True),
        ("identity.#", "identity.user.created", True),
        ("#", "anything.at.all", True),
        ("#.created", "workspace.project.created", True),
        ("#.created", "workspace.project.deleted", False),
        ("*.project.#", "workspace.project", True),
        ("*.project.#", "project.created", False),
        ("identity.*.created", "identity.session.created", True),
    ],
)
def test_matches_topic_like_a_topic_exchange(
    pattern: str, routing_key: str, expected: bool
) -> None:
    assert matches_topic(pattern, routing_key) is expected


async def test_declaring_twice_changes_nothing_and_routes_to_quorum_and_dead_queues(
    channel: AbstractChannel,
    exchanges: tuple[str, str],
    queue_name: str,
    next_message: NextMessage,
) -> None:
    events, dead = exchanges
    for _ in range(2):
        await declare_topology(
            channel,
            exchange=events,
            dead_letter_exchange=dead,
            queue=queue_name,
            bindings=["test.thing.*", "test.other.created"],
            delivery_limit=3,
        )
    exchange = await channel.get_exchange(events)
    await exchange.publish(aio_pika.Message(b"unbound"), routing_key="test.unbound.happened")
    await exchange.publish(aio_pika.Message(b"bound"), routing_key="test.thing.happened")
    queue = await channel.get_queue(queue_name)

    delivered = await next_message(queue)
    assert delivered.body == b"bound"
    await delivered.nack(requeue=True)
    # Only quorum queues count deliveries, which is what the delivery limit relies on.
    redelivered = await next_message(queue)
    assert redelivered.headers.get("x-delivery-count") == 1
    await redelivered.reject(requeue=False)

    dead_letter = await next_message(await channel.get_queue(dead_queue_name(queue_name)))
    assert dead_letter.body == b"bound"
    await dead_letter.ack()
    assert await queue.get(fail=False) is None


async def test_declaring_only_the_exchanges_twice(
    channel: AbstractChannel, exchanges: tuple[str, str]
) -> None:
    events, dead = exchanges
    await declare_topology(channel, exchange=events, dead_letter_exchange=dead)
    await declare_topology(channel, exchange=events, dead_letter_exchange=dead)
    # Passive declarations: they close the channel if the exchange does not exist.
    await channel.get_exchange(events)
    await channel.get_exchange(dead)
