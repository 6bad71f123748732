"""Initial timetracking schema.

Time entries and breaks with their invariants (one running timer per user, no overlapping
timed entries, shapes and durations), user settings, the issue projection, the directory's
tables, outbox, inbox and idempotency keys.

btree_gist (for `user_id WITH =` in the exclusion constraint) is created in the `public`
schema: it is one per database and may be shared with other services there, so the
downgrade leaves it in place. It is a trusted extension (PostgreSQL 13+); migrations run as
the local `postgres` superuser, or as a role with CREATE on the database and on `public`.

Revision ID: 0001
Revises:
Create Date: 2026-11-22 01:41:44.934639
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from worksync.common.migrations import create_shared_extension

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_shared_extension("btree_gist")
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
        schema="timetracking",
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
        schema="timetracking",
    )
    op.create_index(
        "ix_directory_project_members_workspace_id_user_id",
        "directory_project_members",
        ["workspace_id", "user_id"],
        unique=False,
        schema="timetracking",
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
        schema="timetracking",
    )
    op.create_index(
        "ix_directory_projects_workspace_id",
        "directory_projects",
        ["workspace_id"],
        unique=False,
        schema="timetracking",
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
        schema="timetracking",
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
        schema="timetracking",
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
        schema="timetracking",
    )
    op.create_table(
        "issues",
        sa.Column("issue_id", sa.Uuid(), nullable=False),
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("estimate_minutes", sa.Integer(), nullable=True),
        sa.Column("state_group", sa.Text(), nullable=True),
        sa.Column("deleted", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("sequence", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("issue_id", name=op.f("pk_issues")),
        schema="timetracking",
    )
    op.create_index(
        "ix_issues_project_id", "issues", ["project_id"], unique=False, schema="timetracking"
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
        schema="timetracking",
    )
    op.create_index(
        "ix_outbox_unpublished",
        "outbox",
        ["created_at"],
        unique=False,
        schema="timetracking",
        postgresql_where=sa.text("published_at IS NULL"),
    )
    op.create_table(
        "time_entries",
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("issue_id", sa.Uuid(), nullable=True),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("work_date", sa.Date(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("duration_seconds", sa.Integer(), nullable=True),
        sa.Column("billable", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("hourly_rate", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("currency", sa.Text(), nullable=True),
        sa.Column(
            "tags",
            postgresql.ARRAY(sa.Text()),
            server_default=sa.text("'{}'::text[]"),
            nullable=False,
        ),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("approval_state", sa.Text(), server_default="draft", nullable=False),
        sa.Column("timezone", sa.Text(), nullable=False),
        sa.Column("sort_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
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
            "approval_state IN ('draft')", name=op.f("ck_time_entries_approval_state")
        ),
        sa.CheckConstraint(
            "currency IS NULL OR currency ~ '^[A-Z]{3}$'", name=op.f("ck_time_entries_currency")
        ),
        sa.CheckConstraint(
            "source IN ('timer', 'manual', 'worklog', 'import')",
            name=op.f("ck_time_entries_source"),
        ),
        sa.CheckConstraint(
            "(ended_at IS NULL AND started_at IS NOT NULL) OR COALESCE(duration_seconds, 0) > 0",
            name=op.f("ck_time_entries_finished_has_duration"),
        ),
        sa.CheckConstraint(
            "(started_at IS NULL AND ended_at IS NULL) OR started_at IS NOT NULL",
            name=op.f("ck_time_entries_ends_need_a_start"),
        ),
        sa.CheckConstraint(
            "ended_at IS NULL OR ended_at > started_at",
            name=op.f("ck_time_entries_ends_after_start"),
        ),
        sa.CheckConstraint(
            "hourly_rate IS NULL OR hourly_rate >= 0",
            name=op.f("ck_time_entries_rate_not_negative"),
        ),
        sa.CheckConstraint(
            "started_at IS NULL OR ended_at IS NULL "
            "OR duration_seconds <= EXTRACT(EPOCH FROM ended_at - started_at)",
            name=op.f("ck_time_entries_duration_within_interval"),
        ),
        sa.CheckConstraint("version >= 1", name=op.f("ck_time_entries_version_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_time_entries")),
        schema="timetracking",
    )
    op.create_index(
        "ix_time_entries_issue_id",
        "time_entries",
        ["issue_id"],
        unique=False,
        schema="timetracking",
        postgresql_where=sa.text("issue_id IS NOT NULL"),
    )
    op.create_index(
        "ix_time_entries_workspace_id_project_id_work_date",
        "time_entries",
        ["workspace_id", "project_id", "work_date"],
        unique=False,
        schema="timetracking",
    )
    op.create_index(
        "ix_time_entries_workspace_id_user_id_sort_at",
        "time_entries",
        ["workspace_id", "user_id", "sort_at"],
        unique=False,
        schema="timetracking",
    )
    op.create_index(
        "ix_time_entries_workspace_id_work_date_covering",
        "time_entries",
        ["workspace_id", "work_date"],
        unique=False,
        schema="timetracking",
        postgresql_include=["project_id", "user_id", "duration_seconds", "billable"],
    )
    op.create_index(
        "uq_time_entries_running_timer",
        "time_entries",
        ["user_id"],
        unique=True,
        schema="timetracking",
        postgresql_where=sa.text("ended_at IS NULL AND started_at IS NOT NULL"),
    )
    # After the running-timer index: Postgres checks a row's indexes in creation order, so
    # a second running timer is refused by the index that says so (both would refuse it).
    op.execute(
        "ALTER TABLE timetracking.time_entries ADD CONSTRAINT ex_time_entries_no_overlap "
        "EXCLUDE USING gist (user_id WITH =, "
        "tstzrange(started_at, COALESCE(ended_at, 'infinity'), '[)') WITH &&) "
        "WHERE (started_at IS NOT NULL)"
    )
    op.create_table(
        "user_settings",
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("timezone", sa.Text(), nullable=True),
        sa.Column("default_hourly_rate", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column(
            "default_billable", sa.Boolean(), server_default=sa.text("false"), nullable=False
        ),
        sa.Column(
            "require_description", sa.Boolean(), server_default=sa.text("false"), nullable=False
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "default_hourly_rate IS NULL OR default_hourly_rate >= 0",
            name=op.f("ck_user_settings_rate_not_negative"),
        ),
        sa.PrimaryKeyConstraint("workspace_id", "user_id", name=op.f("pk_user_settings")),
        schema="timetracking",
    )
    op.create_table(
        "breaks",
        sa.Column("entry_id", sa.Uuid(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("is_paid", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "ended_at IS NULL OR ended_at >= started_at", name=op.f("ck_breaks_ends_after_start")
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["timetracking.time_entries.id"],
            name=op.f("fk_breaks_entry_id_time_entries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_breaks")),
        schema="timetracking",
    )
    op.create_index(
        "ix_breaks_entry_id", "breaks", ["entry_id"], unique=False, schema="timetracking"
    )
    op.create_index(
        "uq_breaks_open_break",
        "breaks",
        ["entry_id"],
        unique=True,
        schema="timetracking",
        postgresql_where=sa.text("ended_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index(
        "uq_breaks_open_break",
        table_name="breaks",
        schema="timetracking",
        postgresql_where=sa.text("ended_at IS NULL"),
    )
    op.drop_index("ix_breaks_entry_id", table_name="breaks", schema="timetracking")
    op.drop_table("breaks", schema="timetracking")
    op.drop_table("user_settings", schema="timetracking")
    op.drop_index(
        "uq_time_entries_running_timer",
        table_name="time_entries",
        schema="timetracking",
        postgresql_where=sa.text("ended_at IS NULL AND started_at IS NOT NULL"),
    )
    op.drop_index(
        "ix_time_entries_workspace_id_work_date_covering",
        table_name="time_entries",
        schema="timetracking",
        postgresql_include=["project_id", "user_id", "duration_seconds", "billable"],
    )
    op.drop_index(
        "ix_time_entries_workspace_id_user_id_sort_at",
        table_name="time_entries",
        schema="timetracking",
    )
    op.drop_index(
        "ix_time_entries_workspace_id_project_id_work_date",
        table_name="time_entries",
        schema="timetracking",
    )
    op.drop_index(
        "ix_time_entries_issue_id",
        table_name="time_entries",
        schema="timetracking",
        postgresql_where=sa.text("issue_id IS NOT NULL"),
    )
    op.drop_table("time_entries", schema="timetracking")
    op.drop_index(
        "ix_outbox_unpublished",
        table_name="outbox",
        schema="timetracking",
        postgresql_where=sa.text("published_at IS NULL"),
    )
    op.drop_table("outbox", schema="timetracking")
    op.drop_index("ix_issues_project_id", table_name="issues", schema="timetracking")
    op.drop_table("issues", schema="timetracking")
    op.drop_table("inbox", schema="timetracking")
    op.drop_table("idempotency_keys", schema="timetracking")
    op.drop_table("directory_workspaces", schema="timetracking")
    op.drop_index(
        "ix_directory_projects_workspace_id", table_name="directory_projects", schema="timetracking"
    )
    op.drop_table("directory_projects", schema="timetracking")
    op.drop_index(
        "ix_directory_project_members_workspace_id_user_id",
        table_name="directory_project_members",
        schema="timetracking",
    )
    op.drop_table("directory_project_members", schema="timetracking")
    op.drop_table("directory_members", schema="timetracking")
