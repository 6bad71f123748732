"""Issues, their assignees and labels, and the time entries logged on them.

References inside a project are composite foreign keys that include `project_id`, so the
database itself refuses a state, parent or label of another project.
"""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Computed,
    Date,
    DateTime,
    Double,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, Unmapped, mapped_column, unmapped_column

from worksync.common.db import IdMixin, TimestampMixin, one_of
from worksync.work_items.boards.ranks import PATTERN as RANK_PATTERN
from worksync.work_items.enums import DescriptionFormat, Priority
from worksync.work_items.models.base import Base

PRIORITY_RANK = (
    "CASE priority "
    + " ".join(f"WHEN '{priority.value}' THEN {priority.rank}" for priority in Priority)
    + " END"
)
# Issues without a due date sort after every real one (before them when descending).
NO_DUE_DATE = "DATE '9999-12-31'"
SEARCH_VECTOR = (
    "setweight(to_tsvector('english'::regconfig, title), 'A') || "
    "setweight(to_tsvector('english'::regconfig, coalesce(description, '')), 'B')"
)


def _keyset_index(column: str) -> Index:
    return Index(
        f"ix_issues_workspace_id_project_id_{column}_id", "workspace_id", "project_id", column, "id"
    )


class Issue(IdMixin, TimestampMixin, Base):
    __tablename__ = "issues"

    workspace_id: Mapped[UUID]
    project_id: Mapped[UUID] = mapped_column(ForeignKey("issue_counters.project_id"))
    sequence_id: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(Text)
    description_format: Mapped[str] = mapped_column(
        String(8),
        default=DescriptionFormat.MARKDOWN.value,
        server_default=DescriptionFormat.MARKDOWN.value,
    )
    state_id: Mapped[UUID]
    priority: Mapped[str] = mapped_column(
        String(6), default=Priority.NONE.value, server_default=Priority.NONE.value
    )
    priority_rank: Mapped[int] = mapped_column(
        SmallInteger, Computed(PRIORITY_RANK, persisted=True)
    )
    parent_id: Mapped[UUID | None]
    start_date: Mapped[date | None] = mapped_column(Date)
    due_date: Mapped[date | None] = mapped_column(Date)
    due_date_sort: Mapped[date] = mapped_column(
        Date, Computed(f"COALESCE(due_date, {NO_DUE_DATE})", persisted=True)
    )
    estimate_minutes: Mapped[int | None] = mapped_column(Integer)
    # Rolled up from time-tracking's entries (`time_entries`), never written by the API.
    logged_minutes: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    position: Mapped[float] = mapped_column(Double)
    # The card's place on boards (`boards/ranks.py`), unique in the project; clients never
    # see it, they name a card's neighbours.
    rank: Mapped[str] = mapped_column(String(64, collation="C"))
    created_by: Mapped[UUID]
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    # Only ever read by SQL (`Issue.__table__.c.search_vector`); loading it would be waste.
    search_vector: Unmapped[str] = unmapped_column(
        TSVECTOR, Computed(SEARCH_VECTOR, persisted=True)
    )

    __table_args__ = (
        UniqueConstraint("project_id", "id"),
        UniqueConstraint("project_id", "sequence_id"),
        ForeignKeyConstraint(["project_id", "state_id"], ["states.project_id", "states.id"]),
        ForeignKeyConstraint(["project_id", "parent_id"], ["issues.project_id", "issues.id"]),
        _keyset_index("created_at"),
        _keyset_index("updated_at"),
        _keyset_index("due_date_sort"),
        _keyset_index("priority_rank"),
        _keyset_index("position"),
        Index("ix_issues_project_id_state_id", "project_id", "state_id"),
        Index("ix_issues_project_id_state_id_rank_id", "project_id", "state_id", "rank", "id"),
        UniqueConstraint("project_id", "rank", deferrable=True, initially="DEFERRED"),
        CheckConstraint(f"rank ~ '{RANK_PATTERN}'", name="rank_format"),
        Index("ix_issues_parent_id", "parent_id"),
        Index("ix_issues_search_vector", "search_vector", postgresql_using="gin"),
        CheckConstraint("char_length(btrim(title)) > 0", name="title_not_blank"),
        CheckConstraint(one_of("priority", Priority), name="priority_known"),
        CheckConstraint(one_of("description_format", DescriptionFormat), name="format_known"),
        CheckConstraint("parent_id <> id", name="not_own_parent"),
        CheckConstraint(
            "start_date IS NULL OR due_date IS NULL OR start_date <= due_date",
            name="due_after_start",
        ),
        CheckConstraint("estimate_minutes >= 0", name="estimate_not_negative"),
        CheckConstraint("logged_minutes >= 0", name="logged_minutes_not_negative"),
        CheckConstraint("sequence_id >= 1", name="sequence_id_positive"),
        CheckConstraint("version >= 0", name="version_not_negative"),
    )


class IssueAssignee(Base):
    __tablename__ = "issue_assignees"

    issue_id: Mapped[UUID] = mapped_column(
        ForeignKey("issues.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[UUID] = mapped_column(primary_key=True)

    __table_args__ = (Index("ix_issue_assignees_user_id", "user_id"),)


class IssueLabel(Base):
    __tablename__ = "issue_labels"

    issue_id: Mapped[UUID] = mapped_column(primary_key=True)
    label_id: Mapped[UUID] = mapped_column(primary_key=True)
    project_id: Mapped[UUID]

    __table_args__ = (
        ForeignKeyConstraint(
            ["project_id", "issue_id"], ["issues.project_id", "issues.id"], ondelete="CASCADE"
        ),
        # A label of the same project; deleting the label takes it off its issues.
        ForeignKeyConstraint(
            ["project_id", "label_id"], ["labels.project_id", "labels.id"], ondelete="CASCADE"
        ),
        Index("ix_issue_labels_label_id", "label_id"),
    )


class TimeEntry(Base):
    """Time-tracking's entries as far as logged minutes need them: one row per entry, kept
    after deletion (as a tombstone) and for issues not known yet, with the entry's sequence
    so that duplicates and late events change nothing."""

    __tablename__ = "time_entries"

    entry_id: Mapped[UUID] = mapped_column(primary_key=True)
    workspace_id: Mapped[UUID]
    # No foreign key: the issue may arrive after its entries.
    issue_id: Mapped[UUID | None]
    duration_seconds: Mapped[int] = mapped_column(Integer)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    sequence: Mapped[int] = mapped_column(BigInteger)

    __table_args__ = (
        Index("ix_time_entries_issue_id_live", "issue_id", postgresql_where=text("NOT deleted")),
        CheckConstraint("duration_seconds >= 0", name="duration_not_negative"),
        CheckConstraint("sequence >= 0", name="sequence_not_negative"),
    )
