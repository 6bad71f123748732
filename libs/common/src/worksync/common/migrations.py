"""Alembic support shared by every service's `migrations/env.py` and its migrations.

Each service migrates only its own schema and keeps its version table inside it, so
services can share one database without seeing each other's history.

The kit's own tables (outbox and inbox, idempotency keys, the directory projection) are
defined once, in the kit. A migration creates or drops them with one call each, e.g.
`create_messaging_tables("billing")` in `upgrade()` and `drop_messaging_tables("billing")`
in `downgrade()`, instead of re-typing them.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from alembic import context, op
from sqlalchemy import Connection, MetaData, create_engine, pool, text
from sqlalchemy.engine import make_url

from worksync.common.db import async_url, service_metadata
from worksync.common.directory.tables import define_directory_tables
from worksync.common.events.tables import define_messaging_tables
from worksync.common.idempotency import define_idempotency_table

_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def _quoted(identifier: str) -> str:
    if not _IDENTIFIER.match(identifier):
        raise ValueError(f"not a safe SQL identifier: {identifier!r}")
    return f'"{identifier}"'


def create_shared_extension(name: str) -> None:
    """In a migration: create extension `name` in `public` unless it exists.

    Extensions are one per database and services' migrations may run side by side (Compose
    starts them together): the loser of a race to create one finds it created, which is
    fine. Downgrades leave it, since other schemas may use it.
    """
    op.execute(
        f"""
        DO $$
        BEGIN
            CREATE EXTENSION IF NOT EXISTS {_quoted(name)} WITH SCHEMA public;
        EXCEPTION WHEN unique_violation OR duplicate_object THEN
            NULL;
        END
        $$
        """
    )


def _kit_metadata(schema: str, define: Callable[[MetaData], object]) -> MetaData:
    """Fresh metadata of `schema` holding only the tables `define` puts on it."""
    metadata = service_metadata(schema)
    define(metadata)
    return metadata


def _create_tables(metadata: MetaData) -> None:
    # The operations implementation emits CREATE TABLE and then CREATE INDEX for each of
    # the table's indexes, online or as `--sql` output, exactly as the Table object says.
    impl = op.get_context().impl
    for table in metadata.sorted_tables:
        impl.create_table(table)


def _drop_tables(metadata: MetaData) -> None:
    # Dropping a table drops its indexes and constraints with it.
    impl = op.get_context().impl
    for table in reversed(metadata.sorted_tables):
        impl.drop_table(table)


def create_messaging_tables(schema: str) -> None:
    """In a migration: create `outbox` and `inbox` in `schema`, as the kit defines them."""
    _create_tables(_kit_metadata(schema, define_messaging_tables))


def drop_messaging_tables(schema: str) -> None:
    """In a migration's downgrade: drop what `create_messaging_tables` created."""
    _drop_tables(_kit_metadata(schema, define_messaging_tables))


def create_idempotency_table(schema: str) -> None:
    """In a migration: create `idempotency_keys` in `schema`, as the kit defines it."""
    _create_tables(_kit_metadata(schema, define_idempotency_table))


def drop_idempotency_table(schema: str) -> None:
    """In a migration's downgrade: drop what `create_idempotency_table` created."""
    _drop_tables(_kit_metadata(schema, define_idempotency_table))


def create_directory_tables(schema: str) -> None:
    """In a migration: create the `directory_*` projection tables in `schema`, as the kit
    defines them."""
    _create_tables(_kit_metadata(schema, define_directory_tables))


def drop_directory_tables(schema: str) -> None:
    """In a migration's downgrade: drop what `create_directory_tables` created."""
    _drop_tables(_kit_metadata(schema, define_directory_tables))


def grant_service_role(connection: Connection, schema: str, role: str, password: str) -> None:
    """Create (or update) the service's login role with rights on its own schema only."""
    quoted_role, quoted_schema = _quoted(role), _quoted(schema)
    exists = connection.execute(
        text("SELECT 1 FROM pg_roles WHERE rolname = :role"), {"role": role}
    ).scalar()
    verb = "ALTER" if exists else "CREATE"
    # Role DDL takes no bind parameters; the password is passed through quote_literal.
    literal = connection.execute(text("SELECT quote_literal(:p)"), {"p": password}).scalar_one()
    connection.execute(text(f"{verb} ROLE {quoted_role} LOGIN PASSWORD {literal}"))
    database = connection.execute(text("SELECT current_database()")).scalar_one()
    connection.execute(text(f'GRANT CONNECT ON DATABASE "{database}" TO {quoted_role}'))
    connection.execute(text(f"REVOKE ALL ON SCHEMA public FROM {quoted_role}"))
    connection.execute(text(f"GRANT USAGE ON SCHEMA {quoted_schema} TO {quoted_role}"))
    for grant in (
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {quoted_schema}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {quoted_schema}",
    ):
        connection.execute(text(f"{grant} TO {quoted_role}"))
    connection.execute(
        text(
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {quoted_schema} "
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {quoted_role}"
        )
    )


def _run_sync(
    connection: Connection,
    metadata: MetaData,
    schema: str,
    role: tuple[str, str] | None,
) -> None:
    # Two runs of one service's migrations at once (a Job retried while the first still runs,
    # two upgrades, Compose beside Helm) take turns; the second then finds head. Session-level,
    # so it spans the commits below.
    lock = {"key": f"worksync.migrate.{schema}"}
    connection.execute(text("SELECT pg_advisory_lock(hashtext(:key))"), lock)
    connection.commit()
    try:
        connection.execute(text(f"CREATE SCHEMA IF NOT EXISTS {_quoted(schema)}"))
        connection.execute(text(f"SET search_path TO {_quoted(schema)}"))
        connection.commit()
        context.configure(
            connection=connection,
            target_metadata=metadata,
            version_table_schema=schema,
            include_schemas=True,
            include_name=lambda name, type_, _parent: type_ != "schema" or name == schema,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        if role is not None:
            grant_service_role(connection, schema, *role)
            connection.commit()
    finally:
        if not connection.invalidated:
            connection.rollback()
            connection.execute(text("SELECT pg_advisory_unlock(hashtext(:key))"), lock)
            connection.commit()


def run_service_migrations(
    metadata: MetaData,
    schema: str,
    database_url: str,
    role: tuple[str, str] | None = None,
) -> None:
    """Entry point for `env.py`.

    The URL comes from `-x database_url=...` on the command line, else from the Alembic
    config's attributes (set by the test plugin), else from the service's settings.
    """
    url = (
        context.get_x_argument(as_dictionary=True).get("database_url")
        or context.config.attributes.get("database_url")
        or database_url
    )
    if context.is_offline_mode():
        context.configure(
            url=make_url(async_url(url)),
            target_metadata=metadata,
            version_table_schema=schema,
            literal_binds=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        return

    # psycopg 3 speaks both sync and async; sync keeps Alembic callable from a running loop.
    engine = create_engine(async_url(url), poolclass=pool.NullPool)
    try:
        with engine.connect() as connection:
            _run_sync(connection, metadata, schema, role)
    finally:
        engine.dispose()
