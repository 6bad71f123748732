"""Bringing a test database to a service's migration head, as `make up` does."""

from __future__ import annotations

import asyncio
from pathlib import Path

import psycopg
from alembic import command
from alembic.config import Config


def _config(alembic_ini: Path, database_url: str) -> Config:
    config = Config(str(alembic_ini))
    config.set_main_option("script_location", str(alembic_ini.parent / "migrations"))
    config.attributes["database_url"] = database_url
    return config


def upgrade_to_head(alembic_ini: Path, database_url: str) -> None:
    command.upgrade(_config(alembic_ini, database_url), "head")


def downgrade_to_base(alembic_ini: Path, database_url: str) -> None:
    command.downgrade(_config(alembic_ini, database_url), "base")


def schema_tables(database_url: str, schema: str) -> set[str]:
    with psycopg.connect(database_url) as connection:
        rows = connection.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s", (schema,)
        ).fetchall()
    return {row[0] for row in rows}


async def assert_migrations_round_trip(
    alembic_ini: Path, database_url: str, schema: str, tables: set[str]
) -> None:
    """Head creates exactly `tables` (and the version table) in `schema`, base leaves only
    the version table, and head again brings them all back."""
    expected = tables | {"alembic_version"}
    await asyncio.to_thread(upgrade_to_head, alembic_ini, database_url)
    assert schema_tables(database_url, schema) == expected
    await asyncio.to_thread(downgrade_to_base, alembic_ini, database_url)
    assert schema_tables(database_url, schema) == {"alembic_version"}
    await asyncio.to_thread(upgrade_to_head, alembic_ini, database_url)
    assert schema_tables(database_url, schema) == expected
