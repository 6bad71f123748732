"""Daily totals: finished time per workspace, day, project and user, kept by a trigger.

The trigger runs after every insert, delete and update of an entry's counted columns and
moves the entry's seconds out of its old row and into its new one in the same transaction;
rows are created on first use and removed with their last entry. Running and paused timers
(no duration yet) count once they stop. Existing entries are summed into the table here,
and the covering index the workspace summary read before is dropped.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 03:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COUNT_ENTRY = """
CREATE FUNCTION timetracking.count_entry_in_daily_totals() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.duration_seconds IS NOT NULL THEN
        DELETE FROM timetracking.daily_totals
        WHERE workspace_id = OLD.workspace_id AND work_date = OLD.work_date
          AND project_id = OLD.project_id AND user_id = OLD.user_id AND entries = 1;
        IF NOT FOUND THEN
            UPDATE timetracking.daily_totals
            SET seconds = seconds - OLD.duration_seconds,
                billable_seconds = billable_seconds
                    - CASE WHEN OLD.billable THEN OLD.duration_seconds ELSE 0 END,
                entries = entries - 1
            WHERE workspace_id = OLD.workspace_id AND work_date = OLD.work_date
              AND project_id = OLD.project_id AND user_id = OLD.user_id;
        END IF;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.duration_seconds IS NOT NULL THEN
        INSERT INTO timetracking.daily_totals AS totals
            (workspace_id, work_date, project_id, user_id, seconds, billable_seconds, entries)
        VALUES (NEW.workspace_id, NEW.work_date, NEW.project_id, NEW.user_id,
                NEW.duration_seconds,
                CASE WHEN NEW.billable THEN NEW.duration_seconds ELSE 0 END, 1)
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
   OR UPDATE OF workspace_id, work_date, project_id, user_id, duration_seconds, billable
ON timetracking.time_entries
FOR EACH ROW EXECUTE FUNCTION timetracking.count_entry_in_daily_totals()
"""

BACKFILL = """
INSERT INTO timetracking.daily_totals
    (workspace_id, work_date, project_id, user_id, seconds, billable_seconds, entries)
SELECT workspace_id, work_date, project_id, user_id, SUM(duration_seconds),
       COALESCE(SUM(duration_seconds) FILTER (WHERE billable), 0), COUNT(*)
FROM timetracking.time_entries
WHERE duration_seconds IS NOT NULL
GROUP BY workspace_id, work_date, project_id, user_id
"""


def upgrade() -> None:
    op.create_table(
        "daily_totals",
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("work_date", sa.Date(), nullable=False),
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("seconds", sa.BigInteger(), nullable=False),
        sa.Column("billable_seconds", sa.BigInteger(), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.CheckConstraint("entries > 0", name=op.f("ck_daily_totals_entries_positive")),
        sa.CheckConstraint(
            "billable_seconds BETWEEN 0 AND seconds",
            name=op.f("ck_daily_totals_billable_within_total"),
        ),
        sa.PrimaryKeyConstraint(
            "workspace_id", "work_date", "project_id", "user_id", name=op.f("pk_daily_totals")
        ),
        schema="timetracking",
    )
    op.execute(COUNT_ENTRY)
    op.execute(TRIGGER)
    op.execute(BACKFILL)
    op.drop_index(
        "ix_time_entries_workspace_id_work_date_covering",
        table_name="time_entries",
        schema="timetracking",
    )


def downgrade() -> None:
    op.create_index(
        "ix_time_entries_workspace_id_work_date_covering",
        "time_entries",
        ["workspace_id", "work_date"],
        unique=False,
        schema="timetracking",
        postgresql_include=["project_id", "user_id", "duration_seconds", "billable"],
    )
    op.execute("DROP TRIGGER count_in_daily_totals ON timetracking.time_entries")
    op.execute("DROP FUNCTION timetracking.count_entry_in_daily_totals()")
    op.drop_table("daily_totals", schema="timetracking")
