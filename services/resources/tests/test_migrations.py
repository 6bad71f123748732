"""The schema's migrations go down to nothing and back up again."""

from __future__ import annotations

from pathlib import Path

from worksync.common.testing.migrate import assert_migrations_round_trip

TABLES = {
    "capacity_profiles",
    "time_off",
    "allocations",
    "conflicts",
    "conflict_allocations",
    "actual_entries",
    "actual_days",
    "milestones",
    "milestone_dependencies",
    "deliverables",
    "tracked_issues",
    "milestone_templates",
    "staff_skills",
    "directory_workspaces",
    "directory_members",
    "directory_projects",
    "directory_project_members",
    "outbox",
    "inbox",
    "idempotency_keys",
}


async def test_downgrade_to_base_and_upgrade_again(
    worksync_fresh_database_url: str, alembic_ini: Path
) -> None:
    await assert_migrations_round_trip(
        alembic_ini, worksync_fresh_database_url, "resources", TABLES
    )
