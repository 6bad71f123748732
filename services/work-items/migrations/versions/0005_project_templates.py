"""Project templates: phases, tasks and their dependencies.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 13:46:59.410291
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "project_templates",
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("category", sa.String(length=100), nullable=True),
        sa.Column("usage_count", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=False),
        sa.Column(
            "search_vector",
            postgresql.TSVECTOR(),
            sa.Computed(
                "setweight(to_tsvector('english'::regconfig, name), 'A') || "
                "setweight(to_tsvector('english'::regconfig, coalesce(category, '')), 'B') || "
                "setweight(to_tsvector('english'::regconfig, coalesce(description, '')), 'C')",
                persisted=True,
            ),
            nullable=False,
        ),
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
            "char_length(btrim(name)) > 0", name=op.f("ck_project_templates_name_not_blank")
        ),
        sa.CheckConstraint(
            "usage_count >= 0", name=op.f("ck_project_templates_usage_count_not_negative")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_templates")),
        schema="work_items",
    )
    op.create_index(
        "ix_project_templates_search_vector",
        "project_templates",
        ["search_vector"],
        unique=False,
        schema="work_items",
        postgresql_using="gin",
    )
    op.create_index(
        "ix_project_templates_workspace_id_category",
        "project_templates",
        ["workspace_id", "category"],
        unique=False,
        schema="work_items",
    )
    op.create_index(
        "ix_project_templates_workspace_id_name_id",
        "project_templates",
        ["workspace_id", "name", "id"],
        unique=False,
        schema="work_items",
    )
    op.create_index(
        "uq_project_templates_workspace_id_lower_name",
        "project_templates",
        ["workspace_id", sa.literal_column("lower(name)")],
        unique=True,
        schema="work_items",
    )
    op.create_table(
        "template_phases",
        sa.Column("template_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint("position >= 0", name=op.f("ck_template_phases_position_not_negative")),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["work_items.project_templates.id"],
            name=op.f("fk_template_phases_template_id_project_templates"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_template_phases")),
        sa.UniqueConstraint("template_id", "id", name=op.f("uq_template_phases_template_id_id")),
        sa.UniqueConstraint(
            "template_id", "position", name=op.f("uq_template_phases_template_id_position")
        ),
        schema="work_items",
    )
    op.create_table(
        "template_tasks",
        sa.Column("template_id", sa.Uuid(), nullable=False),
        sa.Column("phase_id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.String(length=50), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("estimate_minutes", sa.Integer(), nullable=True),
        sa.Column(
            "skills",
            postgresql.ARRAY(sa.String(length=50)),
            server_default=sa.text("'{}'"),
            nullable=False,
        ),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "estimate_minutes >= 0", name=op.f("ck_template_tasks_estimate_not_negative")
        ),
        sa.CheckConstraint("position >= 0", name=op.f("ck_template_tasks_position_not_negative")),
        sa.ForeignKeyConstraint(
            ["template_id", "phase_id"],
            ["work_items.template_phases.template_id", "work_items.template_phases.id"],
            name=op.f("fk_template_tasks_template_id_phase_id_template_phases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_template_tasks")),
        sa.UniqueConstraint(
            "phase_id", "position", name=op.f("uq_template_tasks_phase_id_position")
        ),
        sa.UniqueConstraint("template_id", "id", name=op.f("uq_template_tasks_template_id_id")),
        sa.UniqueConstraint("template_id", "key", name=op.f("uq_template_tasks_template_id_key")),
        schema="work_items",
    )
    op.create_table(
        "template_dependencies",
        sa.Column("task_id", sa.Uuid(), nullable=False),
        sa.Column("depends_on_id", sa.Uuid(), nullable=False),
        sa.Column("template_id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "task_id <> depends_on_id", name=op.f("ck_template_dependencies_not_on_itself")
        ),
        sa.ForeignKeyConstraint(
            ["template_id", "depends_on_id"],
            ["work_items.template_tasks.template_id", "work_items.template_tasks.id"],
            name=op.f("fk_template_dependencies_template_id_depends_on_id_template_tasks"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["template_id", "task_id"],
            ["work_items.template_tasks.template_id", "work_items.template_tasks.id"],
            name=op.f("fk_template_dependencies_template_id_task_id_template_tasks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("task_id", "depends_on_id", name=op.f("pk_template_dependencies")),
        schema="work_items",
    )
    op.create_index(
        "ix_template_dependencies_template_id",
        "template_dependencies",
        ["template_id"],
        unique=False,
        schema="work_items",
    )


def downgrade() -> None:
    op.drop_index(
        "ix_template_dependencies_template_id",
        table_name="template_dependencies",
        schema="work_items",
    )
    op.drop_table("template_dependencies", schema="work_items")
    op.drop_table("template_tasks", schema="work_items")
    op.drop_table("template_phases", schema="work_items")
    op.drop_index(
        "uq_project_templates_workspace_id_lower_name",
        table_name="project_templates",
        schema="work_items",
    )
    op.drop_index(
        "ix_project_templates_workspace_id_name_id",
        table_name="project_templates",
        schema="work_items",
    )
    op.drop_index(
        "ix_project_templates_workspace_id_category",
        table_name="project_templates",
        schema="work_items",
    )
    op.drop_index(
        "ix_project_templates_search_vector",
        table_name="project_templates",
        schema="work_items",
        postgresql_using="gin",
    )
    op.drop_table("project_templates", schema="work_items")
