"""Modification requests: changes to entries of approved timesheets, awaiting an approver.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 14:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "timetracking"


def upgrade() -> None:
    op.create_table(
        "modification_requests",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("entry_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("requested_by", sa.Uuid(), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column(
            "changes",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
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
            "action IN ('change', 'delete')", name=op.f("ck_modification_requests_action")
        ),
        sa.CheckConstraint(
            "state IN ('pending', 'accepted', 'declined')",
            name=op.f("ck_modification_requests_state"),
        ),
        sa.CheckConstraint(
            "(state = 'pending') = (decided_by IS NULL)",
            name=op.f("ck_modification_requests_decided_unless_pending"),
        ),
        sa.CheckConstraint(
            "state <> 'declined' OR comment IS NOT NULL",
            name=op.f("ck_modification_requests_declined_has_comment"),
        ),
        sa.CheckConstraint(
            "decided_by IS NULL OR decided_by <> user_id",
            name=op.f("ck_modification_requests_decided_by_another"),
        ),
        sa.CheckConstraint("version >= 1", name=op.f("ck_modification_requests_version_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_modification_requests")),
        schema=SCHEMA,
    )
    op.create_index(
        "uq_modification_requests_pending_entry_id",
        "modification_requests",
        ["entry_id"],
        unique=True,
        schema=SCHEMA,
        postgresql_where=sa.text("state = 'pending'"),
    )
    op.create_index(
        "ix_modification_requests_workspace_id_state",
        "modification_requests",
        ["workspace_id", "state"],
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_table("modification_requests", schema=SCHEMA)
