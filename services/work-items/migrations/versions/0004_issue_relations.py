"""Issue relations: blocks, relates to, duplicates.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 13:43:20.409068
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "issue_relations",
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("issue_id", sa.Uuid(), nullable=False),
        sa.Column("related_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "kind <> 'relates_to' OR issue_id < related_id",
            name=op.f("ck_issue_relations_relates_to_ordered"),
        ),
        sa.CheckConstraint(
            "kind IN ('blocks', 'relates_to', 'duplicates')",
            name=op.f("ck_issue_relations_kind_known"),
        ),
        sa.CheckConstraint("issue_id <> related_id", name=op.f("ck_issue_relations_not_to_itself")),
        sa.CheckConstraint("version >= 0", name=op.f("ck_issue_relations_version_not_negative")),
        sa.ForeignKeyConstraint(
            ["project_id", "issue_id"],
            ["work_items.issues.project_id", "work_items.issues.id"],
            name=op.f("fk_issue_relations_project_id_issue_id_issues"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["project_id", "related_id"],
            ["work_items.issues.project_id", "work_items.issues.id"],
            name=op.f("fk_issue_relations_project_id_related_id_issues"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issue_relations")),
        sa.UniqueConstraint(
            "issue_id",
            "related_id",
            "kind",
            name=op.f("uq_issue_relations_issue_id_related_id_kind"),
        ),
        schema="work_items",
    )
    op.create_index(
        "ix_issue_relations_project_id_kind",
        "issue_relations",
        ["project_id", "kind"],
        unique=False,
        schema="work_items",
    )
    op.create_index(
        "ix_issue_relations_related_id",
        "issue_relations",
        ["related_id"],
        unique=False,
        schema="work_items",
    )


def downgrade() -> None:
    op.drop_index(
        "ix_issue_relations_related_id", table_name="issue_relations", schema="work_items"
    )
    op.drop_index(
        "ix_issue_relations_project_id_kind", table_name="issue_relations", schema="work_items"
    )
    op.drop_table("issue_relations", schema="work_items")
