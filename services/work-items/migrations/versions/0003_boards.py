"""Kanban boards and card ranks.

Boards with columns mapped to states; every issue gets a `rank` (base-36, collation "C"),
existing ones in the order of their `position`, one project at a time.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06 13:36:50.398367
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "boards",
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("label_id", sa.Uuid(), nullable=True),
        sa.Column("assignee_id", sa.Uuid(), nullable=True),
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
        sa.CheckConstraint("char_length(btrim(name)) > 0", name=op.f("ck_boards_name_not_blank")),
        sa.CheckConstraint("version >= 0", name=op.f("ck_boards_version_not_negative")),
        sa.ForeignKeyConstraint(
            ["label_id"],
            ["work_items.labels.id"],
            name=op.f("fk_boards_label_id_labels"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["work_items.issue_counters.project_id"],
            name=op.f("fk_boards_project_id_issue_counters"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_boards")),
        sa.UniqueConstraint("project_id", "id", name=op.f("uq_boards_project_id_id")),
        schema="work_items",
    )
    op.create_index("ix_boards_label_id", "boards", ["label_id"], unique=False, schema="work_items")
    op.create_index(
        "ix_boards_workspace_id_project_id_name_id",
        "boards",
        ["workspace_id", "project_id", "name", "id"],
        unique=False,
        schema="work_items",
    )
    op.create_index(
        "uq_boards_project_id_lower_name",
        "boards",
        ["project_id", sa.literal_column("lower(name)")],
        unique=True,
        schema="work_items",
    )
    op.create_table(
        "board_columns",
        sa.Column("board_id", sa.Uuid(), nullable=False),
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("colour", sa.String(length=7), nullable=False),
        sa.Column("wip_limit", sa.Integer(), nullable=True),
        sa.Column("is_done", sa.Boolean(), server_default=sa.text("false"), nullable=False),
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
            "colour ~ '^#[0-9A-Fa-f]{6}$'", name=op.f("ck_board_columns_colour_format")
        ),
        sa.CheckConstraint(
            "char_length(btrim(name)) > 0", name=op.f("ck_board_columns_name_not_blank")
        ),
        sa.CheckConstraint("position >= 0", name=op.f("ck_board_columns_position_not_negative")),
        sa.CheckConstraint("wip_limit > 0", name=op.f("ck_board_columns_wip_limit_positive")),
        sa.ForeignKeyConstraint(
            ["project_id", "board_id"],
            ["work_items.boards.project_id", "work_items.boards.id"],
            name=op.f("fk_board_columns_project_id_board_id_boards"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_board_columns")),
        sa.UniqueConstraint("board_id", "id", name=op.f("uq_board_columns_board_id_id")),
        sa.UniqueConstraint(
            "board_id",
            "position",
            deferrable=True,
            initially="DEFERRED",
            name=op.f("uq_board_columns_board_id_position"),
        ),
        schema="work_items",
    )
    op.create_index(
        "uq_board_columns_board_id_lower_name",
        "board_columns",
        ["board_id", sa.literal_column("lower(name)")],
        unique=True,
        schema="work_items",
    )
    op.create_table(
        "board_column_states",
        sa.Column("column_id", sa.Uuid(), nullable=False),
        sa.Column("state_id", sa.Uuid(), nullable=False),
        sa.Column("board_id", sa.Uuid(), nullable=False),
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["board_id", "column_id"],
            ["work_items.board_columns.board_id", "work_items.board_columns.id"],
            name=op.f("fk_board_column_states_board_id_column_id_board_columns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["project_id", "state_id"],
            ["work_items.states.project_id", "work_items.states.id"],
            name=op.f("fk_board_column_states_project_id_state_id_states"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("column_id", "state_id", name=op.f("pk_board_column_states")),
        sa.UniqueConstraint(
            "board_id", "state_id", name=op.f("uq_board_column_states_board_id_state_id")
        ),
        schema="work_items",
    )
    op.create_index(
        "ix_board_column_states_state_id",
        "board_column_states",
        ["state_id"],
        unique=False,
        schema="work_items",
    )
    op.add_column(
        "issues",
        sa.Column("rank", sa.String(length=64, collation="C"), nullable=True),
        schema="work_items",
    )
    # Fixed-width decimal digits (base-36 digits too) ending in 1: valid, ordered, unique.
    op.execute(
        "UPDATE work_items.issues SET rank = numbered.rank FROM ("
        " SELECT id, lpad(row_number() OVER (PARTITION BY project_id ORDER BY position, id)::text,"
        " 12, '0') || '1' AS rank FROM work_items.issues) AS numbered"
        " WHERE issues.id = numbered.id"
    )
    op.alter_column("issues", "rank", nullable=False, schema="work_items")
    op.create_check_constraint(
        op.f("ck_issues_rank_format"), "issues", "rank ~ '^[0-9a-z]*[1-9a-z]$'", schema="work_items"
    )
    op.create_index(
        "ix_issues_project_id_state_id_rank_id",
        "issues",
        ["project_id", "state_id", "rank", "id"],
        unique=False,
        schema="work_items",
    )
    op.create_unique_constraint(
        op.f("uq_issues_project_id_rank"),
        "issues",
        ["project_id", "rank"],
        deferrable=True,
        initially="DEFERRED",
        schema="work_items",
    )


def downgrade() -> None:
    op.drop_constraint(op.f("ck_issues_rank_format"), "issues", schema="work_items", type_="check")
    op.drop_constraint(
        op.f("uq_issues_project_id_rank"), "issues", schema="work_items", type_="unique"
    )
    op.drop_index("ix_issues_project_id_state_id_rank_id", table_name="issues", schema="work_items")
    op.drop_column("issues", "rank", schema="work_items")
    op.drop_index(
        "ix_board_column_states_state_id", table_name="board_column_states", schema="work_items"
    )
    op.drop_table("board_column_states", schema="work_items")
    op.drop_index(
        "uq_board_columns_board_id_lower_name", table_name="board_columns", schema="work_items"
    )
    op.drop_table("board_columns", schema="work_items")
    op.drop_index("uq_boards_project_id_lower_name", table_name="boards", schema="work_items")
    op.drop_index(
        "ix_boards_workspace_id_project_id_name_id", table_name="boards", schema="work_items"
    )
    op.drop_index("ix_boards_label_id", table_name="boards", schema="work_items")
    op.drop_table("boards", schema="work_items")
