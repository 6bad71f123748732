"""Rounding that keeps the raw times: rounded begin, end and duration beside the raw ones,
and the rule that rounded them, frozen on each entry. Daily totals count rounded time.

Existing entries were written without rounding: their rounded values are their raw ones
and their rule is none (step 0). The daily-totals trigger sums the rounded duration from
here on, and the totals are summed again (the same figures for the entries there were).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "timetracking"

COUNT_ENTRY = """
CREATE OR REPLACE FUNCTION timetracking.count_entry_in_daily_totals() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.{column} IS NOT NULL THEN
        DELETE FROM timetracking.daily_totals
        WHERE workspace_id = OLD.workspace_id AND work_date = OLD.work_date
          AND project_id = OLD.project_id AND user_id = OLD.user_id AND entries = 1;
        IF NOT FOUND THEN
            UPDATE timetracking.daily_totals
            SET seconds = seconds - OLD.{column},
                billable_seconds = billable_seconds
                    - CASE WHEN OLD.billable THEN OLD.{column} ELSE 0 END,
                entries = entries - 1
            WHERE workspace_id = OLD.workspace_id AND work_date = OLD.work_date
              AND project_id = OLD.project_id AND user_id = OLD.user_id;
        END IF;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.{column} IS NOT NULL THEN
        INSERT INTO timetracking.daily_totals AS totals
            (workspace_id, work_date, project_id, user_id, seconds, billable_seconds, entries)
        VALUES (NEW.workspace_id, NEW.work_date, NEW.project_id, NEW.user_id,
                NEW.{column},
                CASE WHEN NEW.billable THEN NEW.{column} ELSE 0 END, 1)
        ON CONFLICT (workspace_id, work_date, project_id, user_id) DO UPDATE
        SET seconds = totals.seconds + EXCLUDED.seconds,
            billable_seconds = totals.billable_seconds + EXCLUDED.billable_seconds,
            entries = totals.entries + 1;
    END IF;
    RETURN NULL;
END
$$
"""

TRIGGER = """
CREATE TRIGGER count_in_daily_totals
AFTER INSERT OR DELETE
   OR UPDATE OF workspace_id, work_date, project_id, user_id, {column}, billable
ON timetracking.time_entries
FOR EACH ROW EXECUTE FUNCTION timetracking.count_entry_in_daily_totals()
"""

RECOUNT = """
DELETE FROM timetracking.daily_totals;
INSERT INTO timetracking.daily_totals
    (workspace_id, work_date, project_id, user_id, seconds, billable_seconds, entries)
SELECT workspace_id, work_date, project_id, user_id, SUM({column}),
       COALESCE(SUM({column}) FILTER (WHERE billable), 0), COUNT(*)
FROM timetracking.time_entries
WHERE {column} IS NOT NULL
GROUP BY workspace_id, work_date, project_id, user_id
"""

CHECKS = {
    "rounded_duration": "(duration_seconds IS NULL) = (rounded_duration_seconds IS NULL)"
    " AND COALESCE(rounded_duration_seconds, 0) >= 0",
    "rounded_edges": "(rounded_started_at IS NULL) = (started_at IS NULL OR ended_at IS NULL)"
    " AND (rounded_started_at IS NULL) = (rounded_ended_at IS NULL)"
    " AND (rounded_ended_at IS NULL OR rounded_ended_at >= rounded_started_at)",
    "rounding_rule": "(rounding_step_minutes = 0 AND rounding_mode IS NULL"
    " AND rounding_applies_to IS NULL)"
    " OR (rounding_step_minutes BETWEEN 1 AND 1440"
    " AND rounding_mode IS NOT NULL AND rounding_applies_to IS NOT NULL"
    " AND rounding_mode IN ('up', 'down', 'nearest')"
    " AND rounding_applies_to IN ('begin', 'end', 'duration'))",
}


def _count(column: str) -> None:
    op.execute("DROP TRIGGER count_in_daily_totals ON timetracking.time_entries")
    op.execute(COUNT_ENTRY.format(column=column))
    op.execute(TRIGGER.format(column=column))
    for statement in RECOUNT.format(column=column).split(";"):
        op.execute(statement)


def upgrade() -> None:
    op.add_column(
        "time_entries",
        sa.Column("rounded_started_at", sa.DateTime(timezone=True), nullable=True),
        schema=SCHEMA,
    )
    op.add_column(
        "time_entries",
        sa.Column("rounded_ended_at", sa.DateTime(timezone=True), nullable=True),
        schema=SCHEMA,
    )
    op.add_column(
        "time_entries",
        sa.Column("rounded_duration_seconds", sa.Integer(), nullable=True),
        schema=SCHEMA,
    )
    op.add_column(
        "time_entries",
        sa.Column(
            "rounding_step_minutes", sa.Integer(), server_default=sa.text("0"), nullable=False
        ),
        schema=SCHEMA,
    )
    op.add_column(
        "time_entries", sa.Column("rounding_mode", sa.Text(), nullable=True), schema=SCHEMA
    )
    op.add_column(
        "time_entries", sa.Column("rounding_applies_to", sa.Text(), nullable=True), schema=SCHEMA
    )
    op.execute(
        """
        UPDATE timetracking.time_entries
        SET rounded_duration_seconds = duration_seconds,
            rounded_started_at = CASE WHEN ended_at IS NOT NULL THEN started_at END,
            rounded_ended_at = ended_at
        WHERE duration_seconds IS NOT NULL
        """
    )
    for name, condition in CHECKS.items():
        op.create_check_constraint(
            op.f(f"ck_time_entries_{name}"), "time_entries", condition, schema=SCHEMA
        )
    _count("rounded_duration_seconds")


def downgrade() -> None:
    _count("duration_seconds")
    for name in CHECKS:
        op.drop_constraint(
            op.f(f"ck_time_entries_{name}"), "time_entries", type_="check", schema=SCHEMA
        )
    for column in (
        "rounding_applies_to",
        "rounding_mode",
        "rounding_step_minutes",
        "rounded_duration_seconds",
        "rounded_ended_at",
        "rounded_started_at",
    ):
        op.drop_column("time_entries", column, schema=SCHEMA)
