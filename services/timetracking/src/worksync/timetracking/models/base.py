"""The declarative base of the timetracking schema, its directory, outbox, inbox and
idempotency keys."""

from __future__ import annotations

from typing import Any

from worksync.common.db import Model, service_metadata
from worksync.common.directory import directory_tables
from worksync.common.events.tables import messaging_tables
from worksync.common.idempotency import idempotency_table

SCHEMA = "timetracking"

CURRENCY_PATTERN = "^[A-Z]{3}$"


class Base(Model):
    __abstract__ = True
    metadata = service_metadata(SCHEMA)
    # Server-generated values come back with INSERT/UPDATE ... RETURNING.
    __mapper_args__: Any = {"eager_defaults": True}


directory = directory_tables(Base.metadata)
messaging = messaging_tables(Base.metadata)
idempotency_keys = idempotency_table(Base.metadata)
