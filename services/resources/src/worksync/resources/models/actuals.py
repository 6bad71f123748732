"""Actual hours: timetracking's entries, projected per entry and per local day."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Integer,
    false,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.schema import CheckConstraint, ForeignKey, Index

from worksync.resources.models.base import Base


class ActualEntry(Base):
    """The newest state seen of one time entry; a deleted entry stays as a tombstone
    carrying its sequence, so that an older event arriving late changes nothing."""

    __tablename__ = "actual_entries"

    entry_id: Mapped[UUID] = mapped_column(primary_key=True)
    workspace_id: Mapped[UUID]
    user_id: Mapped[UUID]
    project_id: Mapped[UUID]
    deleted: Mapped[bool] = mapped_column(Boolean, server_default=false())
    sequence: Mapped[int] = mapped_column(BigInteger)
    # When this service last applied an event of the entry (the clock at the write, not the
    # transaction's start): how far the projection trails the entry's commit.
    applied_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.clock_timestamp()
    )

    __table_args__ = (CheckConstraint("sequence >= 0", name="sequence_not_negative"),)


class ActualDay(Base):
    """Seconds worked on one entry on one day (the entry's `days`)."""

    __tablename__ = "actual_days"

    entry_id: Mapped[UUID] = mapped_column(
        ForeignKey("actual_entries.entry_id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    seconds: Mapped[int] = mapped_column(Integer)
    workspace_id: Mapped[UUID]
    user_id: Mapped[UUID]
    project_id: Mapped[UUID]

    __table_args__ = (
        # Utilization sums a workspace's users' days.
        Index("ix_actual_days_workspace_id_user_id_day", "workspace_id", "user_id", "day"),
        CheckConstraint("seconds > 0", name="seconds_positive"),
    )
