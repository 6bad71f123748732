"""Allocations: a member booked on a project for some hours per week between two dates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID

from sqlalchemy import CheckConstraint, Date, Index, Integer, Numeric, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from worksync.common.db import IdMixin, TimestampMixin
from worksync.resources.models.base import Base


class Allocation(IdMixin, TimestampMixin, Base):
    __tablename__ = "allocations"

    workspace_id: Mapped[UUID]
    user_id: Mapped[UUID]
    project_id: Mapped[UUID]
    role: Mapped[str | None] = mapped_column(String(100))
    hours_per_week: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))

    __table_args__ = (
        # A user's bookings over time (conflicts, utilization, the user_id filter).
        Index(
            "ix_allocations_workspace_id_user_id_start_date",
            "workspace_id",
            "user_id",
            "start_date",
        ),
        Index("ix_allocations_workspace_id_project_id", "workspace_id", "project_id"),
        Index("ix_allocations_workspace_id_start_date_id", "workspace_id", "start_date", "id"),
        Index("ix_allocations_workspace_id_created_at_id", "workspace_id", "created_at", "id"),
        CheckConstraint("hours_per_week > 0 AND hours_per_week <= 168", name="hours_in_a_week"),
        CheckConstraint("end_date >= start_date", name="ends_after_start"),
        CheckConstraint("char_length(notes) <= 5000", name="notes_length"),
        CheckConstraint("version >= 0", name="version_not_negative"),
    )
