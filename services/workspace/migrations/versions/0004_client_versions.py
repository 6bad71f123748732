"""Clients are published (`workspace.client.*`): their `version` is their events' sequence.

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

SCHEMA = "workspace"


def upgrade() -> None:
    op.add_column(
        "clients",
        sa.Column("version", sa.Integer(), server_default=sa.text("0"), nullable=False),
        schema=SCHEMA,
    )
    op.create_check_constraint(
        op.f("ck_clients_version_not_negative"), "clients", "version >= 0", schema=SCHEMA
    )


def downgrade() -> None:
    op.drop_column("clients", "version", schema=SCHEMA)
