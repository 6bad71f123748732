"""Projects get a visibility: public (every workspace member sees them) or private (only
their project members and the workspace's owners and admins). Existing projects stay public.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06 15:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "workspace"


def upgrade() -> None:
    op.add_column(
        "projects",
        sa.Column("visibility", sa.String(length=7), server_default="public", nullable=False),
        schema=SCHEMA,
    )
    op.create_check_constraint(
        op.f("ck_projects_visibility_known"),
        "projects",
        "visibility IN ('public', 'private')",
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_constraint(op.f("ck_projects_visibility_known"), "projects", schema=SCHEMA)
    op.drop_column("projects", "visibility", schema=SCHEMA)
