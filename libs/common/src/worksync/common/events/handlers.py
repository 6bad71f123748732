"""What handles an event: a handler of one event, a batch handler of several (of snapshots
of one kind of aggregate: `versions_handler`), and which routing keys a handler's key (an
AMQP topic pattern) covers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.events.envelope import CloudEvent, IntegrationEvent

DataT = TypeVar("DataT", bound=IntegrationEvent)

Handler = Callable[[AsyncSession, CloudEvent], Awaitable[None]]
ApplyEvents = Callable[[AsyncSession, Sequence[CloudEvent]], Awaitable[None]]


@dataclass(frozen=True, eq=False)
class BatchHandler:
    """A handler that applies several events in one call, registered like any handler
    (it is one: called with one event, it applies a batch of one).

    The consumer hands `apply` the new events of a batch that arrived one after another for
    this same handler (one instance may serve several types), in arrival order; should the
    call fail, it applies them again one per call, each with its savepoint, so that only the
    failing event is retried. `apply` must leave what applying its events one after another
    would leave (e.g. the newest `sequence` of an aggregate wins), write only through the
    session and not commit. Combined with other handlers of the same type (e.g. by
    `merge_handlers`), it applies one event per call.
    """

    apply: ApplyEvents

    async def __call__(self, session: AsyncSession, event: CloudEvent) -> None:
        await self.apply(session, (event,))


@dataclass(frozen=True)
class Version(Generic[DataT]):
    """One event's version of an aggregate: its snapshot, its sequence, whether it deletes
    the aggregate, and when it happened."""

    data: DataT
    sequence: int
    deleted: bool
    occurred_at: datetime


def versions_handler(
    kinds: Mapping[str, tuple[type[DataT], bool]],
    apply: Callable[[AsyncSession, list[Version[DataT]]], Awaitable[None]],
) -> BatchHandler:
    """A batch handler of the event types in `kinds` (each: the model of its data, and
    whether it deletes the aggregate): `apply` gets the batch's events as versions, in
    arrival order. Register it for every type in `kinds`, so that a batch mixing them is
    one call."""

    async def apply_events(session: AsyncSession, events: Sequence[CloudEvent]) -> None:
        versions = []
        for event in events:
            model, deleted = kinds[event.type]
            versions.append(Version(event.parse_data(model), event.sequence, deleted, event.time))
        await apply(session, versions)

    return BatchHandler(apply_events)


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
