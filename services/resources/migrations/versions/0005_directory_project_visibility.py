"""The directory's projects learn their visibility (`visibility` of the workspace's project
events): a private project is seen only by its project members and the workspace's owners
and admins. Projects known so far are public, as every project was until now.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 15:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "resources"


def upgrade() -> None:
    op.add_column(
        "directory_projects",
        sa.Column("visibility", sa.Text(), server_default="public", nullable=False),
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_column("directory_projects", "visibility", schema=SCHEMA)
