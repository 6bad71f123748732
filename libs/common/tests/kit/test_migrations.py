"""Service migrations: version table inside the schema; a role limited to its own schema."""

from __future__ import annotations

import uuid
from pathlib import Path

import psycopg
import pytest
from alembic import command
from alembic.config import Config
from psycopg import errors, sql

HERE = Path(__file__).parent


def _alembic(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(HERE / "sample_migrations"))
    config.attributes["database_url"] = database_url
    return config


@pytest.fixture
def schema_env(monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    schema = f"kit_mig_{uuid.uuid4().hex[:8]}"
    role = f"kit_role_{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("KIT_MIGRATION_SCHEMA", schema)
    monkeypatch.setenv("KIT_ROLE", role)
    monkeypatch.setenv("KIT_ROLE_PASSWORD", "it's a secret")
    return schema, role


def _role_url(database_url: str, role: str) -> str:
    return database_url.replace("postgres@", f"{role}@", 1)


def test_upgrade_keeps_history_in_the_schema_and_grants_only_it(
    worksync_database_url: str, schema_env: tuple[str, str]
) -> None:
    schema, role = schema_env
    other = f"{schema}_other"
    command.upgrade(_alembic(worksync_database_url), "head")
    try:
        with psycopg.connect(worksync_database_url, autocommit=True) as admin:
            version = admin.execute(
                sql.SQL("SELECT version_num FROM {}.alembic_version").format(sql.Identifier(schema))
            ).fetchone()
            assert version == ("0001",)
            admin.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(other)))
            admin.execute(sql.SQL("CREATE TABLE {}.secrets (id int)").format(sql.Identifier(other)))

        with psycopg.connect(_role_url(worksync_database_url, role), autocommit=True) as own:
            own.execute(
                sql.SQL("INSERT INTO {}.things (id) VALUES (1)").format(sql.Identifier(schema))
            )
            with pytest.raises(errors.InsufficientPrivilege):
                own.execute(sql.SQL("SELECT * FROM {}.secrets").format(sql.Identifier(other)))
            with pytest.raises(errors.InsufficientPrivilege):
                own.execute("CREATE TABLE public.intruder (id int)")

        command.downgrade(_alembic(worksync_database_url), "base")
        command.upgrade(_alembic(worksync_database_url), "head")
    finally:
        with psycopg.connect(worksync_database_url, autocommit=True) as admin:
            for name in (schema, other):
                admin.execute(
                    sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(name))
                )
            admin.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(role)))
            admin.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))


def test_unsafe_role_names_are_refused(
    worksync_database_url: str, schema_env: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    schema, _ = schema_env
    monkeypatch.setenv("KIT_ROLE", 'x"; DROP TABLE y; --')
    try:
        with pytest.raises(ValueError, match="safe SQL identifier"):
            command.upgrade(_alembic(worksync_database_url), "head")
    finally:
        with psycopg.connect(worksync_database_url, autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema))
            )
