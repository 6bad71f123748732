"""Workspaces, their memberships and invitations."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    Index,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from worksync.common.db import IdMixin, TimestampMixin, one_of
from worksync.common.roles import WorkspaceRole
from worksync.workspace.enums import InvitationRole, TimesheetPeriod, WeekStart
from worksync.workspace.models.base import (
    CURRENCY_PATTERN,
    SLUG_MAX_LENGTH,
    SLUG_MIN_LENGTH,
    SLUG_PATTERN,
    Base,
    RoundingColumns,
    rounding_checks,
    version_column,
    workspace_key,
)


class Workspace(IdMixin, TimestampMixin, RoundingColumns, Base):
    """An organisation. Deleting one only marks it; its slug is never given out again. Its
    rounding rule (`RoundingColumns`) rounds its projects' time unless a project has its own."""

    __tablename__ = "workspaces"

    slug: Mapped[str] = mapped_column(String(SLUG_MAX_LENGTH), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str | None] = mapped_column(Text)
    # The primary owner; passes to another owner when this one stops being one.
    owner_id: Mapped[UUID]
    timezone: Mapped[str] = mapped_column(String(64), default="UTC", server_default="UTC")
    week_start: Mapped[str] = mapped_column(
        String(9), default=WeekStart.MONDAY, server_default=WeekStart.MONDAY.value
    )
    working_hours_per_day: Mapped[Decimal] = mapped_column(
        Numeric(4, 2), default=Decimal("8.00"), server_default="8"
    )
    currency: Mapped[str] = mapped_column(String(3), default="USD", server_default="USD")
    # Time on or before this date is locked against changes.
    lockdown_date: Mapped[date | None] = mapped_column(Date)
    timesheet_period: Mapped[str] = mapped_column(
        String(8), default=TimesheetPeriod.WEEKLY, server_default=TimesheetPeriod.WEEKLY.value
    )
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The sequence of this workspace's events: the recorder bumps it with each one.
    version: Mapped[int] = version_column()

    __table_args__ = (
        CheckConstraint(f"slug ~ '{SLUG_PATTERN}'", name="slug_format"),
        CheckConstraint(
            f"char_length(slug) BETWEEN {SLUG_MIN_LENGTH} AND {SLUG_MAX_LENGTH}",
            name="slug_length",
        ),
        CheckConstraint("char_length(btrim(name)) > 0", name="name_not_blank"),
        CheckConstraint(one_of("week_start", WeekStart), name="week_start_known"),
        CheckConstraint(
            "working_hours_per_day > 0 AND working_hours_per_day <= 24",
            name="working_hours_in_a_day",
        ),
        CheckConstraint(f"currency ~ '{CURRENCY_PATTERN}'", name="currency_format"),
        *rounding_checks(),
        CheckConstraint(one_of("timesheet_period", TimesheetPeriod), name="timesheet_period_known"),
    )


class Membership(IdMixin, TimestampMixin, Base):
    """A user's membership of a workspace. Never deleted: leaving sets `removed_at` and
    rejoining revives the row, so the row's `version` (its events' sequence) only grows."""

    __tablename__ = "memberships"

    workspace_id: Mapped[UUID] = workspace_key()
    user_id: Mapped[UUID]
    role: Mapped[str] = mapped_column(String(6))
    # Copied from the users projection (or the caller's token) for lists and events.
    email: Mapped[str] = mapped_column(String(320))
    display_name: Mapped[str] = mapped_column(String(100))
    joined_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    removed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = version_column()

    __table_args__ = (
        UniqueConstraint("workspace_id", "user_id"),
        Index("ix_memberships_user_id", "user_id"),
        Index("ix_memberships_workspace_id_display_name_id", "workspace_id", "display_name", "id"),
        Index("ix_memberships_workspace_id_joined_at_id", "workspace_id", "joined_at", "id"),
        CheckConstraint(one_of("role", WorkspaceRole), name="role_known"),
    )


class Invitation(IdMixin, Base):
    """An invitation to join by email; only the SHA-256 digest of its token is kept."""

    __tablename__ = "invitations"

    workspace_id: Mapped[UUID] = workspace_key()
    email: Mapped[str] = mapped_column(String(320))
    role: Mapped[str] = mapped_column(String(6))
    token_hash: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    invited_by_id: Mapped[UUID]
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    accepted_by_id: Mapped[UUID | None]
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        # One open invitation per address and workspace (expired ones are revoked when a new
        # one is sent, so they do not block it).
        Index(
            "uq_invitations_open_workspace_id_lower_email",
            "workspace_id",
            func.lower(text("email")),
            unique=True,
            postgresql_where=text("accepted_at IS NULL AND revoked_at IS NULL"),
        ),
        Index("ix_invitations_workspace_id_created_at_id", "workspace_id", "created_at", "id"),
        CheckConstraint(one_of("role", InvitationRole), name="role_known"),
        CheckConstraint("position('@' in email) > 1", name="email_has_local_part"),
        CheckConstraint("accepted_at IS NULL OR revoked_at IS NULL", name="accepted_or_revoked"),
        CheckConstraint(
            "(accepted_at IS NULL) = (accepted_by_id IS NULL)", name="accepted_by_someone"
        ),
    )
