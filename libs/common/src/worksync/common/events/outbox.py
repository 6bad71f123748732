"""Writing events: into the outbox, in the caller's transaction, never straight to the broker."""

from __future__ import annotations

from uuid import UUID

from opentelemetry import propagate
from sqlalchemy import Table, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.events.envelope import CloudEvent, IntegrationEvent


def notify_channel(schema: str) -> str:
    """The LISTEN/NOTIFY channel that wakes the relay of one service's outbox."""
    return f"{schema}_outbox"


class Outbox:
    def __init__(self, table: Table, *, source: str) -> None:
        self.table = table
        self.source = source
        self.channel = notify_channel(table.schema or "public")

    async def add(
        self,
        session: AsyncSession,
        data: IntegrationEvent,
        *,
        subject: UUID | str,
        sequence: int,
        workspace_id: UUID | None = None,
        actor_id: UUID | None = None,
    ) -> CloudEvent:
        """Record `data` as an event; it is published only if the transaction commits."""
        carrier: dict[str, str] = {}
        propagate.inject(carrier)
        event = CloudEvent(
            source=self.source,
            type=data.event_type,
            dataschema=data.version,
            subject=str(subject),
            workspaceid=str(workspace_id) if workspace_id else None,
            actorid=str(actor_id) if actor_id else None,
            traceparent=carrier.get("traceparent"),
            sequence=sequence,
            data=data.model_dump(mode="json"),
        )
        await session.execute(
            self.table.insert().values(
                id=event.id,
                event_type=event.type,
                envelope=event.model_dump(mode="json", exclude_none=True),
            )
        )
        # Delivered by Postgres only at commit, so the relay wakes exactly when there is work.
        await session.execute(select(func.pg_notify(self.channel, "")))
        return event
