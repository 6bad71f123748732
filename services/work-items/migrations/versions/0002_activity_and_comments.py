"""Activity feed and comments.

Every change to an issue as a row of `issue_activity`; threaded comments with their
mentions and reactions.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06 13:31:01.962359
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "comments",
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("issue_id", sa.Uuid(), nullable=False),
        sa.Column("parent_id", sa.Uuid(), nullable=True),
        sa.Column("root_id", sa.Uuid(), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("depth", sa.SmallInteger(), nullable=False),
        sa.Column("author_id", sa.Uuid(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("body_format", sa.String(length=8), nullable=False),
        sa.Column("edited_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
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
            "body_format IN ('markdown', 'html')", name=op.f("ck_comments_format_known")
        ),
        sa.CheckConstraint(
            "(parent_id IS NULL) = (depth = 0)", name=op.f("ck_comments_roots_at_depth_zero")
        ),
        sa.CheckConstraint(
            "(parent_id IS NULL) = (root_id = id)", name=op.f("ck_comments_roots_are_their_own")
        ),
        sa.CheckConstraint(
            "deleted_at IS NOT NULL OR char_length(btrim(body)) > 0",
            name=op.f("ck_comments_body_not_blank"),
        ),
        sa.CheckConstraint("depth BETWEEN 0 AND 60", name=op.f("ck_comments_depth_bounded")),
        sa.CheckConstraint("parent_id <> id", name=op.f("ck_comments_not_own_parent")),
        sa.CheckConstraint("version >= 0", name=op.f("ck_comments_version_not_negative")),
        sa.ForeignKeyConstraint(
            ["issue_id", "parent_id"],
            ["work_items.comments.issue_id", "work_items.comments.id"],
            name=op.f("fk_comments_issue_id_parent_id_comments"),
        ),
        sa.ForeignKeyConstraint(
            ["project_id", "issue_id"],
            ["work_items.issues.project_id", "work_items.issues.id"],
            name=op.f("fk_comments_project_id_issue_id_issues"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comments")),
        sa.UniqueConstraint("issue_id", "id", name=op.f("uq_comments_issue_id_id")),
        schema="work_items",
    )
    op.create_index(
        "ix_comments_issue_id_path_id",
        "comments",
        ["issue_id", "path", "id"],
        unique=False,
        schema="work_items",
    )
    op.create_index(
        "ix_comments_parent_id", "comments", ["parent_id"], unique=False, schema="work_items"
    )
    op.create_index(
        "ix_comments_root_id_path_id",
        "comments",
        ["root_id", "path", "id"],
        unique=False,
        schema="work_items",
    )
    op.create_table(
        "issue_activity",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("issue_id", sa.Uuid(), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("field", sa.String(length=40), nullable=True),
        sa.Column("old_value", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("new_value", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(kind = 'updated') = (field IS NOT NULL)",
            name=op.f("ck_issue_activity_field_of_updates"),
        ),
        sa.CheckConstraint(
            "kind IN ('created', 'updated', 'deleted', 'restored', 'moved', 'comment_added', "
            "'comment_edited', 'comment_deleted', 'time_logged', 'time_corrected', 'time_removed', "
            "'relation_added', 'relation_removed')",
            name=op.f("ck_issue_activity_kind_known"),
        ),
        sa.ForeignKeyConstraint(
            ["project_id", "issue_id"],
            ["work_items.issues.project_id", "work_items.issues.id"],
            name=op.f("fk_issue_activity_project_id_issue_id_issues"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issue_activity")),
        schema="work_items",
    )
    op.create_index(
        "ix_issue_activity_issue_id_occurred_at_id",
        "issue_activity",
        ["issue_id", "occurred_at", "id"],
        unique=False,
        schema="work_items",
    )
    op.create_index(
        "ix_issue_activity_workspace_id_project_id_occurred_at_id",
        "issue_activity",
        ["workspace_id", "project_id", "occurred_at", "id"],
        unique=False,
        schema="work_items",
    )
    op.create_table(
        "comment_mentions",
        sa.Column("comment_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["comment_id"],
            ["work_items.comments.id"],
            name=op.f("fk_comment_mentions_comment_id_comments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("comment_id", "user_id", name=op.f("pk_comment_mentions")),
        schema="work_items",
    )
    op.create_index(
        "ix_comment_mentions_user_id",
        "comment_mentions",
        ["user_id"],
        unique=False,
        schema="work_items",
    )
    op.create_table(
        "comment_reactions",
        sa.Column("comment_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("emoji", sa.String(length=32), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "char_length(emoji) > 0 AND emoji !~ '\\s'",
            name=op.f("ck_comment_reactions_emoji_format"),
        ),
        sa.ForeignKeyConstraint(
            ["comment_id"],
            ["work_items.comments.id"],
            name=op.f("fk_comment_reactions_comment_id_comments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "comment_id", "user_id", "emoji", name=op.f("pk_comment_reactions")
        ),
        schema="work_items",
    )


def downgrade() -> None:
    op.drop_table("comment_reactions", schema="work_items")
    op.drop_index("ix_comment_mentions_user_id", table_name="comment_mentions", schema="work_items")
    op.drop_table("comment_mentions", schema="work_items")
    op.drop_index(
        "ix_issue_activity_workspace_id_project_id_occurred_at_id",
        table_name="issue_activity",
        schema="work_items",
    )
    op.drop_index(
        "ix_issue_activity_issue_id_occurred_at_id",
        table_name="issue_activity",
        schema="work_items",
    )
    op.drop_table("issue_activity", schema="work_items")
    op.drop_index("ix_comments_root_id_path_id", table_name="comments", schema="work_items")
    op.drop_index("ix_comments_parent_id", table_name="comments", schema="work_items")
    op.drop_index("ix_comments_issue_id_path_id", table_name="comments", schema="work_items")
    op.drop_table("comments", schema="work_items")
