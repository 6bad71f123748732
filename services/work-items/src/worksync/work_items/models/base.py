"""The declarative base of the work_items schema, the directory, outbox, inbox and
idempotency keys."""

from __future__ import annotations

from typing import Any

from worksync.common.db import Model, service_metadata
from worksync.common.directory import directory_tables
from worksync.common.events.tables import messaging_tables
from worksync.common.idempotency import idempotency_table

SCHEMA = "work_items"

COLOUR_PATTERN = "^#[0-9A-Fa-f]{6}$"


class Base(Model):
    __abstract__ = True
    metadata = service_metadata(SCHEMA)
    # Server-generated values (timestamps, defaults) come back with INSERT/UPDATE ... RETURNING,
    # so objects stay readable after a flush without a lazy load.
    __mapper_args__: Any = {"eager_defaults": True}


directory = directory_tables(Base.metadata)
messaging = messaging_tables(Base.metadata)
idempotency_keys = idempotency_table(Base.metadata)
