"""Initial workspace schema.

Workspaces, memberships and invitations; projects, project memberships, clients and
project categories; teams, team memberships and project assignments; the users
projection; outbox, inbox and idempotency keys.

Revision ID: 0001
Revises:
Create Date: 2026-11-22 00:28:46.116666
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
        schema="workspace",
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
        schema="workspace",
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
        schema="workspace",
    )
    op.create_index(
        "ix_outbox_unpublished",
        "outbox",
        ["created_at"],
        unique=False,
        schema="workspace",
        postgresql_where=sa.text("published_at IS NULL"),
    )
    op.create_table(
        "users",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("display_name", sa.String(length=100), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("sequence", sa.BigInteger(), nullable=False),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("sequence >= 0", name=op.f("ck_users_sequence_not_negative")),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_users")),
        schema="workspace",
    )
    op.create_table(
        "workspaces",
        sa.Column("slug", sa.String(length=48), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("timezone", sa.String(length=64), server_default="UTC", nullable=False),
        sa.Column("week_start", sa.String(length=9), server_default="monday", nullable=False),
        sa.Column(
            "working_hours_per_day",
            sa.Numeric(precision=4, scale=2),
            server_default="8",
            nullable=False,
        ),
        sa.Column("currency", sa.String(length=3), server_default="USD", nullable=False),
        sa.Column(
            "rounding_step_minutes", sa.Integer(), server_default=sa.text("0"), nullable=False
        ),
        sa.Column("rounding_mode", sa.String(length=7), server_default="nearest", nullable=False),
        sa.Column(
            "rounding_applies_to", sa.String(length=8), server_default="duration", nullable=False
        ),
        sa.Column("lockdown_date", sa.Date(), nullable=True),
        sa.Column("timesheet_period", sa.String(length=8), server_default="weekly", nullable=False),
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
        sa.CheckConstraint("currency ~ '^[A-Z]{3}$'", name=op.f("ck_workspaces_currency_format")),
        sa.CheckConstraint(
            "rounding_applies_to IN ('begin', 'end', 'duration')",
            name=op.f("ck_workspaces_rounding_applies_to_known"),
        ),
        sa.CheckConstraint(
            "rounding_mode IN ('up', 'down', 'nearest')",
            name=op.f("ck_workspaces_rounding_mode_known"),
        ),
        sa.CheckConstraint(
            "slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'", name=op.f("ck_workspaces_slug_format")
        ),
        sa.CheckConstraint(
            "timesheet_period IN ('weekly', 'biweekly', 'monthly')",
            name=op.f("ck_workspaces_timesheet_period_known"),
        ),
        sa.CheckConstraint(
            "week_start IN ('monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday',"
            " 'sunday')",
            name=op.f("ck_workspaces_week_start_known"),
        ),
        sa.CheckConstraint(
            "char_length(btrim(name)) > 0", name=op.f("ck_workspaces_name_not_blank")
        ),
        sa.CheckConstraint(
            "char_length(slug) BETWEEN 3 AND 48", name=op.f("ck_workspaces_slug_length")
        ),
        sa.CheckConstraint(
            "rounding_step_minutes BETWEEN 0 AND 1440",
            name=op.f("ck_workspaces_rounding_step_within_a_day"),
        ),
        sa.CheckConstraint("version >= 0", name=op.f("ck_workspaces_version_not_negative")),
        sa.CheckConstraint(
            "working_hours_per_day > 0 AND working_hours_per_day <= 24",
            name=op.f("ck_workspaces_working_hours_in_a_day"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workspaces")),
        sa.UniqueConstraint("slug", name=op.f("uq_workspaces_slug")),
        schema="workspace",
    )
    op.create_table(
        "clients",
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
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
        sa.CheckConstraint("char_length(btrim(name)) > 0", name=op.f("ck_clients_name_not_blank")),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.workspaces.id"],
            name=op.f("fk_clients_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clients")),
        sa.UniqueConstraint("workspace_id", "id", name=op.f("uq_clients_workspace_id_id")),
        schema="workspace",
    )
    op.create_index(
        "ix_clients_workspace_id_name_id",
        "clients",
        ["workspace_id", "name", "id"],
        unique=False,
        schema="workspace",
    )
    op.create_index(
        "uq_clients_workspace_id_lower_name",
        "clients",
        ["workspace_id", sa.literal_column("lower(name)")],
        unique=True,
        schema="workspace",
    )
    op.create_table(
        "invitations",
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("role", sa.String(length=6), nullable=False),
        sa.Column("token_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("invited_by_id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("accepted_by_id", sa.Uuid(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "position('@' in email) > 1", name=op.f("ck_invitations_email_has_local_part")
        ),
        sa.CheckConstraint(
            "role IN ('admin', 'member', 'guest')", name=op.f("ck_invitations_role_known")
        ),
        sa.CheckConstraint(
            "(accepted_at IS NULL) = (accepted_by_id IS NULL)",
            name=op.f("ck_invitations_accepted_by_someone"),
        ),
        sa.CheckConstraint(
            "accepted_at IS NULL OR revoked_at IS NULL",
            name=op.f("ck_invitations_accepted_or_revoked"),
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.workspaces.id"],
            name=op.f("fk_invitations_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitations")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_invitations_token_hash")),
        schema="workspace",
    )
    op.create_index(
        "ix_invitations_workspace_id_created_at_id",
        "invitations",
        ["workspace_id", "created_at", "id"],
        unique=False,
        schema="workspace",
    )
    op.create_index(
        "uq_invitations_open_workspace_id_lower_email",
        "invitations",
        ["workspace_id", sa.literal_column("lower(email)")],
        unique=True,
        schema="workspace",
        postgresql_where=sa.text("accepted_at IS NULL AND revoked_at IS NULL"),
    )
    op.create_table(
        "memberships",
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("role", sa.String(length=6), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("display_name", sa.String(length=100), nullable=False),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
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
            "role IN ('owner', 'admin', 'member', 'guest')", name=op.f("ck_memberships_role_known")
        ),
        sa.CheckConstraint("version >= 0", name=op.f("ck_memberships_version_not_negative")),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.workspaces.id"],
            name=op.f("fk_memberships_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_memberships")),
        sa.UniqueConstraint(
            "workspace_id", "user_id", name=op.f("uq_memberships_workspace_id_user_id")
        ),
        schema="workspace",
    )
    op.create_index(
        "ix_memberships_user_id", "memberships", ["user_id"], unique=False, schema="workspace"
    )
    op.create_index(
        "ix_memberships_workspace_id_display_name_id",
        "memberships",
        ["workspace_id", "display_name", "id"],
        unique=False,
        schema="workspace",
    )
    op.create_index(
        "ix_memberships_workspace_id_joined_at_id",
        "memberships",
        ["workspace_id", "joined_at", "id"],
        unique=False,
        schema="workspace",
    )
    op.create_table(
        "project_categories",
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
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
            "char_length(btrim(name)) > 0", name=op.f("ck_project_categories_name_not_blank")
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.workspaces.id"],
            name=op.f("fk_project_categories_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_categories")),
        sa.UniqueConstraint(
            "workspace_id", "id", name=op.f("uq_project_categories_workspace_id_id")
        ),
        schema="workspace",
    )
    op.create_index(
        "ix_project_categories_workspace_id_name_id",
        "project_categories",
        ["workspace_id", "name", "id"],
        unique=False,
        schema="workspace",
    )
    op.create_index(
        "uq_project_categories_workspace_id_lower_name",
        "project_categories",
        ["workspace_id", sa.literal_column("lower(name)")],
        unique=True,
        schema="workspace",
    )
    op.create_table(
        "projects",
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("identifier", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=9), nullable=False),
        sa.Column("priority", sa.String(length=8), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("budget_amount", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("budget_hours", sa.Numeric(precision=10, scale=2), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("default_hourly_rate", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("lead_id", sa.Uuid(), nullable=True),
        sa.Column("client_id", sa.Uuid(), nullable=True),
        sa.Column("category_id", sa.Uuid(), nullable=True),
        sa.Column(
            "is_time_tracking_enabled", sa.Boolean(), server_default=sa.text("true"), nullable=False
        ),
        sa.Column("department_id", sa.Uuid(), nullable=True),
        sa.Column("created_by_id", sa.Uuid(), nullable=False),
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True),
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
        sa.CheckConstraint("currency ~ '^[A-Z]{3}$'", name=op.f("ck_projects_currency_format")),
        sa.CheckConstraint(
            "identifier ~ '^[A-Z]{2,10}$'", name=op.f("ck_projects_identifier_format")
        ),
        sa.CheckConstraint(
            "priority IN ('low', 'medium', 'high', 'critical')",
            name=op.f("ck_projects_priority_known"),
        ),
        sa.CheckConstraint(
            "status IN ('planning', 'active', 'on_hold', 'completed', 'cancelled')",
            name=op.f("ck_projects_status_known"),
        ),
        sa.CheckConstraint(
            "budget_amount >= 0", name=op.f("ck_projects_budget_amount_not_negative")
        ),
        sa.CheckConstraint("budget_hours >= 0", name=op.f("ck_projects_budget_hours_not_negative")),
        sa.CheckConstraint("char_length(btrim(name)) > 0", name=op.f("ck_projects_name_not_blank")),
        sa.CheckConstraint(
            "default_hourly_rate >= 0", name=op.f("ck_projects_default_hourly_rate_not_negative")
        ),
        sa.CheckConstraint(
            "start_date IS NULL OR end_date IS NULL OR end_date >= start_date",
            name=op.f("ck_projects_ends_after_start"),
        ),
        sa.CheckConstraint("version >= 0", name=op.f("ck_projects_version_not_negative")),
        sa.ForeignKeyConstraint(
            ["workspace_id", "category_id"],
            ["workspace.project_categories.workspace_id", "workspace.project_categories.id"],
            name=op.f("fk_projects_workspace_id_category_id_project_categories"),
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id", "client_id"],
            ["workspace.clients.workspace_id", "workspace.clients.id"],
            name=op.f("fk_projects_workspace_id_client_id_clients"),
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id", "lead_id"],
            ["workspace.memberships.workspace_id", "workspace.memberships.user_id"],
            name=op.f("fk_projects_workspace_id_lead_id_memberships"),
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.workspaces.id"],
            name=op.f("fk_projects_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_projects")),
        sa.UniqueConstraint("workspace_id", "id", name=op.f("uq_projects_workspace_id_id")),
        schema="workspace",
    )
    op.create_index(
        "ix_projects_category_id", "projects", ["category_id"], unique=False, schema="workspace"
    )
    op.create_index(
        "ix_projects_client_id", "projects", ["client_id"], unique=False, schema="workspace"
    )
    op.create_index(
        "ix_projects_workspace_id_created_at_id",
        "projects",
        ["workspace_id", "created_at", "id"],
        unique=False,
        schema="workspace",
    )
    op.create_index(
        "ix_projects_workspace_id_name_id",
        "projects",
        ["workspace_id", "name", "id"],
        unique=False,
        schema="workspace",
    )
    op.create_index(
        "uq_projects_live_workspace_id_identifier",
        "projects",
        ["workspace_id", "identifier"],
        unique=True,
        schema="workspace",
        postgresql_where=sa.text("deleted_at IS NULL"),
    )
    op.create_table(
        "teams",
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("lead_id", sa.Uuid(), nullable=True),
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
        sa.CheckConstraint("char_length(btrim(name)) > 0", name=op.f("ck_teams_name_not_blank")),
        sa.CheckConstraint("version >= 0", name=op.f("ck_teams_version_not_negative")),
        sa.ForeignKeyConstraint(
            ["workspace_id", "lead_id"],
            ["workspace.memberships.workspace_id", "workspace.memberships.user_id"],
            name=op.f("fk_teams_workspace_id_lead_id_memberships"),
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.workspaces.id"],
            name=op.f("fk_teams_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_teams")),
        sa.UniqueConstraint("workspace_id", "id", name=op.f("uq_teams_workspace_id_id")),
        schema="workspace",
    )
    op.create_index(
        "ix_teams_workspace_id_name_id",
        "teams",
        ["workspace_id", "name", "id"],
        unique=False,
        schema="workspace",
    )
    op.create_index(
        "uq_teams_workspace_id_lower_name",
        "teams",
        ["workspace_id", sa.literal_column("lower(name)")],
        unique=True,
        schema="workspace",
    )
    op.create_table(
        "project_memberships",
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("role", sa.String(length=6), nullable=False),
        sa.Column("hourly_rate", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
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
            "role IN ('admin', 'member', 'guest')", name=op.f("ck_project_memberships_role_known")
        ),
        sa.CheckConstraint(
            "hourly_rate >= 0", name=op.f("ck_project_memberships_hourly_rate_not_negative")
        ),
        sa.CheckConstraint(
            "version >= 0", name=op.f("ck_project_memberships_version_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id", "project_id"],
            ["workspace.projects.workspace_id", "workspace.projects.id"],
            name=op.f("fk_project_memberships_workspace_id_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id", "user_id"],
            ["workspace.memberships.workspace_id", "workspace.memberships.user_id"],
            name=op.f("fk_project_memberships_workspace_id_user_id_memberships"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_memberships")),
        sa.UniqueConstraint(
            "project_id", "user_id", name=op.f("uq_project_memberships_project_id_user_id")
        ),
        schema="workspace",
    )
    op.create_index(
        "ix_project_memberships_project_id_joined_at_id",
        "project_memberships",
        ["project_id", "joined_at", "id"],
        unique=False,
        schema="workspace",
    )
    op.create_index(
        "ix_project_memberships_workspace_id_user_id",
        "project_memberships",
        ["workspace_id", "user_id"],
        unique=False,
        schema="workspace",
    )
    op.create_table(
        "project_teams",
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("team_id", sa.Uuid(), nullable=False),
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id", "project_id"],
            ["workspace.projects.workspace_id", "workspace.projects.id"],
            name=op.f("fk_project_teams_workspace_id_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id", "team_id"],
            ["workspace.teams.workspace_id", "workspace.teams.id"],
            name=op.f("fk_project_teams_workspace_id_team_id_teams"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("project_id", "team_id", name=op.f("pk_project_teams")),
        schema="workspace",
    )
    op.create_index(
        "ix_project_teams_team_id", "project_teams", ["team_id"], unique=False, schema="workspace"
    )
    op.create_table(
        "team_memberships",
        sa.Column("team_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("allocation_percent", sa.Integer(), nullable=False),
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
            "allocation_percent BETWEEN 0 AND 100",
            name=op.f("ck_team_memberships_allocation_percent_in_range"),
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id", "team_id"],
            ["workspace.teams.workspace_id", "workspace.teams.id"],
            name=op.f("fk_team_memberships_workspace_id_team_id_teams"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id", "user_id"],
            ["workspace.memberships.workspace_id", "workspace.memberships.user_id"],
            name=op.f("fk_team_memberships_workspace_id_user_id_memberships"),
        ),
        sa.PrimaryKeyConstraint("team_id", "user_id", name=op.f("pk_team_memberships")),
        schema="workspace",
    )
    op.create_index(
        "ix_team_memberships_workspace_id_user_id",
        "team_memberships",
        ["workspace_id", "user_id"],
        unique=False,
        schema="workspace",
    )


def downgrade() -> None:
    op.drop_index(
        "ix_team_memberships_workspace_id_user_id",
        table_name="team_memberships",
        schema="workspace",
    )
    op.drop_table("team_memberships", schema="workspace")
    op.drop_index("ix_project_teams_team_id", table_name="project_teams", schema="workspace")
    op.drop_table("project_teams", schema="workspace")
    op.drop_index(
        "ix_project_memberships_workspace_id_user_id",
        table_name="project_memberships",
        schema="workspace",
    )
    op.drop_index(
        "ix_project_memberships_project_id_joined_at_id",
        table_name="project_memberships",
        schema="workspace",
    )
    op.drop_table("project_memberships", schema="workspace")
    op.drop_index("uq_teams_workspace_id_lower_name", table_name="teams", schema="workspace")
    op.drop_index("ix_teams_workspace_id_name_id", table_name="teams", schema="workspace")
    op.drop_table("teams", schema="workspace")
    op.drop_index(
        "uq_projects_live_workspace_id_identifier",
        table_name="projects",
        schema="workspace",
        postgresql_where=sa.text("deleted_at IS NULL"),
    )
    op.drop_index("ix_projects_workspace_id_name_id", table_name="projects", schema="workspace")
    op.drop_index(
        "ix_projects_workspace_id_created_at_id", table_name="projects", schema="workspace"
    )
    op.drop_index("ix_projects_client_id", table_name="projects", schema="workspace")
    op.drop_index("ix_projects_category_id", table_name="projects", schema="workspace")
    op.drop_table("projects", schema="workspace")
    op.drop_index(
        "uq_project_categories_workspace_id_lower_name",
        table_name="project_categories",
        schema="workspace",
    )
    op.drop_index(
        "ix_project_categories_workspace_id_name_id",
        table_name="project_categories",
        schema="workspace",
    )
    op.drop_table("project_categories", schema="workspace")
    op.drop_index(
        "ix_memberships_workspace_id_joined_at_id", table_name="memberships", schema="workspace"
    )
    op.drop_index(
        "ix_memberships_workspace_id_display_name_id", table_name="memberships", schema="workspace"
    )
    op.drop_index("ix_memberships_user_id", table_name="memberships", schema="workspace")
    op.drop_table("memberships", schema="workspace")
    op.drop_index(
        "uq_invitations_open_workspace_id_lower_email",
        table_name="invitations",
        schema="workspace",
        postgresql_where=sa.text("accepted_at IS NULL AND revoked_at IS NULL"),
    )
    op.drop_index(
        "ix_invitations_workspace_id_created_at_id", table_name="invitations", schema="workspace"
    )
    op.drop_table("invitations", schema="workspace")
    op.drop_index("uq_clients_workspace_id_lower_name", table_name="clients", schema="workspace")
    op.drop_index("ix_clients_workspace_id_name_id", table_name="clients", schema="workspace")
    op.drop_table("clients", schema="workspace")
    op.drop_table("workspaces", schema="workspace")
    op.drop_table("users", schema="workspace")
    op.drop_index(
        "ix_outbox_unpublished",
        table_name="outbox",
        schema="workspace",
        postgresql_where=sa.text("published_at IS NULL"),
    )
    op.drop_table("outbox", schema="workspace")
    op.drop_table("inbox", schema="workspace")
    op.drop_table("idempotency_keys", schema="workspace")
