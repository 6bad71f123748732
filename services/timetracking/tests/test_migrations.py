"""The schema's migrations go down to nothing and back up again."""

from __future__ import annotations

import asyncio
from datetime import date
from decimal import Decimal
from pathlib import Path

import psycopg
from alembic import command
from alembic.config import Config

from worksync.common.ids import new_id
from worksync.common.testing.migrate import assert_migrations_round_trip

TABLES = {
    "time_entries",
    "timesheets",
    "budget_thresholds",
    "modification_requests",
    "teams",
    "team_members",
    "daily_totals",
    "report_totals",
    "monthly_totals",
    "breaks",
    "user_settings",
    "issues",
    "clients",
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


def _migrate(alembic_ini: Path, database_url: str, revision: str) -> None:
    config = Config(str(alembic_ini))
    config.set_main_option("script_location", str(alembic_ini.parent / "migrations"))
    config.attributes["database_url"] = database_url
    command.upgrade(config, revision)


async def test_existing_entries_take_their_timesheets_state(
    worksync_fresh_database_url: str, alembic_ini: Path
) -> None:
    """0009: entries written before it carry their timesheet's state (open: draft)."""
    url = worksync_fresh_database_url
    await asyncio.to_thread(_migrate, alembic_ini, url, "0008")
    workspace_id, user_id = new_id(), new_id()
    with psycopg.connect(url, autocommit=True) as connection:
        for state, first, last in (
            ("approved", "2024-05-06", "2024-05-12"),
            ("open", "2024-05-13", "2024-05-19"),
            ("rejected", "2024-05-20", "2024-05-26"),
        ):
            connection.execute(
                "INSERT INTO timetracking.timesheets (id, workspace_id, user_id, period_start,"
                " period_end, state, submitted_at, decided_by, comment)"
                " VALUES (%s, %s, %s, %s, %s, %s, now(), %s, 'why')",
                (new_id(), workspace_id, user_id, first, last, state, new_id()),
            )
        for day in ("2024-05-07", "2024-05-14", "2024-05-21", "2024-05-28"):
            connection.execute(
                "INSERT INTO timetracking.time_entries (id, workspace_id, project_id, user_id,"
                " work_date, duration_seconds, rounded_duration_seconds, source, timezone,"
                " sort_at) VALUES (%s, %s, %s, %s, %s, 60, 60, 'manual', 'UTC', now())",
                (new_id(), workspace_id, new_id(), user_id, day),
            )
    await asyncio.to_thread(_migrate, alembic_ini, url, "0009")

    with psycopg.connect(url) as connection:
        rows = connection.execute(
            "SELECT work_date::text, approval_state FROM timetracking.time_entries"
            " ORDER BY work_date"
        ).fetchall()
    assert rows == [
        ("2024-05-07", "approved"),
        ("2024-05-14", "draft"),
        ("2024-05-21", "rejected"),
        ("2024-05-28", "draft"),  # no timesheet
    ]


def _downgrade(alembic_ini: Path, database_url: str, revision: str) -> None:
    config = Config(str(alembic_ini))
    config.set_main_option("script_location", str(alembic_ini.parent / "migrations"))
    config.attributes["database_url"] = database_url
    command.downgrade(config, revision)


ENTRY_RULE = (
    "SELECT rounding_begin_step_minutes, rounding_begin_mode, rounding_end_step_minutes,"
    " rounding_end_mode, rounding_duration_step_minutes, rounding_duration_mode,"
    " rounding_source FROM timetracking.time_entries ORDER BY work_date"
)


async def test_one_place_rules_become_the_matching_place_and_back(
    worksync_fresh_database_url: str, alembic_ini: Path
) -> None:
    """0012: an entry's (step, mode, applies_to) becomes that place of its rule, rounded by
    the workspace's; the directory's workspace setting becomes its JSONB rule."""
    url = worksync_fresh_database_url
    await asyncio.to_thread(_migrate, alembic_ini, url, "0011")
    workspace_id, user_id = new_id(), new_id()
    rules = [(0, None, None), (60, "down", "begin"), (15, "up", "duration")]
    with psycopg.connect(url, autocommit=True) as connection:
        for day, (step, mode, place) in enumerate(rules, start=6):
            connection.execute(
                "INSERT INTO timetracking.time_entries (id, workspace_id, project_id, user_id,"
                " work_date, duration_seconds, rounded_duration_seconds, source, timezone,"
                " sort_at, rounding_step_minutes, rounding_mode, rounding_applies_to)"
                " VALUES (%s, %s, %s, %s, %s, 60, 60, 'manual', 'UTC', now(), %s, %s, %s)",
                (new_id(), workspace_id, new_id(), user_id, f"2024-05-{day:02}", step, mode, place),
            )
        connection.execute(
            "INSERT INTO timetracking.directory_workspaces (id, rounding_step_minutes,"
            " rounding_mode, rounding_applies_to, sequence) VALUES (%s, 5, 'nearest', 'end', 1)",
            (workspace_id,),
        )
    await asyncio.to_thread(_migrate, alembic_ini, url, "0012")

    with psycopg.connect(url) as connection:
        assert connection.execute(ENTRY_RULE).fetchall() == [
            (None, None, None, None, None, None, "workspace"),
            (60, "down", None, None, None, None, "workspace"),
            (None, None, None, None, 15, "up", "workspace"),
        ]
        rule = connection.execute(
            "SELECT rounding FROM timetracking.directory_workspaces WHERE id = %s", (workspace_id,)
        ).fetchone()
    assert rule == (
        {"begin": None, "end": {"step_minutes": 5, "mode": "nearest"}, "duration": None},
    )

    await asyncio.to_thread(_downgrade, alembic_ini, url, "0011")
    with psycopg.connect(url) as connection:
        rows = connection.execute(
            "SELECT rounding_step_minutes, rounding_mode, rounding_applies_to"
            " FROM timetracking.time_entries ORDER BY work_date"
        ).fetchall()
    assert rows == rules


MONTHLY = (
    "SELECT month, seconds, billable_seconds, amount, entries FROM timetracking.monthly_totals"
    " ORDER BY month"
)
DAILY = "SELECT work_date, seconds, entries FROM timetracking.daily_totals ORDER BY work_date"


async def test_totals_counted_per_statement_keep_the_entries_already_counted(
    worksync_fresh_database_url: str, alembic_ini: Path
) -> None:
    """0014: the entries there are fill the monthly totals (with their billable amount); the
    statement-level trigger then counts new ones; downgraded, the per-row triggers do."""
    url = worksync_fresh_database_url
    await asyncio.to_thread(_migrate, alembic_ini, url, "0013")
    workspace_id, project_id, user_id = new_id(), new_id(), new_id()
    insert = (
        "INSERT INTO timetracking.time_entries (id, workspace_id, project_id, user_id,"
        " work_date, duration_seconds, rounded_duration_seconds, billable, hourly_rate,"
        " currency, source, timezone, sort_at, rounding_source)"
        " VALUES (%s, %s, %s, %s, %s, 3600, %s, %s, 80.00, 'EUR', 'manual', 'UTC', now(),"
        " 'workspace')"
    )
    with psycopg.connect(url, autocommit=True) as connection:
        for day, seconds, billable in (("2024-05-06", 3600, True), ("2024-05-07", 1800, False)):
            connection.execute(
                insert, (new_id(), workspace_id, project_id, user_id, day, seconds, billable)
            )
    await asyncio.to_thread(_migrate, alembic_ini, url, "0014")
    with psycopg.connect(url, autocommit=True) as connection:
        assert connection.execute(MONTHLY).fetchall() == [
            (date(2024, 5, 1), 5400, 3600, Decimal("288000.00"), 2)
        ]
        connection.execute(
            insert, (new_id(), workspace_id, project_id, user_id, "2024-06-03", 900, True)
        )
        assert connection.execute(MONTHLY).fetchall()[1] == (
            date(2024, 6, 1),
            900,
            900,
            Decimal("72000.00"),
            1,
        )
    await asyncio.to_thread(_downgrade, alembic_ini, url, "0013")
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("DELETE FROM timetracking.time_entries WHERE work_date = '2024-05-07'")
        assert connection.execute(DAILY).fetchall() == [
            (date(2024, 5, 6), 3600, 1),
            (date(2024, 6, 3), 900, 1),
        ]
