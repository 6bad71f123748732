"""Report totals: finished time per workspace, day, user, project, issue, currency and
approval state, with the billable part and its amount, kept by a trigger like the daily
totals.

The report groups these rows instead of the entries: a person's day is a few rows whatever
the number of entries in it. Every dimension and filter of the report is a column here
(week and month are days; clients come through projects); the amount is summed as seconds
times rate and divided once. A timesheet action changes its entries' approval state in one
statement: the trigger moves their seconds between rows in the same transaction.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "timetracking"

COUNT_ENTRY = """
CREATE FUNCTION timetracking.count_entry_in_report_totals() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.rounded_duration_seconds IS NOT NULL THEN
        DELETE FROM timetracking.report_totals
        WHERE workspace_id = OLD.workspace_id AND work_date = OLD.work_date
          AND user_id = OLD.user_id AND project_id = OLD.project_id
          AND issue_id IS NOT DISTINCT FROM OLD.issue_id
          AND currency IS NOT DISTINCT FROM OLD.currency
          AND approval_state = OLD.approval_state AND entries = 1;
        IF NOT FOUND THEN
            UPDATE timetracking.report_totals
            SET seconds = seconds - OLD.rounded_duration_seconds,
                billable_seconds = billable_seconds
                    - CASE WHEN OLD.billable THEN OLD.rounded_duration_seconds ELSE 0 END,
                amount = amount - CASE WHEN OLD.billable AND OLD.hourly_rate IS NOT NULL
                    THEN OLD.rounded_duration_seconds * OLD.hourly_rate ELSE 0 END,
                rated_billable_entries = rated_billable_entries
                    - CASE WHEN OLD.billable AND OLD.hourly_rate IS NOT NULL THEN 1 ELSE 0 END,
                billable_entries = billable_entries - CASE WHEN OLD.billable THEN 1 ELSE 0 END,
                entries = entries - 1
            WHERE workspace_id = OLD.workspace_id AND work_date = OLD.work_date
              AND user_id = OLD.user_id AND project_id = OLD.project_id
              AND issue_id IS NOT DISTINCT FROM OLD.issue_id
              AND currency IS NOT DISTINCT FROM OLD.currency
              AND approval_state = OLD.approval_state;
        END IF;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.rounded_duration_seconds IS NOT NULL THEN
        INSERT INTO timetracking.report_totals AS totals
            (workspace_id, work_date, user_id, project_id, issue_id, currency, approval_state,
             seconds, billable_seconds, amount, rated_billable_entries, billable_entries,
             entries)
        VALUES (NEW.workspace_id, NEW.work_date, NEW.user_id, NEW.project_id, NEW.issue_id,
                NEW.currency, NEW.approval_state, NEW.rounded_duration_seconds,
                CASE WHEN NEW.billable THEN NEW.rounded_duration_seconds ELSE 0 END,
                CASE WHEN NEW.billable AND NEW.hourly_rate IS NOT NULL
                    THEN NEW.rounded_duration_seconds * NEW.hourly_rate ELSE 0 END,
                CASE WHEN NEW.billable AND NEW.hourly_rate IS NOT NULL THEN 1 ELSE 0 END,
                CASE WHEN NEW.billable THEN 1 ELSE 0 END, 1)
        ON CONFLICT
            (workspace_id, work_date, user_id, project_id, issue_id, currency, approval_state)
        DO UPDATE
        SET seconds = totals.seconds + EXCLUDED.seconds,
            billable_seconds = totals.billable_seconds + EXCLUDED.billable_seconds,
            amount = totals.amount + EXCLUDED.amount,
            rated_billable_entries = totals.rated_billable_entries
                + EXCLUDED.rated_billable_entries,
            billable_entries = totals.billable_entries + EXCLUDED.billable_entries,
            entries = totals.entries + 1;
    END IF;
    RETURN NULL;
END
$$
"""

TRIGGER = """
CREATE TRIGGER count_in_report_totals
AFTER INSERT OR DELETE
   OR UPDATE OF workspace_id, work_date, user_id, project_id, issue_id, currency,
                approval_state, rounded_duration_seconds, billable, hourly_rate
ON timetracking.time_entries
FOR EACH ROW EXECUTE FUNCTION timetracking.count_entry_in_report_totals()
"""

BACKFILL = """
INSERT INTO timetracking.report_totals
    (workspace_id, work_date, user_id, project_id, issue_id, currency, approval_state, seconds,
     billable_seconds, amount, rated_billable_entries, billable_entries, entries)
SELECT workspace_id, work_date, user_id, project_id, issue_id, currency, approval_state,
       SUM(rounded_duration_seconds),
       COALESCE(SUM(rounded_duration_seconds) FILTER (WHERE billable), 0),
       COALESCE(SUM(rounded_duration_seconds * hourly_rate)
                FILTER (WHERE billable AND hourly_rate IS NOT NULL), 0),
       COUNT(*) FILTER (WHERE billable AND hourly_rate IS NOT NULL),
       COUNT(*) FILTER (WHERE billable), COUNT(*)
FROM timetracking.time_entries
WHERE rounded_duration_seconds IS NOT NULL
GROUP BY workspace_id, work_date, user_id, project_id, issue_id, currency, approval_state
"""


def upgrade() -> None:
    op.create_table(
        "report_totals",
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("work_date", sa.Date(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("issue_id", sa.Uuid(), nullable=True),
        sa.Column("currency", sa.Text(), nullable=True),
        sa.Column("approval_state", sa.Text(), nullable=False),
        sa.Column("seconds", sa.BigInteger(), nullable=False),
        sa.Column("billable_seconds", sa.BigInteger(), nullable=False),
        sa.Column("amount", sa.Numeric(), nullable=False),
        sa.Column("rated_billable_entries", sa.Integer(), nullable=False),
        sa.Column("billable_entries", sa.Integer(), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.CheckConstraint("entries > 0", name=op.f("ck_report_totals_entries_positive")),
        sa.CheckConstraint(
            "billable_seconds BETWEEN 0 AND seconds",
            name=op.f("ck_report_totals_billable_within_total"),
        ),
        sa.CheckConstraint(
            "rated_billable_entries BETWEEN 0 AND billable_entries AND billable_entries <= entries",
            name=op.f("ck_report_totals_entry_counts_nested"),
        ),
        schema=SCHEMA,
    )
    # Issue and currency may be null and still name one row: NULLS NOT DISTINCT.
    op.create_index(
        "uq_report_totals_key",
        "report_totals",
        [
            "workspace_id",
            "work_date",
            "user_id",
            "project_id",
            "issue_id",
            "currency",
            "approval_state",
        ],
        unique=True,
        schema=SCHEMA,
        postgresql_nulls_not_distinct=True,
    )
    op.execute(COUNT_ENTRY)
    op.execute(TRIGGER)
    op.execute(BACKFILL)


def downgrade() -> None:
    op.execute("DROP TRIGGER count_in_report_totals ON timetracking.time_entries")
    op.execute("DROP FUNCTION timetracking.count_entry_in_report_totals()")
    op.drop_table("report_totals", schema=SCHEMA)
