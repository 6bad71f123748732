"""Milestones of a project, their dependencies and deliverables, and the projection of
work-items' issues that their progress follows."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKeyConstraint,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    false,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from worksync.common.db import IdMixin, TimestampMixin, one_of
from worksync.resources.models.base import Base

MAX_ASSIGNEES = 50
MAX_LINKED_ISSUES = 500
MAX_LAG_DAYS = 365


class MilestoneStatus(StrEnum):
    PENDING = "pending"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class MilestonePriority(StrEnum):
    # From least to most pressing.
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class DeliverableType(StrEnum):
    DOCUMENT = "document"
    CODE = "code"
    DESIGN = "design"
    REVIEW = "review"
    OTHER = "other"


class DeliverableStatus(StrEnum):
    PENDING = "pending"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"


OPEN_DELIVERABLE_STATUSES = (DeliverableStatus.PENDING, DeliverableStatus.IN_PROGRESS)


class Milestone(IdMixin, TimestampMixin, Base):
    """A dated goal of a project. `progress` is what the API shows: derived from the linked
    issues when any are linked, else `manual_progress`."""

    __tablename__ = "milestones"

    workspace_id: Mapped[UUID]
    project_id: Mapped[UUID]
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    start_date: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default=MilestoneStatus.PENDING)
    priority: Mapped[str] = mapped_column(String(16), default=MilestonePriority.MEDIUM)
    progress: Mapped[int] = mapped_column(SmallInteger, default=0)
    manual_progress: Mapped[int] = mapped_column(SmallInteger, default=0)
    assignee_ids: Mapped[list[UUID]] = mapped_column(
        ARRAY(Uuid), default=list, server_default=text("'{}'")
    )
    issue_ids: Mapped[list[UUID]] = mapped_column(
        ARRAY(Uuid), default=list, server_default=text("'{}'")
    )
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))

    __table_args__ = (
        # The target of the dependencies' composite keys: both ends in one project.
        UniqueConstraint("id", "project_id"),
        Index(
            "ix_milestones_workspace_id_project_id_due_date_id",
            "workspace_id",
            "project_id",
            "due_date",
            "id",
        ),
        Index(
            "ix_milestones_workspace_id_project_id_created_at_id",
            "workspace_id",
            "project_id",
            "created_at",
            "id",
        ),
        # The assignee filter, and the milestones an issue event touches.
        Index("ix_milestones_assignee_ids", "assignee_ids", postgresql_using="gin"),
        Index("ix_milestones_issue_ids", "issue_ids", postgresql_using="gin"),
        CheckConstraint(one_of("status", MilestoneStatus), name="status_known"),
        CheckConstraint(one_of("priority", MilestonePriority), name="priority_known"),
        CheckConstraint("due_date >= start_date", name="due_after_start"),
        CheckConstraint("progress BETWEEN 0 AND 100", name="progress_percent"),
        CheckConstraint("manual_progress BETWEEN 0 AND 100", name="manual_progress_percent"),
        CheckConstraint("char_length(title) >= 1", name="title_not_empty"),
        CheckConstraint("char_length(description) <= 10000", name="description_length"),
        CheckConstraint(f"cardinality(assignee_ids) <= {MAX_ASSIGNEES}", name="assignees_bounded"),
        CheckConstraint(
            f"cardinality(issue_ids) <= {MAX_LINKED_ISSUES}", name="linked_issues_bounded"
        ),
        CheckConstraint(
            "(status = 'completed') = (completed_at IS NOT NULL)",
            name="completed_when_completed",
        ),
        CheckConstraint("version >= 0", name="version_not_negative"),
    )


class MilestoneDependency(Base):
    """`milestone_id` starts no earlier than `lag_days` working days after `depends_on_id`
    finishes (finish-to-start). Both are of `project_id`: the composite keys hold it."""

    __tablename__ = "milestone_dependencies"

    milestone_id: Mapped[UUID] = mapped_column(primary_key=True)
    depends_on_id: Mapped[UUID] = mapped_column(primary_key=True)
    project_id: Mapped[UUID]
    lag_days: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))

    __table_args__ = (
        ForeignKeyConstraint(
            ["milestone_id", "project_id"],
            ["milestones.id", "milestones.project_id"],
            ondelete="CASCADE",
            name="fk_milestone_dependencies_milestone",
        ),
        ForeignKeyConstraint(
            ["depends_on_id", "project_id"],
            ["milestones.id", "milestones.project_id"],
            ondelete="CASCADE",
            name="fk_milestone_dependencies_depends_on",
        ),
        Index("ix_milestone_dependencies_project_id", "project_id"),
        Index("ix_milestone_dependencies_depends_on_id", "depends_on_id"),
        CheckConstraint("milestone_id <> depends_on_id", name="not_on_itself"),
        CheckConstraint(f"lag_days BETWEEN 0 AND {MAX_LAG_DAYS}", name="lag_bounded"),
    )


class Deliverable(IdMixin, TimestampMixin, Base):
    """Something a milestone must produce; a required one blocks its completion while open."""

    __tablename__ = "deliverables"

    workspace_id: Mapped[UUID]
    milestone_id: Mapped[UUID]
    title: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(16), default=DeliverableType.OTHER)
    status: Mapped[str] = mapped_column(String(16), default=DeliverableStatus.PENDING)
    due_date: Mapped[date | None] = mapped_column(Date)
    owner_id: Mapped[UUID | None]
    required: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    version: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))

    __table_args__ = (
        ForeignKeyConstraint(["milestone_id"], ["milestones.id"], ondelete="CASCADE"),
        Index("ix_deliverables_milestone_id_created_at_id", "milestone_id", "created_at", "id"),
        CheckConstraint(one_of("type", DeliverableType), name="type_known"),
        CheckConstraint(one_of("status", DeliverableStatus), name="status_known"),
        CheckConstraint("char_length(title) >= 1", name="title_not_empty"),
        CheckConstraint("version >= 0", name="version_not_negative"),
    )


class TrackedIssue(Base):
    """The newest state seen of a work-items issue (what milestone progress needs). A
    deleted issue keeps its row (`deleted`) with its sequence, so a late older event
    changes nothing and a restore brings it back."""

    __tablename__ = "tracked_issues"

    issue_id: Mapped[UUID] = mapped_column(primary_key=True)
    workspace_id: Mapped[UUID]
    project_id: Mapped[UUID]
    state_group: Mapped[str] = mapped_column(String(16))
    estimate_minutes: Mapped[int | None] = mapped_column(Integer)
    deleted: Mapped[bool] = mapped_column(Boolean, server_default=false())
    sequence: Mapped[int] = mapped_column(BigInteger)

    __table_args__ = (
        CheckConstraint("sequence >= 0", name="sequence_not_negative"),
        CheckConstraint("estimate_minutes >= 0", name="estimate_not_negative"),
    )
