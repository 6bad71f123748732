"""The schema's migrations go down to nothing and back up again."""

from __future__ import annotations

from pathlib import Path

from worksync.common.testing.migrate import assert_migrations_round_trip

TABLES = {
    "states",
    "issues",
    "issue_assignees",
    "issue_labels",
    "issue_counters",
    "project_settings",
    "labels",
    "time_entries",
    "issue_activity",
    "comments",
    "comment_mentions",
    "comment_reactions",
    "boards",
    "board_columns",
    "board_column_states",
    "issue_relations",
    "project_templates",
    "template_phases",
    "template_tasks",
    "template_dependencies",
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
        alembic_ini, worksync_fresh_database_url, "work_items", TABLES
    )
