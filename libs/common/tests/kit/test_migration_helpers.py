"""Migration helpers for the kit's own tables: what they create is exactly the kit's metadata,
on a real database and as `--sql` output, and exactly what the hand-written initial
migrations of the services created."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import Engine, MetaData, create_engine, inspect, pool, text

from worksync.common.db import async_url, service_metadata
from worksync.common.directory.tables import define_directory_tables
from worksync.common.events.tables import define_messaging_tables
from worksync.common.idempotency import define_idempotency_table
from worksync.common.ids import new_id
from worksync.common.migrations import (
    add_directory_rounding_rules,
    create_directory_tables,
    create_idempotency_table,
    create_messaging_tables,
    drop_directory_rounding_rules,
    drop_directory_tables,
    drop_idempotency_table,
    drop_messaging_tables,
)
from worksync.common.testing.migrate import schema_tables, upgrade_to_head

SCHEMA = "kit_helpers"
REPO = Path(__file__).resolve().parents[4]
WORK_ITEMS_ALEMBIC_INI = REPO / "services" / "work-items" / "alembic.ini"

MESSAGING = {"outbox", "inbox"}
IDEMPOTENCY = {"idempotency_keys"}
DIRECTORY = {
    "directory_workspaces",
    "directory_members",
    "directory_projects",
    "directory_project_members",
}

Helper = Callable[[str], None]


def _kit_metadata(schema: str) -> MetaData:
    """The kit's tables as its own definitions say, independently of the helpers."""
    metadata = service_metadata(schema)
    define_messaging_tables(metadata)
    define_idempotency_table(metadata)
    define_directory_tables(metadata)
    return metadata


@pytest.fixture
def engine(worksync_fresh_database_url: str) -> Iterator[Engine]:
    engine = create_engine(async_url(worksync_fresh_database_url), poolclass=pool.NullPool)
    yield engine
    engine.dispose()


@pytest.fixture
def schema(engine: Engine) -> str:
    with engine.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {SCHEMA}"))
    return SCHEMA


def _migrate(engine: Engine, schema: str, *helpers: Helper) -> None:
    """Run helpers as a migration's upgrade()/downgrade() would: through `alembic.op`."""
    with (
        engine.begin() as connection,
        Operations.context(MigrationContext.configure(connection)),
    ):
        for helper in helpers:
            helper(schema)


def _differences(engine: Engine, metadata: MetaData, schema: str) -> list[Any]:
    """What autogenerate would change in `schema` to reach `metadata`, looking only at the
    tables `metadata` holds (a service's other tables and its version table are ignored)."""
    names = {table.name for table in metadata.tables.values()}

    def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
        if type_ == "schema":
            return name == schema
        if type_ == "table":
            return name in names
        return True

    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "include_schemas": True,
                "include_name": include_name,
                "compare_type": True,
                "compare_server_default": True,
            },
        )
        return list(compare_metadata(context, metadata))


def _primary_key_names(engine: Engine, schema: str, tables: set[str]) -> dict[str, str | None]:
    with engine.connect() as connection:
        inspector = inspect(connection)
        return {
            table: inspector.get_pk_constraint(table, schema=schema)["name"] for table in tables
        }


def test_create_helpers_build_exactly_the_kit_tables(
    worksync_fresh_database_url: str, engine: Engine, schema: str
) -> None:
    _migrate(
        engine, schema, create_messaging_tables, create_idempotency_table, create_directory_tables
    )

    expected = _kit_metadata(schema)
    assert schema_tables(worksync_fresh_database_url, schema) == (
        MESSAGING | IDEMPOTENCY | DIRECTORY
    )
    assert _differences(engine, expected, schema) == []
    # Autogenerate does not compare primary key names; the naming convention must hold too.
    assert _primary_key_names(engine, schema, MESSAGING | IDEMPOTENCY | DIRECTORY) == {
        table.name: table.primary_key.name for table in expected.tables.values()
    }


def test_differences_are_noticed(engine: Engine, schema: str) -> None:
    """The comparison can fail: a missing table, a changed type or default, a lost index."""
    _migrate(engine, schema, create_messaging_tables, create_idempotency_table)
    with engine.begin() as connection:
        connection.execute(text(f"ALTER TABLE {schema}.inbox ALTER COLUMN event_type TYPE text"))
        connection.execute(text(f"ALTER TABLE {schema}.outbox ALTER COLUMN attempts SET DEFAULT 1"))
        connection.execute(text(f"DROP INDEX {schema}.ix_outbox_unpublished"))

    differences = _differences(engine, _kit_metadata(schema), schema)
    # Table and index differences are tuples; column differences come as lists of tuples.
    kinds = {diff[0] if isinstance(diff, tuple) else diff[0][0] for diff in differences}
    assert kinds == {"add_table", "modify_type", "modify_default", "add_index"}


def test_drop_helpers_remove_each_group(
    worksync_fresh_database_url: str, engine: Engine, schema: str
) -> None:
    url = worksync_fresh_database_url
    _migrate(
        engine, schema, create_messaging_tables, create_idempotency_table, create_directory_tables
    )

    _migrate(engine, schema, drop_messaging_tables)
    assert schema_tables(url, schema) == IDEMPOTENCY | DIRECTORY
    _migrate(engine, schema, drop_idempotency_table)
    assert schema_tables(url, schema) == DIRECTORY
    _migrate(engine, schema, drop_directory_tables)
    assert schema_tables(url, schema) == set()
    with engine.connect() as connection:
        indexes = connection.execute(
            text("SELECT indexname FROM pg_indexes WHERE schemaname = :s"), {"s": schema}
        ).all()
    assert indexes == []

    # And the round trip works: a downgrade followed by an upgrade brings them all back.
    _migrate(
        engine, schema, create_messaging_tables, create_idempotency_table, create_directory_tables
    )
    assert _differences(engine, _kit_metadata(schema), schema) == []


