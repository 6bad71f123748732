"""Reports by client, and entries that carry their timesheet's state.

- The directory's projects learn their client (`client_id` of the workspace's project
  events); `clients` is the projection of the workspace's clients (names for the report).
- An entry's `approval_state` is its timesheet's (draft, submitted, approved, rejected):
  existing entries take the state of the timesheet holding their work date.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 15:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "timetracking"
APPROVAL_STATE = op.f("ck_time_entries_approval_state")


def upgrade() -> None:
    # Null until the project's next event (or the workspace API's answer) names its client.
    op.add_column(
        "directory_projects", sa.Column("client_id", sa.Uuid(), nullable=True), schema=SCHEMA
    )
    op.create_table(
        "clients",
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("sequence", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("client_id", name=op.f("pk_clients")),
        schema=SCHEMA,
    )
    op.drop_constraint(APPROVAL_STATE, "time_entries", schema=SCHEMA)
    op.create_check_constraint(
        APPROVAL_STATE,
        "time_entries",
        "approval_state IN ('draft', 'submitted', 'approved', 'rejected')",
        schema=SCHEMA,
    )
    op.execute(
        """
        UPDATE timetracking.time_entries AS entry
        SET approval_state = CASE sheet.state WHEN 'open' THEN 'draft' ELSE sheet.state END
        FROM timetracking.timesheets AS sheet
        WHERE sheet.workspace_id = entry.workspace_id
          AND sheet.user_id = entry.user_id
          AND entry.work_date BETWEEN sheet.period_start AND sheet.period_end
        """
    )


def downgrade() -> None:
    op.execute("UPDATE timetracking.time_entries SET approval_state = 'draft'")
    op.drop_constraint(APPROVAL_STATE, "time_entries", schema=SCHEMA)
    op.create_check_constraint(
        APPROVAL_STATE, "time_entries", "approval_state IN ('draft')", schema=SCHEMA
    )
    op.drop_table("clients", schema=SCHEMA)
    op.drop_column("directory_projects", "client_id", schema=SCHEMA)
