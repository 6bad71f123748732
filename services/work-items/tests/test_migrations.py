"""The schema's migrations go down to nothing and back up again."""

from __future__ import annotations

import asyncio
from pathlib import Path

import psycopg

from worksync.common.testing.migrate import downgrade_to_base, upgrade_to_head

TABLES = {
    "states",
    "issues",
    "issue_assignees",
    "issue_labels",
    "issue_counters",
    "labels",
    "time_entries",
    "directory_workspaces",
    "directory_members",
    "directory_projects",
    "directory_project_members",
    "outbox",
    "inbox",
    "idempotency_keys",
    "alembic_version",
}


def _tables(url: str) -> set[str]:
    with psycopg.connect(url) as connection:
        rows = connection.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'work_items'"
        ).fetchall()
    return {row[0] for row in rows}


async def test_downgrade_to_base_and_upgrade_again(
    fresh_database_url: str, alembic_ini: Path
) -> None:
    await asyncio.to_thread(upgrade_to_head, alembic_ini, fresh_database_url)
    assert _tables(fresh_database_url) == TABLES
    await asyncio.to_thread(downgrade_to_base, alembic_ini, fresh_database_url)
    assert _tables(fresh_database_url) == {"alembic_version"}
    await asyncio.to_thread(upgrade_to_head, alembic_ini, fresh_database_url)
    assert _tables(fresh_database_url) == TABLES
