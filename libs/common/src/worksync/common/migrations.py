"""Alembic support shared by every service's `migrations/env.py` and its migrations.

Each service migrates only its own schema and keeps its version table inside it, so
services can share one database without seeing each other's history.

The kit's own tables (outbox and inbox, idempotency keys, the directory projection) are
defined once, in the kit. A migration creates or drops them with one call each, e.g.
`create_messaging_tables("billing")` in `upgrade()` and `drop_messaging_tables("billing")`
in `downgrade()`, instead of re-typing them. Later changes of the directory's tables come as
pairs of helpers as well (`add_directory_rounding_rules` / `drop_directory_rounding_rules`),
which every consuming service's migration calls; what such a helper does never changes once
a migration calls it: a further change is a new pair.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from alembic import context, op
from sqlalchemy import Connection, MetaData, create_engine, pool, text
from sqlalchemy.dialects.postgresql import JSONB
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


_ROUNDING_PLACES = ("begin", "end", "duration")
_ROUNDING_MODES = ("up", "down", "nearest")
_OLD_ROUNDING_COLUMNS = (
    ("rounding_step_minutes", sa.Integer),
    ("rounding_mode", sa.Text),
    ("rounding_applies_to", sa.Text),
)


def _directory_workspaces(schema: str) -> sa.TableClause:
    """The workspace table's rounding columns, old and new, for data migrations."""
    return sa.table(
        "directory_workspaces",
        sa.column("rounding", JSONB()),
        *(sa.column(name, type_()) for name, type_ in _OLD_ROUNDING_COLUMNS),
        schema=schema,
    )


def _jsonb_object(pairs: dict[str, sa.ColumnElement[Any]]) -> sa.ColumnElement[Any]:
    arguments: list[sa.ColumnElement[Any]] = []
    for key, value in pairs.items():
        # Keys are this module's constants; typed literals keep the variadic call resolvable.
        arguments += [sa.literal(key, sa.Text()), value]
    return sa.func.jsonb_build_object(*arguments, type_=JSONB())


def add_directory_rounding_rules(schema: str) -> None:
    """In a migration: the directory's workspaces keep their whole rounding rule and its
    projects their own (`rounding`, JSONB as the events carry it) instead of one place's
    step, mode and place. A workspace's known setting becomes the matching place (step 0:
    none); projects follow their workspace until an event says otherwise."""
    for table in ("directory_workspaces", "directory_projects"):
        op.add_column(table, sa.Column("rounding", JSONB(), nullable=True), schema=schema)
    workspaces = _directory_workspaces(schema)
    old = workspaces.c
    rounds = sa.and_(
        old.rounding_step_minutes.between(1, 1440), old.rounding_mode.in_(_ROUNDING_MODES)
    )
    step = _jsonb_object({"step_minutes": old.rounding_step_minutes, "mode": old.rounding_mode})
    rule = _jsonb_object(
        {
            place: sa.case((sa.and_(rounds, old.rounding_applies_to == place), step))
            for place in _ROUNDING_PLACES
        }
    )
    op.execute(
        workspaces.update().where(old.rounding_step_minutes.is_not(None)).values(rounding=rule)
    )
    for name, _type in _OLD_ROUNDING_COLUMNS:
        op.drop_column("directory_workspaces", name, schema=schema)


def drop_directory_rounding_rules(schema: str) -> None:
    """In a migration's downgrade: undo `add_directory_rounding_rules`. A workspace keeps
    one place (duration, else begin, else end); the projects' own rules are dropped."""
    for name, type_ in _OLD_ROUNDING_COLUMNS:
        op.add_column(
            "directory_workspaces", sa.Column(name, type_(), nullable=True), schema=schema
        )
    workspaces = _directory_workspaces(schema)
    rule = workspaces.c.rounding
    op.execute(
        workspaces.update()
        .where(rule.is_not(None))
        .values(rounding_step_minutes=0, rounding_mode="nearest", rounding_applies_to="duration")
    )
    # Least preferred first: a later UPDATE overwrites, so duration wins, then begin.
    for place in ("end", "begin", "duration"):
        op.execute(
            workspaces.update()
            .where(sa.func.jsonb_typeof(rule[place]) == "object")
            .values(
                rounding_step_minutes=rule[place]["step_minutes"].astext.cast(sa.Integer),
                rounding_mode=rule[place]["mode"].astext,
                rounding_applies_to=place,
            )
        )
    for table in ("directory_workspaces", "directory_projects"):
        op.drop_column(table, "rounding", schema=schema)


def add_row_versions(schema: str, *tables: str) -> None:
    """In a migration's upgrade: a `version` on rows no event records (their `ETag`, for
    `If-Match`), which their service bumps with each change; existing rows start at 1."""
    for table in tables:
        op.add_column(
            table,
            sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
            schema=schema,
        )


def drop_row_versions(schema: str, *tables: str) -> None:
    """In a migration's downgrade: undo `add_row_versions`."""
    for table in tables:
        op.drop_column(table, "version", schema=schema)


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
