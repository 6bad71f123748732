"""The broker objects events travel through: exchanges, a service's queue and its dead queue."""

from __future__ import annotations

from collections.abc import Sequence

from aio_pika import ExchangeType
from aio_pika.abc import AbstractChannel


def dead_queue_name(queue: str) -> str:
    """Where `queue` puts messages it gives up on (also their dead-letter routing key)."""
    return f"{queue}.dead"


async def declare_topology(
    channel: AbstractChannel,
    *,
    exchange: str,
    dead_letter_exchange: str,
    queue: str | None = None,
    bindings: Sequence[str] = (),
    delivery_limit: int = 5,
) -> None:
    """Declare the exchanges and, for a consumer, its queue, bindings and dead queue.

    RabbitMQ counts returns against `delivery_limit`: a message is delivered at most
    `delivery_limit + 1` times, then dead-lettered to `<queue>.dead`.

    Idempotent: declaring what exists with the same arguments changes nothing. A queue
    declared earlier with other arguments (say another delivery limit) makes the broker
    close the channel with PRECONDITION_FAILED; change such settings with a policy.
    """
    events = await channel.declare_exchange(exchange, ExchangeType.TOPIC, durable=True)
    dead_letters = await channel.declare_exchange(
        dead_letter_exchange, ExchangeType.DIRECT, durable=True
    )
    if queue is None:
        return
    dead_queue = dead_queue_name(queue)
    main = await channel.declare_queue(
        queue,
        durable=True,
        arguments={
            # Quorum queues count deliveries, which is what makes the delivery limit work.
            "x-queue-type": "quorum",
            "x-delivery-limit": delivery_limit,
            "x-dead-letter-exchange": dead_letter_exchange,
            "x-dead-letter-routing-key": dead_queue,
        },
    )
    for pattern in bindings:
        await main.bind(events, routing_key=pattern)
    dead = await channel.declare_queue(
        dead_queue, durable=True, arguments={"x-queue-type": "quorum"}
    )
    await dead.bind(dead_letters, routing_key=dead_queue)
