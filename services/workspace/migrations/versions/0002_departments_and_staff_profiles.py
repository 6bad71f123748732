"""Departments and staff profiles.

Departments (a tree of at most five levels), the project memberships their managers are
granted (auto-sync), staff profiles and their transfers; project memberships learn who
made them (`source`), and projects' `department_id` becomes a foreign key.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 00:47:21.309386
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "departments",
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("short_name", sa.String(length=10), nullable=False),
        sa.Column("dept_code", sa.String(length=4), nullable=False),
        sa.Column("parent_id", sa.Uuid(), nullable=True),
        sa.Column("level", sa.SmallInteger(), nullable=False),
        sa.Column("manager_id", sa.Uuid(), nullable=True),
        sa.Column("linked_project_id", sa.Uuid(), nullable=True),
        sa.Column("is_active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
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
            "code ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,19}$'", name=op.f("ck_departments_code_format")
        ),
        sa.CheckConstraint(
            "dept_code ~ '^[0-9]{4}$'", name=op.f("ck_departments_dept_code_format")
        ),
        sa.CheckConstraint(
            "short_name ~ '^[A-Z0-9]{1,10}$'", name=op.f("ck_departments_short_name_format")
        ),
        sa.CheckConstraint(
            "(parent_id IS NULL) = (level = 1)", name=op.f("ck_departments_roots_are_level_one")
        ),
        sa.CheckConstraint(
            "char_length(btrim(name)) > 0", name=op.f("ck_departments_name_not_blank")
        ),
        sa.CheckConstraint("level BETWEEN 1 AND 5", name=op.f("ck_departments_level_in_range")),
        sa.CheckConstraint("parent_id <> id", name=op.f("ck_departments_not_own_parent")),
        sa.CheckConstraint("version >= 0", name=op.f("ck_departments_version_not_negative")),
        sa.ForeignKeyConstraint(
            ["workspace_id", "linked_project_id"],
            ["workspace.projects.workspace_id", "workspace.projects.id"],
            name=op.f("fk_departments_workspace_id_linked_project_id_projects"),
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id", "manager_id"],
            ["workspace.memberships.workspace_id", "workspace.memberships.user_id"],
            name=op.f("fk_departments_workspace_id_manager_id_memberships"),
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id", "parent_id"],
            ["workspace.departments.workspace_id", "workspace.departments.id"],
            name=op.f("fk_departments_workspace_id_parent_id_departments"),
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.workspaces.id"],
            name=op.f("fk_departments_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_departments")),
        sa.UniqueConstraint("workspace_id", "id", name=op.f("uq_departments_workspace_id_id")),
        schema="workspace",
    )
    op.create_index(
        "ix_departments_linked_project_id",
        "departments",
        ["linked_project_id"],
        unique=False,
        schema="workspace",
    )
    op.create_index(
        "ix_departments_parent_id", "departments", ["parent_id"], unique=False, schema="workspace"
    )
    op.create_index(
        "ix_departments_workspace_id_code_id",
        "departments",
        ["workspace_id", "code", "id"],
        unique=False,
        schema="workspace",
    )
    op.create_index(
        "ix_departments_workspace_id_created_at_id",
        "departments",
        ["workspace_id", "created_at", "id"],
        unique=False,
        schema="workspace",
    )
    op.create_index(
        "ix_departments_workspace_id_manager_id",
        "departments",
        ["workspace_id", "manager_id"],
        unique=False,
        schema="workspace",
    )
    op.create_index(
        "ix_departments_workspace_id_name_id",
        "departments",
        ["workspace_id", "name", "id"],
        unique=False,
        schema="workspace",
    )
    op.create_index(
        "uq_departments_live_workspace_id_dept_code",
        "departments",
        ["workspace_id", "dept_code"],
        unique=True,
        schema="workspace",
        postgresql_where=sa.text("deleted_at IS NULL"),
    )
    op.create_index(
        "uq_departments_live_workspace_id_lower_code",
        "departments",
        ["workspace_id", sa.literal_column("lower(code)")],
        unique=True,
        schema="workspace",
        postgresql_where=sa.text("deleted_at IS NULL"),
    )
    op.create_index(
        "uq_departments_live_workspace_id_short_name",
        "departments",
        ["workspace_id", "short_name"],
        unique=True,
        schema="workspace",
        postgresql_where=sa.text("deleted_at IS NULL"),
    )
    op.create_table(
        "department_project_grants",
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("department_id", sa.Uuid(), nullable=False),
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id", "department_id"],
            ["workspace.departments.workspace_id", "workspace.departments.id"],
            name=op.f("fk_department_project_grants_workspace_id_department_id_departments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id", "project_id"],
            ["workspace.projects.workspace_id", "workspace.projects.id"],
            name=op.f("fk_department_project_grants_workspace_id_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id", "user_id"],
            ["workspace.memberships.workspace_id", "workspace.memberships.user_id"],
            name=op.f("fk_department_project_grants_workspace_id_user_id_memberships"),
        ),
        sa.PrimaryKeyConstraint(
            "project_id", "user_id", "department_id", name=op.f("pk_department_project_grants")
        ),
        schema="workspace",
    )
    op.create_index(
        "ix_department_project_grants_department_id",
        "department_project_grants",
        ["department_id"],
        unique=False,
        schema="workspace",
    )
    op.create_index(
        "ix_department_project_grants_workspace_id_user_id",
        "department_project_grants",
        ["workspace_id", "user_id"],
        unique=False,
        schema="workspace",
    )
    op.create_table(
        "staff_profiles",
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("staff_id", sa.String(length=8), nullable=False),
        sa.Column("department_id", sa.Uuid(), nullable=True),
        sa.Column("position", sa.String(length=200), nullable=True),
        sa.Column("job_grade", sa.String(length=50), nullable=True),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("date_of_joining", sa.Date(), nullable=True),
        sa.Column("date_of_leaving", sa.Date(), nullable=True),
        sa.Column("employment_status", sa.String(length=11), nullable=False),
        sa.Column(
            "is_department_manager", sa.Boolean(), server_default=sa.text("false"), nullable=False
        ),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("leaving_reason", sa.Text(), nullable=True),
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
            "employment_status IN ('active', 'probation', 'resigned', 'suspended', 'transferred')",
            name=op.f("ck_staff_profiles_employment_status_known"),
        ),
        sa.CheckConstraint(
            "phone ~ '^[0-9 +()-]{6,20}$'", name=op.f("ck_staff_profiles_phone_format")
        ),
        sa.CheckConstraint(
            "staff_id ~ '^[A-Z0-9]{1,8}$'", name=op.f("ck_staff_profiles_staff_id_format")
        ),
        sa.CheckConstraint(
            "date_of_joining IS NULL OR date_of_leaving IS NULL"
            " OR date_of_leaving >= date_of_joining",
            name=op.f("ck_staff_profiles_leaves_after_joining"),
        ),
        sa.CheckConstraint("version >= 0", name=op.f("ck_staff_profiles_version_not_negative")),
        sa.ForeignKeyConstraint(
            ["workspace_id", "department_id"],
            ["workspace.departments.workspace_id", "workspace.departments.id"],
            name=op.f("fk_staff_profiles_workspace_id_department_id_departments"),
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id", "user_id"],
            ["workspace.memberships.workspace_id", "workspace.memberships.user_id"],
            name=op.f("fk_staff_profiles_workspace_id_user_id_memberships"),
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.workspaces.id"],
            name=op.f("fk_staff_profiles_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_profiles")),
        sa.UniqueConstraint("workspace_id", "id", name=op.f("uq_staff_profiles_workspace_id_id")),
        schema="workspace",
    )
    op.create_index(
        "ix_staff_profiles_department_id",
        "staff_profiles",
        ["department_id"],
        unique=False,
        schema="workspace",
    )
    op.create_index(
        "ix_staff_profiles_workspace_id_created_at_id",
        "staff_profiles",
        ["workspace_id", "created_at", "id"],
        unique=False,
        schema="workspace",
    )
    op.create_index(
        "ix_staff_profiles_workspace_id_staff_id_id",
        "staff_profiles",
        ["workspace_id", "staff_id", "id"],
        unique=False,
        schema="workspace",
    )
    op.create_index(
        "uq_staff_profiles_live_workspace_id_staff_id",
        "staff_profiles",
        ["workspace_id", "staff_id"],
        unique=True,
        schema="workspace",
        postgresql_where=sa.text("deleted_at IS NULL"),
    )
    op.create_index(
        "uq_staff_profiles_live_workspace_id_user_id",
        "staff_profiles",
        ["workspace_id", "user_id"],
        unique=True,
        schema="workspace",
        postgresql_where=sa.text("deleted_at IS NULL"),
    )
    op.create_table(
        "staff_transfers",
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("staff_profile_id", sa.Uuid(), nullable=False),
        sa.Column("from_department_id", sa.Uuid(), nullable=True),
        sa.Column("to_department_id", sa.Uuid(), nullable=False),
        sa.Column("effective_date", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("actor_id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "from_department_id IS NULL OR from_department_id <> to_department_id",
            name=op.f("ck_staff_transfers_moves_somewhere_else"),
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id", "from_department_id"],
            ["workspace.departments.workspace_id", "workspace.departments.id"],
            name=op.f("fk_staff_transfers_workspace_id_from_department_id_departments"),
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id", "staff_profile_id"],
            ["workspace.staff_profiles.workspace_id", "workspace.staff_profiles.id"],
            name=op.f("fk_staff_transfers_workspace_id_staff_profile_id_staff_profiles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id", "to_department_id"],
            ["workspace.departments.workspace_id", "workspace.departments.id"],
            name=op.f("fk_staff_transfers_workspace_id_to_department_id_departments"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_transfers")),
        schema="workspace",
    )
    op.create_index(
        "ix_staff_transfers_staff_profile_id_created_at_id",
        "staff_transfers",
        ["staff_profile_id", "created_at", "id"],
        unique=False,
        schema="workspace",
    )
    op.add_column(
        "project_memberships",
        sa.Column("source", sa.String(length=10), server_default="manual", nullable=False),
        schema="workspace",
    )
    op.create_check_constraint(
        op.f("ck_project_memberships_source_known"),
        "project_memberships",
        "source IN ('manual', 'department')",
        schema="workspace",
    )
    # Until now nothing checked `department_id`, and no department existed to point at:
    # any value is a dangling reference, which the new foreign key would refuse.
    op.execute("UPDATE workspace.projects SET department_id = NULL WHERE department_id IS NOT NULL")
    op.create_index(
        "ix_projects_department_id", "projects", ["department_id"], unique=False, schema="workspace"
    )
    op.create_foreign_key(
        op.f("fk_projects_workspace_id_department_id_departments"),
        "projects",
        "departments",
        ["workspace_id", "department_id"],
        ["workspace_id", "id"],
        source_schema="workspace",
        referent_schema="workspace",
        use_alter=True,
    )


def downgrade() -> None:
    op.drop_constraint(
        op.f("fk_projects_workspace_id_department_id_departments"),
        "projects",
        schema="workspace",
        type_="foreignkey",
    )
    op.drop_index("ix_projects_department_id", table_name="projects", schema="workspace")
    op.drop_constraint(
        op.f("ck_project_memberships_source_known"),
        "project_memberships",
        schema="workspace",
        type_="check",
    )
    op.drop_column("project_memberships", "source", schema="workspace")
    op.drop_index(
        "ix_staff_transfers_staff_profile_id_created_at_id",
        table_name="staff_transfers",
        schema="workspace",
    )
    op.drop_table("staff_transfers", schema="workspace")
    op.drop_index(
        "uq_staff_profiles_live_workspace_id_user_id",
        table_name="staff_profiles",
        schema="workspace",
        postgresql_where=sa.text("deleted_at IS NULL"),
    )
    op.drop_index(
        "uq_staff_profiles_live_workspace_id_staff_id",
        table_name="staff_profiles",
        schema="workspace",
        postgresql_where=sa.text("deleted_at IS NULL"),
    )
    op.drop_index(
        "ix_staff_profiles_workspace_id_staff_id_id",
        table_name="staff_profiles",
        schema="workspace",
    )
    op.drop_index(
        "ix_staff_profiles_workspace_id_created_at_id",
        table_name="staff_profiles",
        schema="workspace",
    )
    op.drop_index(
        "ix_staff_profiles_department_id", table_name="staff_profiles", schema="workspace"
    )
    op.drop_table("staff_profiles", schema="workspace")
    op.drop_index(
        "ix_department_project_grants_workspace_id_user_id",
        table_name="department_project_grants",
        schema="workspace",
    )
    op.drop_index(
        "ix_department_project_grants_department_id",
        table_name="department_project_grants",
        schema="workspace",
    )
    op.drop_table("department_project_grants", schema="workspace")
    op.drop_index(
        "uq_departments_live_workspace_id_short_name",
        table_name="departments",
        schema="workspace",
        postgresql_where=sa.text("deleted_at IS NULL"),
    )
    op.drop_index(
        "uq_departments_live_workspace_id_lower_code",
        table_name="departments",
        schema="workspace",
        postgresql_where=sa.text("deleted_at IS NULL"),
    )
    op.drop_index(
        "uq_departments_live_workspace_id_dept_code",
        table_name="departments",
        schema="workspace",
        postgresql_where=sa.text("deleted_at IS NULL"),
    )
    op.drop_index(
        "ix_departments_workspace_id_name_id", table_name="departments", schema="workspace"
    )
    op.drop_index(
        "ix_departments_workspace_id_manager_id", table_name="departments", schema="workspace"
    )
    op.drop_index(
        "ix_departments_workspace_id_created_at_id", table_name="departments", schema="workspace"
    )
    op.drop_index(
        "ix_departments_workspace_id_code_id", table_name="departments", schema="workspace"
    )
    op.drop_index("ix_departments_parent_id", table_name="departments", schema="workspace")
    op.drop_index("ix_departments_linked_project_id", table_name="departments", schema="workspace")
    op.drop_table("departments", schema="workspace")
