"""things

Revision ID: 0001
Revises:
"""

import os

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "things",
        sa.Column("id", sa.Integer, primary_key=True),
        schema=os.environ["KIT_MIGRATION_SCHEMA"],
    )


def downgrade() -> None:
    op.drop_table("things", schema=os.environ["KIT_MIGRATION_SCHEMA"])
