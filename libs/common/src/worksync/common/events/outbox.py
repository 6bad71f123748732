"""Writing events: into the outbox, in the caller's transaction, never straight to the broker.

`EventRecorder.record` is the only way an event reaches the outbox (the role eShop gives its
`…IntegrationEventService`): each service builds one over its `Outbox` in
`messaging/recording.py`, next to the functions that turn its rows into the events of
`messaging/published.py`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol
from uuid import UUID

from opentelemetry import propagate
from sqlalchemy import Select, Table, Text, Uuid, bindparam, cast, func, insert, select
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.events.envelope import CloudEvent, IntegrationEvent


def notify_channel(schema: str) -> str:
    """The LISTEN/NOTIFY channel that wakes the relay of one service's outbox."""
    return f"{schema}_outbox"


class Outbox:
    """One service's outbox table, the events' source, and the channel that wakes its relay."""

    def __init__(self, table: Table, *, source: str) -> None:
        self.table = table
        self.source = source
        self.channel = notify_channel(table.schema or "public")
        self.record_statement = _record_statement(table)


def _record_statement(table: Table) -> Select[Any]:
    """Insert the events (`ids`, `event_types`, `envelopes` as JSON text, one array each)
    and wake the relay (`channel`), in one round trip however many they are. NOTIFY is
    delivered by Postgres only at commit, so the relay wakes exactly when there is work."""
    rows = (
        func.unnest(
            bindparam("ids", type_=ARRAY(Uuid)),
            bindparam("event_types", type_=ARRAY(Text)),
            cast(bindparam("envelopes", type_=ARRAY(Text)), ARRAY(JSONB)),
        )
        .table_valued("id", "event_type", "envelope")
        .render_derived("events")
    )
    recorded = (
        insert(table)
        .from_select(
            ["id", "event_type", "envelope"], select(rows.c.id, rows.c.event_type, rows.c.envelope)
        )
        .returning(table.c.id)
        .cte("recorded")
    )
    any_recorded = select(recorded.c.id).limit(1).subquery("any_recorded")
    return select(func.pg_notify(bindparam("channel", type_=Text), "")).select_from(any_recorded)


class Aggregate(Protocol):
    """A row whose changes are published: its id is the events' subject, its version their
    sequence."""

    @property
    def id(self) -> UUID: ...

    version: int


class EventRecorder:
    def __init__(self, outbox: Outbox) -> None:
        self.outbox = outbox

    async def record(
        self,
        session: AsyncSession,
        aggregate: Aggregate,
        data: IntegrationEvent,
        *,
        workspace_id: UUID | None,
        actor_id: UUID | None,
    ) -> CloudEvent:
        """Make `data` the aggregate's next version and record it as an event, with that
        version as its `sequence`; it is published only if the transaction commits.

        Consumers keep the newest sequence per aggregate, so every recorded event must be a
        new version: the bump happens here, never beside it.
        """
        (event,) = await self.record_all(
            session, [(aggregate, data, workspace_id)], actor_id=actor_id
        )
        return event

    async def record_all(
        self,
        session: AsyncSession,
        changes: Sequence[tuple[Aggregate, IntegrationEvent, UUID | None]],
        *,
        actor_id: UUID | None,
    ) -> list[CloudEvent]:
        """`record` for many (aggregate, event, workspace id) at once, in one statement: a
        change that creates hundreds of rows (a template applied) costs one round trip."""
        carrier: dict[str, str] = {}
        propagate.inject(carrier)
        events: list[CloudEvent] = []
        for aggregate, data, workspace_id in changes:
            aggregate.version += 1
            events.append(
                CloudEvent(
                    source=self.outbox.source,
                    type=data.event_type,
                    dataschema=data.version,
                    subject=str(aggregate.id),
                    workspaceid=str(workspace_id) if workspace_id else None,
                    actorid=str(actor_id) if actor_id else None,
                    traceparent=carrier.get("traceparent"),
                    sequence=aggregate.version,
                    data=data.model_dump(mode="json"),
                )
            )
        if not events:
            return events
        await session.execute(
            self.outbox.record_statement,
            {
                "ids": [event.id for event in events],
                "event_types": [event.type for event in events],
                "envelopes": [event.model_dump_json(exclude_none=True) for event in events],
                "channel": self.outbox.channel,
            },
        )
        return events
