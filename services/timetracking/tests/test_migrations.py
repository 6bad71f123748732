"""The schema's migrations go down to nothing and back up again."""

from __future__ import annotations

from pathlib import Path

import psycopg

from worksync.common.testing.migrate import assert_migrations_round_trip

TABLES = {
    "time_entries",
    "timesheets",
    "budget_thresholds",
    "modification_requests",
    "teams",
    "team_members",
    "daily_totals",
    "breaks",
    "user_settings",
    "issues",
    "directory_workspaces",
    "directory_members",
    "directory_projects",
    "directory_project_members",
    "outbox",
    "inbox",
    "idempotency_keys",
}


def _btree_gist_schema(url: str) -> str | None:
    with psycopg.connect(url) as connection:
        row = connection.execute(
            "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n "
            "ON n.oid = e.extnamespace WHERE e.extname = 'btree_gist'"
        ).fetchone()
    return None if row is None else str(row[0])


async def test_downgrade_to_base_and_upgrade_again(
    worksync_fresh_database_url: str, alembic_ini: Path
) -> None:
    await assert_migrations_round_trip(
        alembic_ini, worksync_fresh_database_url, "timetracking", TABLES
    )
    # Shared by the database, the extension stays after the downgrade.
    assert _btree_gist_schema(worksync_fresh_database_url) == "public"
