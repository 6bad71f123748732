"""The schema's migrations go down to nothing and back up again."""

from __future__ import annotations

from pathlib import Path

from worksync.common.testing.migrate import assert_migrations_round_trip

TABLES = {
    "workspaces",
    "memberships",
    "invitations",
    "projects",
    "project_memberships",
    "clients",
    "project_categories",
    "teams",
    "team_memberships",
    "project_teams",
    "departments",
    "department_project_grants",
    "staff_profiles",
    "staff_transfers",
    "users",
    "outbox",
    "inbox",
    "idempotency_keys",
}


async def test_downgrade_to_base_and_upgrade_again(
    worksync_fresh_database_url: str, alembic_ini: Path
) -> None:
    await assert_migrations_round_trip(
        alembic_ini, worksync_fresh_database_url, "workspace", TABLES
    )
