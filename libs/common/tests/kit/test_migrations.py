"""Service migrations: version table inside the schema; a role limited to its own schema."""

from __future__ import annotations

import os
import subprocess
import sys
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


UPGRADE = """
import sys
from alembic import command
from alembic.config import Config
config = Config()
config.set_main_option("script_location", sys.argv[1])
config.attributes["database_url"] = sys.argv[2]
command.upgrade(config, "head")
"""


def test_runs_of_one_schemas_migrations_at_once_take_turns(
    worksync_fresh_database_url: str,
) -> None:
    # Alembic's context is process-global: concurrent runs need processes, as in production.
    schema = f"kit_mig_{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "KIT_MIGRATION_SCHEMA": schema}
    env.pop("KIT_ROLE", None)
    runs = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                UPGRADE,
                str(HERE / "sample_migrations"),
                worksync_fresh_database_url,
            ],
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    for run in runs:
        _, errors_text = run.communicate(timeout=120)
        assert run.returncode == 0, errors_text

    with psycopg.connect(worksync_fresh_database_url) as connection:
        versions = connection.execute(
            sql.SQL("SELECT version_num FROM {}.alembic_version").format(sql.Identifier(schema))
        ).fetchall()
    assert versions == [("0001",)]
