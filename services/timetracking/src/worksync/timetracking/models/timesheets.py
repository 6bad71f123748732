"""Timesheets (one user's time for one period, with its approval) and the teams projection
that names their approvers besides the workspace's admins."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Index,
    Integer,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from worksync.common.db import IdMixin, TimestampMixin, one_of
from worksync.timetracking.models.base import Base

PENDING_REQUEST_INDEX = "uq_modification_requests_pending_entry_id"


class TimesheetState(StrEnum):
    OPEN = "open"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    # Sent back with a comment: open again for changes and a new submission.
    REJECTED = "rejected"


class Timesheet(IdMixin, TimestampMixin, Base):
    """A user's period, written on its first submission; a period without a row is open."""

    __tablename__ = "timesheets"

    workspace_id: Mapped[UUID] = mapped_column(nullable=False)
    user_id: Mapped[UUID] = mapped_column(nullable=False)
    period_start: Mapped[date] = mapped_column(Date, nullable=False)
    period_end: Mapped[date] = mapped_column(Date, nullable=False)
    state: Mapped[str] = mapped_column(Text, nullable=False)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # The last decision (approve, reject, reopen): who, when, and the comment or reason.
    decided_by: Mapped[UUID | None] = mapped_column(nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False, server_default=text("1"))

    __table_args__ = (
        UniqueConstraint("workspace_id", "user_id", "period_start"),
        CheckConstraint("period_end >= period_start", name="period_in_order"),
        CheckConstraint(one_of("state", TimesheetState), name="state"),
        CheckConstraint(
            "state <> 'rejected' OR (comment IS NOT NULL AND decided_by IS NOT NULL)",
            name="rejected_has_comment",
        ),
        CheckConstraint(
            "state NOT IN ('submitted', 'approved') OR submitted_at IS NOT NULL",
            name="submitted_has_time",
        ),
        CheckConstraint(
            "state <> 'approved' OR (decided_by IS NOT NULL AND decided_by <> user_id)",
            name="approved_by_another",
        ),
        CheckConstraint("version >= 1", name="version_positive"),
        # The approver's queue (by state), and a user's periods (the entry checks).
        Index(
            "ix_timesheets_workspace_id_state_period_start", "workspace_id", "state", "period_start"
        ),
        Index("ix_timesheets_user_id_period_end", "user_id", "period_end"),
    )


class Team(Base):
    """A team of the workspace as its latest applied event described it."""

    __tablename__ = "teams"

    team_id: Mapped[UUID] = mapped_column(primary_key=True)
    workspace_id: Mapped[UUID] = mapped_column(nullable=False)
    lead_id: Mapped[UUID | None] = mapped_column(nullable=True)
    deleted: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default=false())
    sequence: Mapped[int] = mapped_column(BigInteger, nullable=False)

    __table_args__ = (Index("ix_teams_lead_id", "lead_id"),)


class TeamMember(Base):
    """A team membership; its sequence is the team's at the membership's last event."""

    __tablename__ = "team_members"

    team_id: Mapped[UUID] = mapped_column(primary_key=True)
    user_id: Mapped[UUID] = mapped_column(primary_key=True)
    workspace_id: Mapped[UUID] = mapped_column(nullable=False)
    removed: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default=false())
    sequence: Mapped[int] = mapped_column(BigInteger, nullable=False)

    __table_args__ = (Index("ix_team_members_user_id", "user_id"),)


class RequestState(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class RequestAction(StrEnum):
    CHANGE = "change"
    DELETE = "delete"


class ModificationRequest(IdMixin, TimestampMixin, Base):
    """A change (or the deletion) of an entry of an approved timesheet, asked for and then
    accepted (applied) or declined by an approver. `entry_id` names the entry without a
    foreign key: an accepted deletion removes the entry, the request stays as its record."""

    __tablename__ = "modification_requests"

    workspace_id: Mapped[UUID] = mapped_column(nullable=False)
    entry_id: Mapped[UUID] = mapped_column(nullable=False)
    # Whose time it is (the entry's user), and who asked.
    user_id: Mapped[UUID] = mapped_column(nullable=False)
    requested_by: Mapped[UUID] = mapped_column(nullable=False)
    action: Mapped[str] = mapped_column(Text, nullable=False)
    # The entry fields to change, as a PATCH of the entry would give them (JSON).
    changes: Mapped[dict[str, Any]] = mapped_column(
        JSONB, nullable=False, server_default=text("'{}'::jsonb")
    )
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    state: Mapped[str] = mapped_column(Text, nullable=False)
    decided_by: Mapped[UUID | None] = mapped_column(nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False, server_default=text("1"))

    __table_args__ = (
        CheckConstraint(one_of("action", RequestAction), name="action"),
        CheckConstraint(one_of("state", RequestState), name="state"),
        CheckConstraint(
            "(state = 'pending') = (decided_by IS NULL)", name="decided_unless_pending"
        ),
        CheckConstraint("state <> 'declined' OR comment IS NOT NULL", name="declined_has_comment"),
        CheckConstraint("decided_by IS NULL OR decided_by <> user_id", name="decided_by_another"),
        CheckConstraint("version >= 1", name="version_positive"),
        # One pending request per entry.
        Index(
            PENDING_REQUEST_INDEX,
            "entry_id",
            unique=True,
            postgresql_where=text("state = 'pending'"),
        ),
        Index("ix_modification_requests_workspace_id_state", "workspace_id", "state"),
    )
