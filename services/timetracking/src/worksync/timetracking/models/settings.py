"""Each user's time settings, per workspace."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from uuid import UUID

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    Integer,
    Numeric,
    Text,
    false,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from worksync.timetracking.models.base import Base


class UserSettings(Base):
    __tablename__ = "user_settings"

    workspace_id: Mapped[UUID] = mapped_column(primary_key=True)
    user_id: Mapped[UUID] = mapped_column(primary_key=True)
    # An IANA name (checked by the API against zoneinfo); null: the workspace's zone.
    timezone: Mapped[str | None] = mapped_column(Text, nullable=True)
    default_hourly_rate: Mapped[Decimal | None] = mapped_column(Numeric(12, 2), nullable=True)
    default_billable: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default=false())
    require_description: Mapped[bool] = mapped_column(
        Boolean, nullable=False, server_default=false()
    )
    # The worker stops a timer running longer than this (minutes); null: never.
    auto_stop_minutes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # Each replacement bumps it (the settings' ETag); 0 stands for none stored yet.
    version: Mapped[int] = mapped_column(Integer, nullable=False, server_default=text("1"))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), nullable=False
    )

    __table_args__ = (
        CheckConstraint(
            "default_hourly_rate IS NULL OR default_hourly_rate >= 0", name="rate_not_negative"
        ),
        CheckConstraint(
            "auto_stop_minutes IS NULL OR auto_stop_minutes BETWEEN 1 AND 1440",
            name="auto_stop_within_a_day",
        ),
    )
