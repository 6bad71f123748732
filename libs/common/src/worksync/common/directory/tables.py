"""The directory's tables, created in the consuming service's own schema.

A service declares them on its own metadata, next to its models, so that Alembic
autogenerate puts them into the service's migrations like any other table::

    class Base(Model):
        __abstract__ = True
        metadata = service_metadata("timetracking")

    directory = define_directory_tables(Base.metadata)

Rows are never deleted: a removed membership or a deleted project stays as a tombstone
carrying the sequence (the producer's row version) of the event that removed it, so that an
older event arriving late cannot bring it back. There are no foreign keys between the
tables, because events of different aggregates may arrive in any order (a member may be
added before its workspace is known). Columns the fallback to the workspace API cannot
learn (a workspace's settings, the email of a caller known through `members/me`) stay null
until an event brings them.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Index,
    MetaData,
    Numeric,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    false,
)
from sqlalchemy.dialects.postgresql import JSONB

from worksync.common.roles import ProjectVisibility


@dataclass(frozen=True)
class DirectoryTables:
    workspaces: Table
    members: Table
    projects: Table
    project_members: Table


def _sequence() -> Column[int]:
    return Column("sequence", BigInteger, nullable=False)


def define_directory_tables(metadata: MetaData) -> DirectoryTables:
    workspaces = Table(
        "directory_workspaces",
        metadata,
        Column("id", Uuid, primary_key=True),
        # Null while the slug is unknown: deleted workspaces give theirs up, and a row
        # whose slug another workspace claimed waits for its own rename event.
        Column("slug", Text, nullable=True),
        Column("name", Text, nullable=True),
        Column("timezone", Text, nullable=True),
        Column("week_start", Text, nullable=True),
        Column("working_hours_per_day", Numeric, nullable=True),
        Column("currency", Text, nullable=True),
        # The rounding rule as the events carry it: {"begin", "end", "duration"}, each
        # {"step_minutes", "mode"} or null.
        Column("rounding", JSONB, nullable=True),
        Column("lockdown_date", Date, nullable=True),
        Column("timesheet_period", Text, nullable=True),
        Column("deleted", Boolean, nullable=False, server_default=false()),
        _sequence(),
        UniqueConstraint("slug"),
    )
    members = Table(
        "directory_members",
        metadata,
        Column("workspace_id", Uuid, primary_key=True),
        Column("user_id", Uuid, primary_key=True),
        Column("role", Text, nullable=False),
        Column("email", Text, nullable=True),
        Column("display_name", Text, nullable=True),
        Column("removed", Boolean, nullable=False, server_default=false()),
        _sequence(),
    )
    projects = Table(
        "directory_projects",
        metadata,
        Column("id", Uuid, primary_key=True),
        Column("workspace_id", Uuid, nullable=False),
        Column("identifier", Text, nullable=False),
        Column("name", Text, nullable=False),
        Column("status", Text, nullable=False),
        Column("is_time_tracking_enabled", Boolean, nullable=False),
        # `ProjectVisibility`: public (every member sees it) or private (its members only).
        Column("visibility", Text, nullable=False, server_default=ProjectVisibility.PUBLIC.value),
        Column("currency", Text, nullable=True),
        Column("default_hourly_rate", Numeric, nullable=True),
        Column("budget_amount", Numeric, nullable=True),
        Column("budget_hours", Numeric, nullable=True),
        # Who the project is done for (the workspace's client), for reports by client.
        Column("client_id", Uuid, nullable=True),
        # The project's own rounding rule (shaped as the workspace's); null: it follows
        # the workspace's.
        Column("rounding", JSONB, nullable=True),
        Column("archived_at", DateTime(timezone=True), nullable=True),
        Column("deleted", Boolean, nullable=False, server_default=false()),
        _sequence(),
        # A workspace's projects, for the services' listings.
        Index("ix_directory_projects_workspace_id", "workspace_id"),
    )
    project_members = Table(
        "directory_project_members",
        metadata,
        Column("project_id", Uuid, primary_key=True),
        Column("user_id", Uuid, primary_key=True),
        Column("workspace_id", Uuid, nullable=False),
        Column("role", Text, nullable=False),
        Column("hourly_rate", Numeric, nullable=True),
        Column("removed", Boolean, nullable=False, server_default=false()),
        _sequence(),
        # The projects a user belongs to in a workspace (what a guest may see).
        Index("ix_directory_project_members_workspace_id_user_id", "workspace_id", "user_id"),
    )
    return DirectoryTables(
        workspaces=workspaces,
        members=members,
        projects=projects,
        project_members=project_members,
    )
