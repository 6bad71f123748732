"""Time entries (timed, running, paused or duration-only) and their breaks.

The invariants live here as constraints, so no code path (nor a hand-written statement)
can break them:
- one running or paused timer per user: a partial unique index;
- a user's timed entries never overlap: an exclusion constraint over
  `tstzrange(started_at, COALESCE(ended_at, 'infinity'), '[)')` (a running timer reaches
  to infinity), which needs btree_gist for `user_id WITH =`;
- shapes: both ends null (a duration-only worklog) or a start; an end after the start;
  a finished entry has a positive duration no longer than its interval;
- rounding: a finished entry has a rounded duration (zero or more), a finished timed one
  rounded edges in order, and the rule that rounded it is a known one.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    Text,
    false,
    text,
)
from sqlalchemy.dialects.postgresql import ExcludeConstraint
from sqlalchemy.orm import Mapped, mapped_column

from worksync.common.db import IdMixin, LoadedArray, TimestampMixin, one_of
from worksync.timetracking.models.base import CURRENCY_PATTERN, Base
from worksync.timetracking.models.timesheets import TimesheetState
from worksync.timetracking.rounding import Rounding, RoundingMode, RoundingPlace, Step


class EntrySource(StrEnum):
    TIMER = "timer"
    MANUAL = "manual"
    WORKLOG = "worklog"
    IMPORT = "import"


class RoundingSource(StrEnum):
    """Whose rule rounded an entry: its project's own, or its workspace's."""

    WORKSPACE = "workspace"
    PROJECT = "project"


class ApprovalState(StrEnum):
    """An entry's approval: its timesheet's state, kept on the entry in the transactions
    that write the entry or move the timesheet (a period without a timesheet is a draft)."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"

    @classmethod
    def of_timesheet(cls, state: str | None) -> ApprovalState:
        """The approval of the entries of a timesheet in `state` (None: no timesheet)."""
        if state is None or state == TimesheetState.OPEN:
            return cls.DRAFT
        return cls(state)


RUNNING_TIMER_INDEX = "uq_time_entries_running_timer"
NO_OVERLAP_CONSTRAINT = "ex_time_entries_no_overlap"
OPEN_BREAK_INDEX = "uq_breaks_open_break"
BREAKS_NO_OVERLAP = "ex_breaks_no_overlap"

TIMER_RUNNING = "ended_at IS NULL AND started_at IS NOT NULL"


