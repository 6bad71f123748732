"""Finished time summed per day and month: what the workspace summary and the report group.

Kept by a trigger on `time_entries` (migration 0014), in the same transaction as
every insert, update and delete of an entry, so that no code path — nor a hand-written
statement — can leave them behind. A summary or a report then adds up a few rows per
person and day instead of every entry.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Date,
    Index,
    Integer,
    Numeric,
    Table,
    Text,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from worksync.timetracking.models.base import Base


class SummedTime:
    """The sums a totals row keeps of the finished entries under its key."""

    seconds: Mapped[int] = mapped_column(BigInteger)
    billable_seconds: Mapped[int] = mapped_column(BigInteger)
    # Finished entries counted here; the row goes when the last one does.
    entries: Mapped[int] = mapped_column(Integer)


def summed_time_checks() -> tuple[CheckConstraint, ...]:
    """The checks of `SummedTime`'s columns (new objects: a constraint has one table)."""
    return (
        CheckConstraint("billable_seconds BETWEEN 0 AND seconds", name="billable_within_total"),
        # Zero only between a statement's update and its deletion of the emptied rows.
        CheckConstraint("entries >= 0", name="entries_not_negative"),
    )


class DailyTotal(SummedTime, Base):
    __tablename__ = "daily_totals"

    workspace_id: Mapped[UUID] = mapped_column(primary_key=True)
    work_date: Mapped[date] = mapped_column(Date, primary_key=True)
    project_id: Mapped[UUID] = mapped_column(primary_key=True)
    user_id: Mapped[UUID] = mapped_column(primary_key=True)

    __table_args__ = summed_time_checks()


class MonthlyTotal(SummedTime, Base):
    """The daily totals summed per month (`month` is its first day), with the amount."""

    __tablename__ = "monthly_totals"

    workspace_id: Mapped[UUID] = mapped_column(primary_key=True)
    month: Mapped[date] = mapped_column(Date, primary_key=True)
    project_id: Mapped[UUID] = mapped_column(primary_key=True)
    user_id: Mapped[UUID] = mapped_column(primary_key=True)
    # Seconds times rate of billable entries with a rate (any currency): what a budget
    # consumes, divided by 3,600 when read.
    amount: Mapped[Decimal] = mapped_column(Numeric)

    __table_args__ = (
        *summed_time_checks(),
        CheckConstraint("month = date_trunc('month', month)", name="first_of_month"),
    )


# A table, not a mapped class: read by the report alone, and (issue and currency may be
# null) it has no primary key, only a unique index whose nulls are not distinct.
report_totals = Table(
    "report_totals",
    Base.metadata,
    Column("workspace_id", Uuid, nullable=False),
    Column("work_date", Date, nullable=False),
    Column("user_id", Uuid, nullable=False),
    Column("project_id", Uuid, nullable=False),
    Column("issue_id", Uuid, nullable=True),
    Column("currency", Text, nullable=True),
    Column("approval_state", Text, nullable=False),
    Column("seconds", BigInteger, nullable=False),
    Column("billable_seconds", BigInteger, nullable=False),
    # Seconds times rate of billable entries with a rate: divided by 3,600 when read.
    Column("amount", Numeric, nullable=False),
    # Billable entries with a rate, for those the report cannot price in another currency.
    Column("rated_billable_entries", Integer, nullable=False),
    # Billable entries: with the above, what a `billable` filter keeps of a row.
    Column("billable_entries", Integer, nullable=False),
    Column("entries", Integer, nullable=False),
    Index(
        "uq_report_totals_key",
        "workspace_id",
        "work_date",
        "user_id",
        "project_id",
        "issue_id",
        "currency",
        "approval_state",
        unique=True,
        postgresql_nulls_not_distinct=True,
    ),
    # A project's report reads this index alone (migration 0014).
    Index(
        "ix_report_totals_workspace_id_project_id_work_date",
        "workspace_id",
        "project_id",
        "work_date",
        postgresql_include=[
            "user_id",
            "issue_id",
            "currency",
            "approval_state",
            "seconds",
            "billable_seconds",
            "amount",
            "rated_billable_entries",
            "billable_entries",
            "entries",
        ],
    ),
    # Zero only between a statement's upsert and its deletion of the emptied rows.
    CheckConstraint("entries >= 0", name="entries_not_negative"),
    CheckConstraint("billable_seconds BETWEEN 0 AND seconds", name="billable_within_total"),
    CheckConstraint(
        "rated_billable_entries BETWEEN 0 AND billable_entries AND billable_entries <= entries",
        name="entry_counts_nested",
    ),
)
