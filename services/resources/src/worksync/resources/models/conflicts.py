"""Over-allocations: intervals where a member's allocations exceed their capacity."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from sqlalchemy import (
    Date,
    DateTime,
    Integer,
    Numeric,
    String,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.schema import CheckConstraint, ForeignKey, Index, UniqueConstraint

from worksync.common.db import IdMixin
from worksync.resources.models.base import Base


class ConflictStatus(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"
    IGNORED = "ignored"


class Conflict(IdMixin, Base):
    __tablename__ = "conflicts"

    workspace_id: Mapped[UUID]
    user_id: Mapped[UUID]
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    capacity_hours_per_week: Mapped[Decimal] = mapped_column(Numeric(8, 2))
    allocated_hours_per_week: Mapped[Decimal] = mapped_column(Numeric(8, 2))
    # Null when the capacity is zero (time off on every working day of the interval).
    over_allocation_percent: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    status: Mapped[str] = mapped_column(String(8), default=ConflictStatus.OPEN)
    detected_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolved_by_id: Mapped[UUID | None]
    ignored_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ignored_by_id: Mapped[UUID | None]
    version: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))

    __table_args__ = (
        UniqueConstraint("workspace_id", "id"),
        # A member's conflicts: reconciliation, and lists filtered by member.
        Index(
            "ix_conflicts_workspace_id_user_id_start_date_id",
            "workspace_id",
            "user_id",
            "start_date",
            "id",
        ),
        Index("ix_conflicts_workspace_id_start_date_id", "workspace_id", "start_date", "id"),
        Index("ix_conflicts_workspace_id_detected_at_id", "workspace_id", "detected_at", "id"),
        CheckConstraint("status IN ('open', 'resolved', 'ignored')", name="status_known"),
        CheckConstraint("end_date >= start_date", name="ends_after_start"),
        CheckConstraint("capacity_hours_per_week >= 0", name="capacity_not_negative"),
        CheckConstraint("allocated_hours_per_week > capacity_hours_per_week", name="over_capacity"),
        CheckConstraint(
            "(capacity_hours_per_week = 0) = (over_allocation_percent IS NULL)",
            name="percent_unless_no_capacity",
        ),
        CheckConstraint(
            "(status = 'resolved') = (resolved_at IS NOT NULL)", name="resolved_when_resolved"
        ),
        CheckConstraint(
            "status <> 'ignored' OR ignored_at IS NOT NULL", name="ignored_when_ignored"
        ),
        CheckConstraint("version >= 0", name="version_not_negative"),
    )


class ConflictAllocation(Base):
    """The allocations a conflict is made of. `allocation_id` has no foreign key on
    purpose: resolved conflicts keep naming the allocations they were about after those
    are deleted (history)."""

    __tablename__ = "conflict_allocations"

    conflict_id: Mapped[UUID] = mapped_column(
        ForeignKey("conflicts.id", ondelete="CASCADE"), primary_key=True
    )
    allocation_id: Mapped[UUID] = mapped_column(primary_key=True)

    __table_args__ = (Index("ix_conflict_allocations_allocation_id", "allocation_id"),)
