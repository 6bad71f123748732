"""Timesheets with their approval, and the teams projection (team leads approve their
members' timesheets).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 14:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "timetracking"


def upgrade() -> None:
    op.create_table(
        "timesheets",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.Uuid(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint(
            "period_end >= period_start", name=op.f("ck_timesheets_period_in_order")
        ),
        sa.CheckConstraint(
            "state IN ('open', 'submitted', 'approved', 'rejected')",
            name=op.f("ck_timesheets_state"),
        ),
        sa.CheckConstraint(
            "state <> 'rejected' OR (comment IS NOT NULL AND decided_by IS NOT NULL)",
            name=op.f("ck_timesheets_rejected_has_comment"),
        ),
        sa.CheckConstraint(
            "state NOT IN ('submitted', 'approved') OR submitted_at IS NOT NULL",
            name=op.f("ck_timesheets_submitted_has_time"),
        ),
        sa.CheckConstraint(
            "state <> 'approved' OR (decided_by IS NOT NULL AND decided_by <> user_id)",
            name=op.f("ck_timesheets_approved_by_another"),
        ),
        sa.CheckConstraint("version >= 1", name=op.f("ck_timesheets_version_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_timesheets")),
        sa.UniqueConstraint(
            "workspace_id",
            "user_id",
            "period_start",
            name=op.f("uq_timesheets_workspace_id_user_id_period_start"),
        ),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_timesheets_workspace_id_state_period_start",
        "timesheets",
        ["workspace_id", "state", "period_start"],
        schema=SCHEMA,
    )
    op.create_index(
        "ix_timesheets_user_id_period_end", "timesheets", ["user_id", "period_end"], schema=SCHEMA
    )
    op.create_table(
        "teams",
        sa.Column("team_id", sa.Uuid(), nullable=False),
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("lead_id", sa.Uuid(), nullable=True),
        sa.Column("deleted", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("sequence", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("team_id", name=op.f("pk_teams")),
        schema=SCHEMA,
    )
    op.create_index("ix_teams_lead_id", "teams", ["lead_id"], schema=SCHEMA)
    op.create_table(
        "team_members",
        sa.Column("team_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("removed", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("sequence", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("team_id", "user_id", name=op.f("pk_team_members")),
        schema=SCHEMA,
    )
    op.create_index("ix_team_members_user_id", "team_members", ["user_id"], schema=SCHEMA)


def downgrade() -> None:
    op.drop_table("team_members", schema=SCHEMA)
    op.drop_table("teams", schema=SCHEMA)
    op.drop_table("timesheets", schema=SCHEMA)
