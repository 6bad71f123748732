"""Budget thresholds reached: each (project, measure, budget value, threshold) once.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "timetracking"


def upgrade() -> None:
    op.create_table(
        "budget_thresholds",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("measure", sa.Text(), nullable=False),
        sa.Column("budget", sa.Numeric(), nullable=False),
        sa.Column("threshold_percent", sa.Integer(), nullable=False),
        sa.Column("consumed", sa.Numeric(), nullable=False),
        sa.Column(
            "reached_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.CheckConstraint(
            "measure IN ('hours', 'amount')", name=op.f("ck_budget_thresholds_measure")
        ),
        sa.CheckConstraint(
            "threshold_percent IN (80, 100)", name=op.f("ck_budget_thresholds_threshold_percent")
        ),
        sa.CheckConstraint("budget > 0", name=op.f("ck_budget_thresholds_budget_positive")),
        sa.CheckConstraint("version >= 1", name=op.f("ck_budget_thresholds_version_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_budget_thresholds")),
        sa.UniqueConstraint(
            "project_id",
            "measure",
            "budget",
            "threshold_percent",
            name="uq_budget_thresholds_once",
        ),
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_table("budget_thresholds", schema=SCHEMA)
