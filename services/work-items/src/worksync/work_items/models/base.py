"""The declarative base of the work_items schema, the directory, outbox, inbox and
idempotency keys."""

from __future__ import annotations

from worksync.common.db import Model, service_metadata
from worksync.common.directory import define_directory_tables
from worksync.common.tables import define_kit_tables

SCHEMA = "work_items"

COLOUR_PATTERN = "^#[0-9A-Fa-f]{6}$"


class Base(Model):
    __abstract__ = True
    metadata = service_metadata(SCHEMA)


directory_tables = define_directory_tables(Base.metadata)
messaging, idempotency_keys = define_kit_tables(Base.metadata)
