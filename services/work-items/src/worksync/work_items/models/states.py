"""Workflow states of a project, and the per-project row that numbers its issues.

The counter row doubles as the mark that a project's default states exist: whoever inserts
it (the `workspace.project.created` handler, or the first request about a project the
directory learnt of through its fallback) creates them, once.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    Double,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    false,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from worksync.common.db import IdMixin, TimestampMixin, one_of
from worksync.work_items.enums import StateGroup
from worksync.work_items.models.base import COLOUR_PATTERN, Base


class IssueCounter(Base):
    """The last issue number handed out in a project: numbers are never reused."""

    __tablename__ = "issue_counters"

    project_id: Mapped[UUID] = mapped_column(primary_key=True)
    workspace_id: Mapped[UUID]
    last_sequence_id: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    __table_args__ = (
        CheckConstraint("last_sequence_id >= 0", name="last_sequence_id_not_negative"),
    )


class State(IdMixin, TimestampMixin, Base):
    __tablename__ = "states"

    workspace_id: Mapped[UUID]
    project_id: Mapped[UUID] = mapped_column(
        ForeignKey("issue_counters.project_id", ondelete="CASCADE")
    )
    name: Mapped[str] = mapped_column(String(100))
    group: Mapped[str] = mapped_column(String(9))
    colour: Mapped[str] = mapped_column(String(7))
    position: Mapped[float] = mapped_column(Double)
    is_default: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # No event records a state: its service bumps this with each change (the ETag).
    version: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"))

    __table_args__ = (
        UniqueConstraint("project_id", "id"),
        Index(
            "uq_states_project_id_lower_name", "project_id", func.lower(text("name")), unique=True
        ),
        # At most one default per project; the service never leaves a project without one.
        Index(
            "uq_states_one_default_per_project",
            "project_id",
            unique=True,
            postgresql_where=text("is_default"),
        ),
        Index(
            "ix_states_workspace_id_project_id_position_id",
            "workspace_id",
            "project_id",
            "position",
            "id",
        ),
        Index(
            "ix_states_workspace_id_project_id_name_id", "workspace_id", "project_id", "name", "id"
        ),
        CheckConstraint("char_length(btrim(name)) > 0", name="name_not_blank"),
        CheckConstraint(one_of('"group"', StateGroup), name="group_known"),
        CheckConstraint(f"colour ~ '{COLOUR_PATTERN}'", name="colour_format"),
    )


class ProjectSettings(Base):
    """How a project's issues are worked on here; a project without a row has the defaults."""

    __tablename__ = "project_settings"

    project_id: Mapped[UUID] = mapped_column(
        ForeignKey("issue_counters.project_id", ondelete="CASCADE"), primary_key=True
    )
    workspace_id: Mapped[UUID]
    # Project guests read comments; they write them only where a project admin allows it.
    guests_may_comment: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Each change bumps it (the settings' ETag); 0 stands for the defaults, no row yet.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )
