"""Initial work_items schema.

States, issues (with their assignees and labels), labels, the issue counter of each
project, time entries for logged minutes; the directory projection; outbox, inbox and
idempotency keys.

Revision ID: 0001
Revises:
Create Date: 2026-11-22 01:42:08.917264
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "directory_members",
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("role", sa.Text(), nullable=False),
        sa.Column("email", sa.Text(), nullable=True),
        sa.Column("display_name", sa.Text(), nullable=True),
        sa.Column("removed", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("sequence", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("workspace_id", "user_id", name=op.f("pk_directory_members")),
        schema="work_items",
    )
    op.create_table(
        "directory_project_members",
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("role", sa.Text(), nullable=False),
        sa.Column("hourly_rate", sa.Numeric(), nullable=True),
        sa.Column("removed", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("sequence", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("project_id", "user_id", name=op.f("pk_directory_project_members")),
        schema="work_items",
    )
    op.create_index(
        "ix_directory_project_members_workspace_id_user_id",
        "directory_project_members",
        ["workspace_id", "user_id"],
        unique=False,
        schema="work_items",
    )
    op.create_table(
        "directory_projects",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("identifier", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("is_time_tracking_enabled", sa.Boolean(), nullable=False),
        sa.Column("currency", sa.Text(), nullable=True),
        sa.Column("default_hourly_rate", sa.Numeric(), nullable=True),
        sa.Column("budget_amount", sa.Numeric(), nullable=True),
        sa.Column("budget_hours", sa.Numeric(), nullable=True),
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("sequence", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_directory_projects")),
        schema="work_items",
    )
    op.create_index(
        "ix_directory_projects_workspace_id",
        "directory_projects",
        ["workspace_id"],
        unique=False,
        schema="work_items",
    )
    op.create_table(
        "directory_workspaces",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("slug", sa.Text(), nullable=True),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("timezone", sa.Text(), nullable=True),
        sa.Column("week_start", sa.Text(), nullable=True),
        sa.Column("working_hours_per_day", sa.Numeric(), nullable=True),
        sa.Column("currency", sa.Text(), nullable=True),
        sa.Column("rounding_step_minutes", sa.Integer(), nullable=True),
        sa.Column("rounding_mode", sa.Text(), nullable=True),
        sa.Column("rounding_applies_to", sa.Text(), nullable=True),
        sa.Column("lockdown_date", sa.Date(), nullable=True),
        sa.Column("timesheet_period", sa.Text(), nullable=True),
        sa.Column("deleted", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("sequence", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_directory_workspaces")),
        sa.UniqueConstraint("slug", name=op.f("uq_directory_workspaces_slug")),
        schema="work_items",
    )
    op.create_table(
        "idempotency_keys",
        sa.Column("scope", sa.String(length=300), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("body", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("scope", "key", name=op.f("pk_idempotency_keys")),
        schema="work_items",
    )
    op.create_table(
        "inbox",
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("event_type", sa.String(length=200), nullable=False),
        sa.Column(
            "received_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_inbox")),
        schema="work_items",
    )
    op.create_table(
        "issue_counters",
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("last_sequence_id", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "last_sequence_id >= 0", name=op.f("ck_issue_counters_last_sequence_id_not_negative")
        ),
        sa.PrimaryKeyConstraint("project_id", name=op.f("pk_issue_counters")),
        schema="work_items",
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("event_type", sa.String(length=200), nullable=False),
        sa.Column("envelope", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        schema="work_items",
    )
    op.create_index(
        "ix_outbox_unpublished",
        "outbox",
        ["created_at"],
        unique=False,
        schema="work_items",
        postgresql_where=sa.text("published_at IS NULL"),
    )
    op.create_table(
        "time_entries",
        sa.Column("entry_id", sa.Uuid(), nullable=False),
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("issue_id", sa.Uuid(), nullable=True),
        sa.Column("duration_seconds", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("sequence", sa.BigInteger(), nullable=False),
        sa.CheckConstraint(
            "duration_seconds >= 0", name=op.f("ck_time_entries_duration_not_negative")
        ),
        sa.CheckConstraint("sequence >= 0", name=op.f("ck_time_entries_sequence_not_negative")),
        sa.PrimaryKeyConstraint("entry_id", name=op.f("pk_time_entries")),
        schema="work_items",
    )
    op.create_index(
        "ix_time_entries_issue_id_live",
        "time_entries",
        ["issue_id"],
        unique=False,
        schema="work_items",
        postgresql_where=sa.text("NOT deleted"),
    )
    op.create_table(
        "labels",
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("colour", sa.String(length=7), nullable=False),
        sa.Column("parent_id", sa.Uuid(), nullable=True),
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
        sa.CheckConstraint("colour ~ '^#[0-9A-Fa-f]{6}$'", name=op.f("ck_labels_colour_format")),
        sa.CheckConstraint("char_length(btrim(name)) > 0", name=op.f("ck_labels_name_not_blank")),
        sa.CheckConstraint("parent_id <> id", name=op.f("ck_labels_not_own_parent")),
        sa.ForeignKeyConstraint(
            ["project_id", "parent_id"],
            ["work_items.labels.project_id", "work_items.labels.id"],
            name=op.f("fk_labels_project_id_parent_id_labels"),
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["work_items.issue_counters.project_id"],
            name=op.f("fk_labels_project_id_issue_counters"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_labels")),
        sa.UniqueConstraint("project_id", "id", name=op.f("uq_labels_project_id_id")),
        schema="work_items",
    )
    op.create_index(
        "ix_labels_parent_id", "labels", ["parent_id"], unique=False, schema="work_items"
    )
    op.create_index(
        "ix_labels_workspace_id_project_id_created_at_id",
        "labels",
        ["workspace_id", "project_id", "created_at", "id"],
        unique=False,
        schema="work_items",
    )
    op.create_index(
        "ix_labels_workspace_id_project_id_name_id",
        "labels",
        ["workspace_id", "project_id", "name", "id"],
        unique=False,
        schema="work_items",
    )
    op.create_index(
        "uq_labels_project_id_lower_name",
        "labels",
        ["project_id", sa.literal_column("lower(name)")],
        unique=True,
        schema="work_items",
    )
    op.create_table(
        "states",
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("group", sa.String(length=9), nullable=False),
        sa.Column("colour", sa.String(length=7), nullable=False),
        sa.Column("position", sa.Double(), nullable=False),
        sa.Column("is_default", sa.Boolean(), server_default=sa.text("false"), nullable=False),
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
        sa.CheckConstraint("colour ~ '^#[0-9A-Fa-f]{6}$'", name=op.f("ck_states_colour_format")),
        sa.CheckConstraint(
            "\"group\" IN ('backlog', 'unstarted', 'started', 'completed', 'cancelled')",
            name=op.f("ck_states_group_known"),
        ),
        sa.CheckConstraint("char_length(btrim(name)) > 0", name=op.f("ck_states_name_not_blank")),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["work_items.issue_counters.project_id"],
            name=op.f("fk_states_project_id_issue_counters"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_states")),
        sa.UniqueConstraint("project_id", "id", name=op.f("uq_states_project_id_id")),
        schema="work_items",
    )
    op.create_index(
        "ix_states_workspace_id_project_id_name_id",
        "states",
        ["workspace_id", "project_id", "name", "id"],
        unique=False,
        schema="work_items",
    )
    op.create_index(
        "ix_states_workspace_id_project_id_position_id",
        "states",
        ["workspace_id", "project_id", "position", "id"],
        unique=False,
        schema="work_items",
    )
    op.create_index(
        "uq_states_one_default_per_project",
        "states",
        ["project_id"],
        unique=True,
        schema="work_items",
        postgresql_where=sa.text("is_default"),
    )
    op.create_index(
        "uq_states_project_id_lower_name",
        "states",
        ["project_id", sa.literal_column("lower(name)")],
        unique=True,
        schema="work_items",
    )
    op.create_table(
        "issues",
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("sequence_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column(
            "description_format", sa.String(length=8), server_default="markdown", nullable=False
        ),
        sa.Column("state_id", sa.Uuid(), nullable=False),
        sa.Column("priority", sa.String(length=6), server_default="none", nullable=False),
        sa.Column(
            "priority_rank",
            sa.SmallInteger(),
            sa.Computed(
                "CASE priority WHEN 'none' THEN 0 WHEN 'low' THEN 1 WHEN 'medium' THEN 2"
                " WHEN 'high' THEN 3 WHEN 'urgent' THEN 4 END",
                persisted=True,
            ),
            nullable=False,
        ),
        sa.Column("parent_id", sa.Uuid(), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column(
            "due_date_sort",
            sa.Date(),
            sa.Computed(
                "COALESCE(due_date, DATE '9999-12-31')",
                persisted=True,
            ),
            nullable=False,
        ),
        sa.Column("estimate_minutes", sa.Integer(), nullable=True),
        sa.Column("logged_minutes", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("position", sa.Double(), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column(
            "search_vector",
            postgresql.TSVECTOR(),
            sa.Computed(
                "setweight(to_tsvector('english'::regconfig, title), 'A') || "
                "setweight(to_tsvector('english'::regconfig, coalesce(description, '')), 'B')",
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
            "description_format IN ('markdown', 'html')", name=op.f("ck_issues_format_known")
        ),
        sa.CheckConstraint(
            "priority IN ('none', 'low', 'medium', 'high', 'urgent')",
            name=op.f("ck_issues_priority_known"),
        ),
        sa.CheckConstraint("char_length(btrim(title)) > 0", name=op.f("ck_issues_title_not_blank")),
        sa.CheckConstraint("estimate_minutes >= 0", name=op.f("ck_issues_estimate_not_negative")),
        sa.CheckConstraint(
            "logged_minutes >= 0", name=op.f("ck_issues_logged_minutes_not_negative")
        ),
        sa.CheckConstraint("parent_id <> id", name=op.f("ck_issues_not_own_parent")),
        sa.CheckConstraint("sequence_id >= 1", name=op.f("ck_issues_sequence_id_positive")),
        sa.CheckConstraint(
            "start_date IS NULL OR due_date IS NULL OR start_date <= due_date",
            name=op.f("ck_issues_due_after_start"),
        ),
        sa.CheckConstraint("version >= 0", name=op.f("ck_issues_version_not_negative")),
        sa.ForeignKeyConstraint(
            ["project_id", "parent_id"],
            ["work_items.issues.project_id", "work_items.issues.id"],
            name=op.f("fk_issues_project_id_parent_id_issues"),
        ),
        sa.ForeignKeyConstraint(
            ["project_id", "state_id"],
            ["work_items.states.project_id", "work_items.states.id"],
            name=op.f("fk_issues_project_id_state_id_states"),
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["work_items.issue_counters.project_id"],
            name=op.f("fk_issues_project_id_issue_counters"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issues")),
        sa.UniqueConstraint("project_id", "id", name=op.f("uq_issues_project_id_id")),
        sa.UniqueConstraint(
            "project_id", "sequence_id", name=op.f("uq_issues_project_id_sequence_id")
        ),
        schema="work_items",
    )
    op.create_index(
        "ix_issues_parent_id", "issues", ["parent_id"], unique=False, schema="work_items"
    )
    op.create_index(
        "ix_issues_project_id_state_id",
        "issues",
        ["project_id", "state_id"],
        unique=False,
        schema="work_items",
    )
    op.create_index(
        "ix_issues_search_vector",
        "issues",
        ["search_vector"],
        unique=False,
        schema="work_items",
        postgresql_using="gin",
    )
    op.create_index(
        "ix_issues_workspace_id_project_id_created_at_id",
        "issues",
        ["workspace_id", "project_id", "created_at", "id"],
        unique=False,
        schema="work_items",
    )
    op.create_index(
        "ix_issues_workspace_id_project_id_due_date_sort_id",
        "issues",
        ["workspace_id", "project_id", "due_date_sort", "id"],
        unique=False,
        schema="work_items",
    )
    op.create_index(
        "ix_issues_workspace_id_project_id_position_id",
        "issues",
        ["workspace_id", "project_id", "position", "id"],
        unique=False,
        schema="work_items",
    )
    op.create_index(
        "ix_issues_workspace_id_project_id_priority_rank_id",
        "issues",
        ["workspace_id", "project_id", "priority_rank", "id"],
        unique=False,
        schema="work_items",
    )
    op.create_index(
        "ix_issues_workspace_id_project_id_updated_at_id",
        "issues",
        ["workspace_id", "project_id", "updated_at", "id"],
        unique=False,
        schema="work_items",
    )
    op.create_table(
        "issue_assignees",
        sa.Column("issue_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["issue_id"],
            ["work_items.issues.id"],
            name=op.f("fk_issue_assignees_issue_id_issues"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("issue_id", "user_id", name=op.f("pk_issue_assignees")),
        schema="work_items",
    )
    op.create_index(
        "ix_issue_assignees_user_id",
        "issue_assignees",
        ["user_id"],
        unique=False,
        schema="work_items",
    )
    op.create_table(
        "issue_labels",
        sa.Column("issue_id", sa.Uuid(), nullable=False),
        sa.Column("label_id", sa.Uuid(), nullable=False),
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id", "issue_id"],
            ["work_items.issues.project_id", "work_items.issues.id"],
            name=op.f("fk_issue_labels_project_id_issue_id_issues"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["project_id", "label_id"],
            ["work_items.labels.project_id", "work_items.labels.id"],
            name=op.f("fk_issue_labels_project_id_label_id_labels"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("issue_id", "label_id", name=op.f("pk_issue_labels")),
        schema="work_items",
    )
    op.create_index(
        "ix_issue_labels_label_id", "issue_labels", ["label_id"], unique=False, schema="work_items"
    )


def downgrade() -> None:
    op.drop_index("ix_issue_labels_label_id", table_name="issue_labels", schema="work_items")
    op.drop_table("issue_labels", schema="work_items")
    op.drop_index("ix_issue_assignees_user_id", table_name="issue_assignees", schema="work_items")
    op.drop_table("issue_assignees", schema="work_items")
    op.drop_index(
        "ix_issues_workspace_id_project_id_updated_at_id", table_name="issues", schema="work_items"
    )
    op.drop_index(
        "ix_issues_workspace_id_project_id_priority_rank_id",
        table_name="issues",
        schema="work_items",
    )
    op.drop_index(
        "ix_issues_workspace_id_project_id_position_id", table_name="issues", schema="work_items"
    )
    op.drop_index(
        "ix_issues_workspace_id_project_id_due_date_sort_id",
        table_name="issues",
        schema="work_items",
    )
    op.drop_index(
        "ix_issues_workspace_id_project_id_created_at_id", table_name="issues", schema="work_items"
    )
    op.drop_index(
        "ix_issues_search_vector", table_name="issues", schema="work_items", postgresql_using="gin"
    )
    op.drop_index("ix_issues_project_id_state_id", table_name="issues", schema="work_items")
    op.drop_index("ix_issues_parent_id", table_name="issues", schema="work_items")
    op.drop_table("issues", schema="work_items")
    op.drop_index("uq_states_project_id_lower_name", table_name="states", schema="work_items")
    op.drop_index(
        "uq_states_one_default_per_project",
        table_name="states",
        schema="work_items",
        postgresql_where=sa.text("is_default"),
    )
    op.drop_index(
        "ix_states_workspace_id_project_id_position_id", table_name="states", schema="work_items"
    )
    op.drop_index(
        "ix_states_workspace_id_project_id_name_id", table_name="states", schema="work_items"
    )
    op.drop_table("states", schema="work_items")
    op.drop_index("uq_labels_project_id_lower_name", table_name="labels", schema="work_items")
    op.drop_index(
        "ix_labels_workspace_id_project_id_name_id", table_name="labels", schema="work_items"
    )
    op.drop_index(
        "ix_labels_workspace_id_project_id_created_at_id", table_name="labels", schema="work_items"
    )
    op.drop_index("ix_labels_parent_id", table_name="labels", schema="work_items")
    op.drop_table("labels", schema="work_items")
    op.drop_index(
        "ix_time_entries_issue_id_live",
        table_name="time_entries",
        schema="work_items",
        postgresql_where=sa.text("NOT deleted"),
    )
    op.drop_table("time_entries", schema="work_items")
    op.drop_index(
        "ix_outbox_unpublished",
        table_name="outbox",
        schema="work_items",
        postgresql_where=sa.text("published_at IS NULL"),
    )
    op.drop_table("outbox", schema="work_items")
    op.drop_table("issue_counters", schema="work_items")
    op.drop_table("inbox", schema="work_items")
    op.drop_table("idempotency_keys", schema="work_items")
    op.drop_table("directory_workspaces", schema="work_items")
    op.drop_index(
        "ix_directory_projects_workspace_id", table_name="directory_projects", schema="work_items"
    )
    op.drop_table("directory_projects", schema="work_items")
    op.drop_index(
        "ix_directory_project_members_workspace_id_user_id",
        table_name="directory_project_members",
        schema="work_items",
    )
    op.drop_table("directory_project_members", schema="work_items")
    op.drop_table("directory_members", schema="work_items")
