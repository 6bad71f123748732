"""Project settings here: whether a project's guests may comment on its issues (no, until a
project admin allows it).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 16:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "work_items"


def upgrade() -> None:
    op.create_table(
        "project_settings",
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("guests_may_comment", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            [f"{SCHEMA}.issue_counters.project_id"],
            name=op.f("fk_project_settings_project_id_issue_counters"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("project_id", name=op.f("pk_project_settings")),
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_table("project_settings", schema=SCHEMA)
