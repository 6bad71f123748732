"""Finished time per workspace, day, project and user: what the workspace summary sums.

Kept by a trigger on `time_entries` (migration 0002), in the same transaction as every
insert, update and delete of an entry, so that no code path — nor a hand-written
statement — can leave it behind. A summary then adds up a few rows per person and day
instead of every entry.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from sqlalchemy import BigInteger, CheckConstraint, Date, Integer
from sqlalchemy.orm import Mapped, mapped_column

from worksync.timetracking.models.base import Base


class DailyTotal(Base):
    __tablename__ = "daily_totals"

    workspace_id: Mapped[UUID] = mapped_column(primary_key=True)
    work_date: Mapped[date] = mapped_column(Date, primary_key=True)
    project_id: Mapped[UUID] = mapped_column(primary_key=True)
    user_id: Mapped[UUID] = mapped_column(primary_key=True)
    seconds: Mapped[int] = mapped_column(BigInteger)
    billable_seconds: Mapped[int] = mapped_column(BigInteger)
    # Finished entries counted here; the row goes when the last one does.
    entries: Mapped[int] = mapped_column(Integer)

    __table_args__ = (
        CheckConstraint("entries > 0", name="entries_positive"),
        CheckConstraint("billable_seconds BETWEEN 0 AND seconds", name="billable_within_total"),
    )
