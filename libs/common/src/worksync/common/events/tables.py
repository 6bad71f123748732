"""Outbox and inbox tables, created in each service's own schema by its own migrations."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import (
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    Uuid,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB


@dataclass(frozen=True)
class MessagingTables:
    outbox: Table
    inbox: Table


def define_messaging_tables(metadata: MetaData) -> MessagingTables:
    outbox = Table(
        "outbox",
        metadata,
        Column("id", Uuid, primary_key=True),
        Column("event_type", String(200), nullable=False),
        Column("envelope", JSONB, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("published_at", DateTime(timezone=True), nullable=True),
        Column("attempts", Integer, nullable=False, server_default=text("0")),
        Column("last_error", Text, nullable=True),
        Index(
            "ix_outbox_unpublished",
            "created_at",
            postgresql_where=text("published_at IS NULL"),
        ),
    )
    inbox = Table(
        "inbox",
        metadata,
        Column("event_id", Uuid, primary_key=True),
        Column("event_type", String(200), nullable=False),
        Column("received_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    )
    return MessagingTables(outbox=outbox, inbox=inbox)
