"""The directory's projects learn their client (`client_id` of the workspace's project
events), so that time can be reported by client.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 15:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "resources"


def upgrade() -> None:
    # Null until the project's next event (or the workspace API's answer) says otherwise.
    op.add_column(
        "directory_projects", sa.Column("client_id", sa.Uuid(), nullable=True), schema=SCHEMA
    )


def downgrade() -> None:
    op.drop_column("directory_projects", "client_id", schema=SCHEMA)
