"""A delivery on its way through the consumer's batches, and what became of it."""

from __future__ import annotations

import asyncio
import enum
from collections.abc import Sequence
from dataclasses import dataclass, field

from aio_pika.abc import AbstractIncomingMessage
from opentelemetry.trace import Span

from worksync.common.events.envelope import CloudEvent
from worksync.common.events.handlers import BatchHandler, Handler


class Applied(enum.Enum):
    """What became of a delivery whose handler did not fail (the values are metric labels)."""

    PROCESSED = "processed"
    DUPLICATE = "duplicate"
    # Its connection ended before it was applied: the broker has it back.
    RELEASED = "released"


@dataclass(eq=False)
class Delivery:
    """A delivery waiting for (or in) a batch; `outcome` resolves once its batch has
    committed, with the handler's exception when the handler failed."""

    message: AbstractIncomingMessage
    event: CloudEvent
    handler: Handler
    released: asyncio.Event
    span: Span
    outcome: asyncio.Future[Applied] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


def runs(deliveries: Sequence[Delivery], *, together: bool) -> list[list[Delivery]]:
    """`deliveries` in order, in runs of one call each: when `together`, those that follow
    one another for the same batch handler share a run; every other delivery is alone."""
    runs: list[list[Delivery]] = []
    for delivery in deliveries:
        if (
            together
            and runs
            and isinstance(delivery.handler, BatchHandler)
            and runs[-1][0].handler is delivery.handler
        ):
            runs[-1].append(delivery)
        else:
            runs.append([delivery])
    return runs


def settle(delivery: Delivery, applied: Applied) -> None:
    # A delivery whose own task was cancelled has nobody waiting for its outcome.
    if not delivery.outcome.done():
        delivery.outcome.set_result(applied)


def fail(delivery: Delivery, error: Exception) -> None:
    if not delivery.outcome.done():
        delivery.outcome.set_exception(error)
