"""Bringing a test database to a service's migration head, as `make up` does."""

from __future__ import annotations

from pathlib import Path

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
