"""Staff skills: the skills of each staff profile (`workspace.staff.*`), which the capacity
forecast and the optimiser join with the capacity profiles' own. A profile that is deleted
or whose employment is not active keeps its row (its sequence keeps late events out) but
contributes no skills.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 18:05:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "resources"


def upgrade() -> None:
    op.create_table(
        "staff_skills",
        sa.Column("staff_profile_id", sa.Uuid(), nullable=False),
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column(
            "skills",
            postgresql.ARRAY(sa.Text()),
            server_default=sa.text("'{}'"),
            nullable=False,
        ),
        sa.Column("contributes", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("sequence", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("sequence >= 0", name=op.f("ck_staff_skills_sequence_not_negative")),
        sa.PrimaryKeyConstraint("staff_profile_id", name=op.f("pk_staff_skills")),
        schema=SCHEMA,
    )
    # The forecast and the optimiser read a workspace's contributing profiles per user.
    op.create_index(
        "ix_staff_skills_workspace_id_user_id",
        "staff_skills",
        ["workspace_id", "user_id"],
        unique=False,
        schema=SCHEMA,
        postgresql_where=sa.text("contributes"),
    )


def downgrade() -> None:
    op.drop_index("ix_staff_skills_workspace_id_user_id", table_name="staff_skills", schema=SCHEMA)
    op.drop_table("staff_skills", schema=SCHEMA)
