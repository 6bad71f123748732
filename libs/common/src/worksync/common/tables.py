"""The kit's tables that every service keeps in its own schema, declared in one call."""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import MetaData, Table

from worksync.common.events.tables import MessagingTables, define_messaging_tables
from worksync.common.idempotency import define_idempotency_table


class KitTables(NamedTuple):
    messaging: MessagingTables
    idempotency_keys: Table


def define_kit_tables(metadata: MetaData) -> KitTables:
    """The outbox and inbox, and the idempotency keys, on a service's metadata (services
    that keep the directory add `define_directory_tables` beside it)."""
    return KitTables(define_messaging_tables(metadata), define_idempotency_table(metadata))
