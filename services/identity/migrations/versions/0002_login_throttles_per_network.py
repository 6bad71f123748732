"""Login throttles per client network.

A lock now holds for one email and one client network (an IPv4 address or an IPv6 /64),
so that a stranger's guesses cannot lock the owner out; the network `*` counts every
network's attempts. Existing rows become account-wide ones.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06 13:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "identity"


def upgrade() -> None:
    op.add_column(
        "login_throttles",
        sa.Column("network", sa.String(length=64), server_default="*", nullable=False),
        schema=SCHEMA,
    )
    op.alter_column("login_throttles", "network", server_default=None, schema=SCHEMA)
    op.drop_constraint("pk_login_throttles", "login_throttles", type_="primary", schema=SCHEMA)
    op.create_primary_key(
        "pk_login_throttles", "login_throttles", ["email_key", "network"], schema=SCHEMA
    )


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM identity.login_throttles WHERE network <> '*'"))
    op.drop_constraint("pk_login_throttles", "login_throttles", type_="primary", schema=SCHEMA)
    op.create_primary_key("pk_login_throttles", "login_throttles", ["email_key"], schema=SCHEMA)
    op.drop_column("login_throttles", "network", schema=SCHEMA)