class TimeEntry(IdMixin, TimestampMixin, Base):
    __tablename__ = "time_entries"

    workspace_id: Mapped[UUID] = mapped_column(nullable=False)
    project_id: Mapped[UUID] = mapped_column(nullable=False)
    issue_id: Mapped[UUID | None] = mapped_column(nullable=True)
    user_id: Mapped[UUID] = mapped_column(nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, server_default="")
    work_date: Mapped[date] = mapped_column(Date, nullable=False)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # Worked seconds, unpaid breaks excluded; null only while the timer runs or pauses.
    duration_seconds: Mapped[int | None] = mapped_column(Integer, nullable=True)
    billable: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default=false())
    hourly_rate: Mapped[Decimal | None] = mapped_column(Numeric(12, 2), nullable=True)
    currency: Mapped[str | None] = mapped_column(Text, nullable=True)
    tags: Mapped[list[str]] = mapped_column(
        LoadedArray(Text), nullable=False, server_default=text("'{}'::text[]")
    )
    source: Mapped[str] = mapped_column(Text, nullable=False)
    approval_state: Mapped[str] = mapped_column(Text, nullable=False, server_default="draft")
    # The user's time zone when the entry was written: its work_date and its days.
    timezone: Mapped[str] = mapped_column(Text, nullable=False)
    # Rounded at write by the rule frozen below; the raw values above stay. Null while the
    # timer runs; the edges also for a duration-only entry.
    rounded_started_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), nullable=True
    )
    rounded_ended_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), nullable=True
    )
    rounded_duration_seconds: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # The rounding rule frozen when the entry was written (a timer's when it stopped): per
    # place a step and a mode, both null where that place is not rounded; and whose it was.
    rounding_begin_step_minutes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    rounding_begin_mode: Mapped[str | None] = mapped_column(Text, nullable=True)
    rounding_end_step_minutes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    rounding_end_mode: Mapped[str | None] = mapped_column(Text, nullable=True)
    rounding_duration_step_minutes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    rounding_duration_mode: Mapped[str | None] = mapped_column(Text, nullable=True)
    rounding_source: Mapped[str] = mapped_column(Text, nullable=False)
    # The list order of `-started_at`: the start, else midnight of work_date in `timezone`.
    sort_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False, server_default=text("1"))

    @property
    def rounding(self) -> Rounding:
        """The rounding rule frozen on the entry."""
        places: dict[str, Step | None] = {}
        for place in RoundingPlace:
            minutes = getattr(self, f"rounding_{place}_step_minutes")
            mode = getattr(self, f"rounding_{place}_mode")
            places[place.value] = None if minutes is None else Step(minutes, RoundingMode(mode))
        return Rounding(**places)

    def freeze_rounding(self, rounding: Rounding, source: RoundingSource) -> None:
        """Keep `rounding` (whose it is: `source`) as the rule that rounds this entry."""
        for place, step in rounding.places().items():
            setattr(self, f"rounding_{place}_step_minutes", None if step is None else step.minutes)
            setattr(self, f"rounding_{place}_mode", None if step is None else step.mode.value)
        self.rounding_source = source.value

    __table_args__ = (
        CheckConstraint(
            "(started_at IS NULL AND ended_at IS NULL) OR started_at IS NOT NULL",
            name="ends_need_a_start",
        ),
        CheckConstraint("ended_at IS NULL OR ended_at > started_at", name="ends_after_start"),
        CheckConstraint(
            f"({TIMER_RUNNING}) OR COALESCE(duration_seconds, 0) > 0",
            name="finished_has_duration",
        ),
        CheckConstraint(
            "started_at IS NULL OR ended_at IS NULL "
            "OR duration_seconds <= EXTRACT(EPOCH FROM ended_at - started_at)",
            name="duration_within_interval",
        ),
        CheckConstraint("hourly_rate IS NULL OR hourly_rate >= 0", name="rate_not_negative"),
        CheckConstraint(f"currency IS NULL OR currency ~ '{CURRENCY_PATTERN}'", name="currency"),
        CheckConstraint(one_of("source", EntrySource), name="source"),
        CheckConstraint(one_of("approval_state", ApprovalState), name="approval_state"),
        CheckConstraint("version >= 1", name="version_positive"),
        CheckConstraint(
            "(duration_seconds IS NULL) = (rounded_duration_seconds IS NULL)"
            " AND COALESCE(rounded_duration_seconds, 0) >= 0",
            name="rounded_duration",
        ),
        CheckConstraint(
            "(rounded_started_at IS NULL) = (started_at IS NULL OR ended_at IS NULL)"
            " AND (rounded_started_at IS NULL) = (rounded_ended_at IS NULL)"
            " AND (rounded_ended_at IS NULL OR rounded_ended_at >= rounded_started_at)",
            name="rounded_edges",
        ),
        *(
            CheckConstraint(
                f"(rounding_{place}_step_minutes IS NULL AND rounding_{place}_mode IS NULL)"
                f" OR (rounding_{place}_step_minutes IS NOT NULL"
                f" AND rounding_{place}_mode IS NOT NULL"
                f" AND rounding_{place}_step_minutes BETWEEN 1 AND 1440"
                f" AND {one_of(f'rounding_{place}_mode', RoundingMode)})",
                name=f"rounding_{place}_rule",
            )
            for place in RoundingPlace
        ),
        CheckConstraint(one_of("rounding_source", RoundingSource), name="rounding_source"),
        Index(RUNNING_TIMER_INDEX, "user_id", unique=True, postgresql_where=text(TIMER_RUNNING)),
        ExcludeConstraint(
            ("user_id", "="),
            (text("tstzrange(started_at, COALESCE(ended_at, 'infinity'), '[)')"), "&&"),
            name=NO_OVERLAP_CONSTRAINT,
            using="gist",
            where=text("started_at IS NOT NULL"),
        ),
        # Lists: a user's entries, newest first, and the filters by project and issue.
        Index("ix_time_entries_workspace_id_user_id_sort_at", "workspace_id", "user_id", "sort_at"),
        Index(
            "ix_time_entries_workspace_id_project_id_work_date",
            "workspace_id",
            "project_id",
            "work_date",
        ),
        Index(
            "ix_time_entries_issue_id", "issue_id", postgresql_where=text("issue_id IS NOT NULL")
        ),
        # The worker's auto-stop: running timers by start.
        Index(
            "ix_time_entries_running_started_at", "started_at", postgresql_where=text(TIMER_RUNNING)
        ),
    )


class Break(IdMixin, Base):
    __tablename__ = "breaks"

    entry_id: Mapped[UUID] = mapped_column(
        ForeignKey("time_entries.id", ondelete="CASCADE"), nullable=False
    )
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    # Null while the timer is paused.
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    is_paid: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default=false())

    __table_args__ = (
        CheckConstraint("ended_at IS NULL OR ended_at >= started_at", name="ends_after_start"),
        Index(OPEN_BREAK_INDEX, "entry_id", unique=True, postgresql_where=text("ended_at IS NULL")),
        Index("ix_breaks_entry_id", "entry_id"),
        # An entry's breaks never overlap (an open one reaches to infinity).
        ExcludeConstraint(
            ("entry_id", "="),
            (text("tstzrange(started_at, COALESCE(ended_at, 'infinity'), '[)')"), "&&"),
            name=BREAKS_NO_OVERLAP,
            using="gist",
        ),
    )
