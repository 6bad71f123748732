"""The budget thresholds a project has reached: one row per measure, budget value and
threshold, so that each is announced exactly once (a new budget value arms them again)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    Integer,
    Numeric,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from worksync.common.db import IdMixin, one_of
from worksync.timetracking.models.base import Base

THRESHOLD_ONCE = "uq_budget_thresholds_once"


class BudgetMeasure(StrEnum):
    HOURS = "hours"
    AMOUNT = "amount"


class BudgetThreshold(IdMixin, Base):
    __tablename__ = "budget_thresholds"

    workspace_id: Mapped[UUID] = mapped_column(nullable=False)
    project_id: Mapped[UUID] = mapped_column(nullable=False)
    measure: Mapped[str] = mapped_column(Text, nullable=False)
    budget: Mapped[Decimal] = mapped_column(Numeric, nullable=False)
    threshold_percent: Mapped[int] = mapped_column(Integer, nullable=False)
    consumed: Mapped[Decimal] = mapped_column(Numeric, nullable=False)
    reached_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
    version: Mapped[int] = mapped_column(Integer, nullable=False, server_default=text("1"))

    __table_args__ = (
        UniqueConstraint(
            "project_id", "measure", "budget", "threshold_percent", name=THRESHOLD_ONCE
        ),
        CheckConstraint(one_of("measure", BudgetMeasure), name="measure"),
        CheckConstraint("threshold_percent IN (80, 100)", name="threshold_percent"),
        CheckConstraint("budget > 0", name="budget_positive"),
        CheckConstraint("version >= 1", name="version_positive"),
    )
