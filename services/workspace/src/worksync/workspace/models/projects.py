"""Projects, their memberships, and the clients and categories projects refer to."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKeyConstraint,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    false,
    func,
    text,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from worksync.common.db import IdMixin, TimestampMixin, one_of
from worksync.common.roles import ProjectRole, ProjectVisibility
from worksync.workspace.enums import ProjectMembershipSource, ProjectPriority, ProjectStatus
from worksync.workspace.models.base import (
    CURRENCY_PATTERN,
    DEPARTMENT_KEY,
    IDENTIFIER_PATTERN,
    MEMBERSHIP_KEY,
    PROJECT_KEY,
    ROUNDING_PLACES_UNSET,
    Base,
    RoundingColumns,
    rounding_checks,
    version_column,
    workspace_key,
)


class Client(IdMixin, TimestampMixin, Base):
    __tablename__ = "clients"

    workspace_id: Mapped[UUID] = workspace_key()
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    # The sequence of its `workspace.client.*` events.
    version: Mapped[int] = version_column()

    __table_args__ = (
        UniqueConstraint("workspace_id", "id"),
        Index(
            "uq_clients_workspace_id_lower_name",
            "workspace_id",
            func.lower(text("name")),
            unique=True,
        ),
        Index("ix_clients_workspace_id_name_id", "workspace_id", "name", "id"),
        CheckConstraint("char_length(btrim(name)) > 0", name="name_not_blank"),
    )


class ProjectCategory(IdMixin, TimestampMixin, Base):
    __tablename__ = "project_categories"

    workspace_id: Mapped[UUID] = workspace_key()
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str | None] = mapped_column(Text)
    # No event records a category: its service bumps this with each change (the ETag).
    version: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"))

    __table_args__ = (
        UniqueConstraint("workspace_id", "id"),
        Index(
            "uq_project_categories_workspace_id_lower_name",
            "workspace_id",
            func.lower(text("name")),
            unique=True,
        ),
        Index("ix_project_categories_workspace_id_name_id", "workspace_id", "name", "id"),
        CheckConstraint("char_length(btrim(name)) > 0", name="name_not_blank"),
    )


class Project(IdMixin, TimestampMixin, RoundingColumns, Base):
    """A project. Deleting one only marks it, which frees its identifier. Its rounding rule
    (`RoundingColumns`) counts only when `rounding_overridden`; else the workspace's does."""

    __tablename__ = "projects"

    workspace_id: Mapped[UUID] = workspace_key()
    identifier: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(9))
    priority: Mapped[str] = mapped_column(String(8))
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    budget_amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    budget_hours: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    currency: Mapped[str] = mapped_column(String(3))
    default_hourly_rate: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    lead_id: Mapped[UUID | None]
    client_id: Mapped[UUID | None]
    category_id: Mapped[UUID | None]
    is_time_tracking_enabled: Mapped[bool] = mapped_column(
        Boolean, default=True, server_default=true()
    )
    visibility: Mapped[str] = mapped_column(
        String(7), default=ProjectVisibility.PUBLIC, server_default=ProjectVisibility.PUBLIC.value
    )
    # The department the project belongs to (descriptive; auto-sync follows the
    # departments' `linked_project_id` instead).
    department_id: Mapped[UUID | None]
    created_by_id: Mapped[UUID]
    rounding_overridden: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    archived_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = version_column()

    __table_args__ = (
        UniqueConstraint("workspace_id", "id"),
        *rounding_checks(),
        CheckConstraint(
            f"rounding_overridden OR ({ROUNDING_PLACES_UNSET})",
            name="rounding_only_when_overridden",
        ),
        ForeignKeyConstraint(["workspace_id", "lead_id"], MEMBERSHIP_KEY),
        ForeignKeyConstraint(["workspace_id", "client_id"], ["clients.workspace_id", "clients.id"]),
        ForeignKeyConstraint(
            ["workspace_id", "category_id"],
            ["project_categories.workspace_id", "project_categories.id"],
        ),
        # Departments refer to projects as well; this side is added after both tables exist.
        ForeignKeyConstraint(["workspace_id", "department_id"], DEPARTMENT_KEY, use_alter=True),
        Index(
            "uq_projects_live_workspace_id_identifier",
            "workspace_id",
            "identifier",
            unique=True,
            postgresql_where=text("deleted_at IS NULL"),
        ),
        Index("ix_projects_workspace_id_created_at_id", "workspace_id", "created_at", "id"),
        Index("ix_projects_workspace_id_name_id", "workspace_id", "name", "id"),
        Index("ix_projects_client_id", "client_id"),
        Index("ix_projects_category_id", "category_id"),
        Index("ix_projects_department_id", "department_id"),
        CheckConstraint(f"identifier ~ '{IDENTIFIER_PATTERN}'", name="identifier_format"),
        CheckConstraint("char_length(btrim(name)) > 0", name="name_not_blank"),
        CheckConstraint(one_of("status", ProjectStatus), name="status_known"),
        CheckConstraint(one_of("priority", ProjectPriority), name="priority_known"),
        CheckConstraint(one_of("visibility", ProjectVisibility), name="visibility_known"),
        CheckConstraint(
            "start_date IS NULL OR end_date IS NULL OR end_date >= start_date",
            name="ends_after_start",
        ),
        CheckConstraint("budget_amount >= 0", name="budget_amount_not_negative"),
        CheckConstraint("budget_hours >= 0", name="budget_hours_not_negative"),
        CheckConstraint("default_hourly_rate >= 0", name="default_hourly_rate_not_negative"),
        CheckConstraint(f"currency ~ '{CURRENCY_PATTERN}'", name="currency_format"),
    )


class ProjectMembership(IdMixin, TimestampMixin, Base):
    """A workspace member's membership of a project; like workspace memberships, never
    deleted, so that its `version` keeps rising across removal and re-adding."""

    __tablename__ = "project_memberships"

    workspace_id: Mapped[UUID]
    project_id: Mapped[UUID]
    user_id: Mapped[UUID]
    role: Mapped[str] = mapped_column(String(6))
    source: Mapped[str] = mapped_column(
        String(10),
        default=ProjectMembershipSource.MANUAL,
        server_default=ProjectMembershipSource.MANUAL.value,
    )
    # Overrides the project's default rate for this member.
    hourly_rate: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    joined_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    removed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = version_column()

    __table_args__ = (
        UniqueConstraint("project_id", "user_id"),
        ForeignKeyConstraint(["workspace_id", "project_id"], PROJECT_KEY, ondelete="CASCADE"),
        ForeignKeyConstraint(["workspace_id", "user_id"], MEMBERSHIP_KEY),
        Index("ix_project_memberships_workspace_id_user_id", "workspace_id", "user_id"),
        Index("ix_project_memberships_project_id_joined_at_id", "project_id", "joined_at", "id"),
        CheckConstraint(one_of("role", ProjectRole), name="role_known"),
        CheckConstraint(one_of("source", ProjectMembershipSource), name="source_known"),
        CheckConstraint("hourly_rate >= 0", name="hourly_rate_not_negative"),
    )