def test_offline_mode_renders_the_ddl() -> None:
    buffer = io.StringIO()
    context = MigrationContext.configure(
        dialect_name="postgresql", opts={"as_sql": True, "output_buffer": buffer}
    )
    with Operations.context(context):
        create_messaging_tables("billing")
        create_idempotency_table("billing")
        create_directory_tables("billing")
        drop_directory_tables("billing")
        drop_idempotency_table("billing")
        drop_messaging_tables("billing")
    sql = buffer.getvalue()

    for table in MESSAGING | IDEMPOTENCY | DIRECTORY:
        assert f"CREATE TABLE billing.{table} (" in sql
        assert f"DROP TABLE billing.{table};" in sql
    assert "CONSTRAINT pk_outbox PRIMARY KEY (id)" in sql
    assert "CONSTRAINT uq_directory_workspaces_slug UNIQUE (slug)" in sql
    assert (
        "CREATE INDEX ix_outbox_unpublished ON billing.outbox (created_at) "
        "WHERE published_at IS NULL;"
    ) in sql
    assert (
        "CREATE INDEX ix_directory_projects_workspace_id "
        "ON billing.directory_projects (workspace_id);"
    ) in sql
    assert (
        "CREATE INDEX ix_directory_project_members_workspace_id_user_id "
        "ON billing.directory_project_members (workspace_id, user_id);"
    ) in sql


def test_helpers_match_a_hand_written_initial_migration(
    worksync_fresh_database_url: str, engine: Engine, schema: str
) -> None:
    """work_items' frozen 0001 typed the kit tables by hand; the helpers produce the same."""
    upgrade_to_head(WORK_ITEMS_ALEMBIC_INI, worksync_fresh_database_url)
    assert schema_tables(worksync_fresh_database_url, "work_items") >= (
        MESSAGING | IDEMPOTENCY | DIRECTORY
    )
    assert _differences(engine, _kit_metadata("work_items"), "work_items") == []

    # Same primary key names, and the same indexes (name and definition), table by table.
    _migrate(
        engine, schema, create_messaging_tables, create_idempotency_table, create_directory_tables
    )
    kit = MESSAGING | IDEMPOTENCY | DIRECTORY
    assert _primary_key_names(engine, "work_items", kit) == _primary_key_names(engine, schema, kit)
    assert _index_definitions(engine, "work_items", kit) == _index_definitions(engine, schema, kit)


def _index_definitions(engine: Engine, schema: str, tables: set[str]) -> dict[str, str]:
    """Index name → definition (with the schema name taken out), for `tables` in `schema`."""
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT indexname, indexdef FROM pg_indexes "
                "WHERE schemaname = :s AND tablename = ANY(:t)"
            ),
            {"s": schema, "t": sorted(tables)},
        ).all()
    return {name: definition.replace(f"{schema}.", "") for name, definition in rows}


def test_the_rounding_rules_helpers_carry_a_workspaces_setting_both_ways(
    engine: Engine, schema: str
) -> None:
    """Before: one place's step, mode and place per workspace (null: unknown yet). After: the
    whole rule as the events carry it, and the projects' own rules (null: none)."""
    _migrate(engine, schema, create_directory_tables, drop_directory_rounding_rules)
    settings = {
        "begin": (60, "down", "begin"),
        "duration": (15, "up", "duration"),
        "off": (0, "nearest", "duration"),
        "unknown": (None, None, None),
    }
    ids = {name: new_id() for name in settings}
    with engine.begin() as connection:
        for name, (step, mode, place) in settings.items():
            connection.execute(
                text(
                    f"INSERT INTO {schema}.directory_workspaces (id, rounding_step_minutes,"
                    " rounding_mode, rounding_applies_to, sequence)"
                    " VALUES (:id, :step, :mode, :place, 1)"
                ),
                {"id": ids[name], "step": step, "mode": mode, "place": place},
            )

    _migrate(engine, schema, add_directory_rounding_rules)
    directory = service_metadata(schema)
    define_directory_tables(directory)
    assert _differences(engine, directory, schema) == []
    none = {"begin": None, "end": None, "duration": None}
    with engine.connect() as connection:
        stored = connection.execute(text(f"SELECT id, rounding FROM {schema}.directory_workspaces"))
        rules = {row.id: row.rounding for row in stored}
    assert rules == {
        ids["begin"]: {**none, "begin": {"step_minutes": 60, "mode": "down"}},
        ids["duration"]: {**none, "duration": {"step_minutes": 15, "mode": "up"}},
        ids["off"]: none,
        ids["unknown"]: None,
    }

    _migrate(engine, schema, drop_directory_rounding_rules)
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT id, rounding_step_minutes, rounding_mode, rounding_applies_to"
                f" FROM {schema}.directory_workspaces"
            )
        ).all()
    assert {row[0]: tuple(row[1:]) for row in rows} == {ids[n]: s for n, s in settings.items()}
