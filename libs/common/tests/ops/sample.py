"""A producer and a consumer in miniature, built with the kit as the services are: gadgets
recorded through an `EventRecorder`, and a projection of them guarded by sequence."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import ClassVar
from uuid import UUID

from sqlalchemy import BigInteger, Boolean, Column, Table, Text, Uuid, false
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from worksync.common.db import IdMixin, Model, TimestampMixin, service_metadata
from worksync.common.events.envelope import CloudEvent, IntegrationEvent
from worksync.common.events.outbox import EventRecorder, Outbox
from worksync.common.events.tables import define_messaging_tables
from worksync.common.ops.republish import at_current_version
from worksync.common.ops.services import AggregateType, Projection

SCHEMA = f"ops_{uuid.uuid4().hex[:10]}"


class Base(Model):
    __abstract__ = True
    metadata = service_metadata(SCHEMA)


messaging = define_messaging_tables(Base.metadata)
outbox = Outbox(messaging.outbox, source="worksync/sample")
recorder = EventRecorder(outbox)


class Gadget(IdMixin, TimestampMixin, Base):
    __tablename__ = "gadgets"

    workspace_id: Mapped[UUID]
    name: Mapped[str] = mapped_column(Text)
    retired: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(default=0)


# The consumer's side: what it learnt of each gadget, and from which version.
gadget_copies = Table(
    "gadget_copies",
    Base.metadata,
    Column("id", Uuid, primary_key=True),
    Column("workspace_id", Uuid, nullable=False),
    Column("name", Text, nullable=False),
    Column("retired", Boolean, nullable=False, server_default=false()),
    Column("sequence", BigInteger, nullable=False),
)


class GadgetState(IntegrationEvent):
    gadget_id: UUID
    workspace_id: UUID
    name: str


class GadgetUpdated(GadgetState):
    event_type: ClassVar[str] = "sample.gadget.updated"


class GadgetRetired(GadgetState):
    event_type: ClassVar[str] = "sample.gadget.retired"


async def record_gadget(
    session: AsyncSession, gadget: Gadget, event_class: type[GadgetState]
) -> None:
    data = event_class(gadget_id=gadget.id, workspace_id=gadget.workspace_id, name=gadget.name)
    await recorder.record(session, gadget, data, workspace_id=gadget.workspace_id, actor_id=None)


async def snapshot_gadgets(session: AsyncSession, rows: Sequence[Gadget]) -> None:
    for row in rows:
        with at_current_version(row):
            await record_gadget(session, row, GadgetRetired if row.retired else GadgetUpdated)


async def apply_gadget(session: AsyncSession, event: CloudEvent) -> None:
    """The projection's handler: newest version wins, an equal one changes nothing."""
    data = event.parse_data(GadgetState)
    values = {
        "id": data.gadget_id,
        "workspace_id": data.workspace_id,
        "name": data.name,
        "retired": event.type == GadgetRetired.event_type,
        "sequence": event.sequence,
    }
    statement = insert(gadget_copies).values(values)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[gadget_copies.c.id],
            set_={name: statement.excluded[name] for name in values if name != "id"},
            where=gadget_copies.c.sequence < statement.excluded.sequence,
        )
    )


GADGETS = AggregateType("sample.gadget", Gadget, Gadget.workspace_id, snapshot_gadgets)
COPIES = Projection("gadgets", (gadget_copies,), ("sample.gadget",))
