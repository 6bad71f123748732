"""Alembic environment of the kit's sample service, as a service's env.py is written."""

import os

from sqlalchemy import Column, Integer, MetaData, Table

from worksync.common.db import service_metadata
from worksync.common.migrations import run_service_migrations

schema = os.environ["KIT_MIGRATION_SCHEMA"]
metadata: MetaData = service_metadata(schema)
Table("things", metadata, Column("id", Integer, primary_key=True))

role_name, role_password = os.environ.get("KIT_ROLE", ""), os.environ.get("KIT_ROLE_PASSWORD", "")
run_service_migrations(
    metadata,
    schema,
    "postgresql://postgres@localhost:5432/unused",
    (role_name, role_password) if role_name else None,
)
