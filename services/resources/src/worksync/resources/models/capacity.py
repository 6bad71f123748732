"""Capacity profiles (one per workspace member) and their time off."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from sqlalchemy import (
    ARRAY,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKeyConstraint,
    Index,
    Integer,
    Numeric,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    func,
    literal_column,
    text,
    true,
)
from sqlalchemy.dialects.postgresql import ExcludeConstraint
from sqlalchemy.orm import Mapped, mapped_column

from worksync.common.db import IdMixin, TimestampMixin
from worksync.resources.models.base import Base

CURRENCY_PATTERN = "^[A-Z]{3}$"
DEFAULT_HOURS_PER_WEEK = Decimal(40)
DEFAULT_WORKING_DAYS = (1, 2, 3, 4, 5)


class CapacityProfile(IdMixin, TimestampMixin, Base):
    """How much a member can work: hours per week spread evenly over their working days
    (ISO weekdays, Monday = 1)."""

    __tablename__ = "capacity_profiles"

    workspace_id: Mapped[UUID]
    user_id: Mapped[UUID]
    role: Mapped[str | None] = mapped_column(String(100))
    skills: Mapped[list[str]] = mapped_column(
        ARRAY(Text), default=list, server_default=text("'{}'")
    )
    hours_per_week: Mapped[Decimal] = mapped_column(
        Numeric(6, 2), default=DEFAULT_HOURS_PER_WEEK, server_default=text("40")
    )
    working_days: Mapped[list[int]] = mapped_column(
        ARRAY(SmallInteger),
        default=lambda: list(DEFAULT_WORKING_DAYS),
        server_default=text("'{1,2,3,4,5}'"),
    )
    cost_rate: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    currency: Mapped[str | None] = mapped_column(String(3))
    is_active: Mapped[bool] = mapped_column(default=True, server_default=true())
    version: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))

    __table_args__ = (
        UniqueConstraint("workspace_id", "user_id"),
        UniqueConstraint("workspace_id", "id"),
        Index(
            "ix_capacity_profiles_workspace_id_created_at_id", "workspace_id", "created_at", "id"
        ),
        CheckConstraint("hours_per_week > 0 AND hours_per_week <= 168", name="hours_in_a_week"),
        CheckConstraint(
            "cardinality(working_days) BETWEEN 1 AND 7"
            " AND working_days <@ '{1,2,3,4,5,6,7}'::smallint[]",
            name="working_days_are_iso_weekdays",
        ),
        CheckConstraint("cost_rate >= 0", name="cost_rate_not_negative"),
        CheckConstraint(f"currency ~ '{CURRENCY_PATTERN}'", name="currency_format"),
        CheckConstraint("cost_rate IS NULL OR currency IS NOT NULL", name="cost_rate_has_currency"),
        CheckConstraint("version >= 0", name="version_not_negative"),
    )


class TimeOff(IdMixin, Base):
    """Days (both ends included) a member does not work; one member's never overlap."""

    __tablename__ = "time_off"

    workspace_id: Mapped[UUID]
    profile_id: Mapped[UUID]
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    __table_args__ = (
        ForeignKeyConstraint(
            ["workspace_id", "profile_id"],
            ["capacity_profiles.workspace_id", "capacity_profiles.id"],
            ondelete="CASCADE",
        ),
        ExcludeConstraint(
            (literal_column("profile_id"), "="),
            (literal_column("daterange(start_date, end_date, '[]')"), "&&"),
            using="gist",
            name="ex_time_off_no_overlap",
        ),
        Index("ix_time_off_profile_id_start_date_id", "profile_id", "start_date", "id"),
        CheckConstraint("end_date >= start_date", name="ends_after_start"),
    )
