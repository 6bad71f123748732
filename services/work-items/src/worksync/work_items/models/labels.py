"""Labels of a project, optionally nested under a parent label of the same project."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from worksync.common.db import IdMixin, TimestampMixin
from worksync.work_items.models.base import COLOUR_PATTERN, Base


class Label(IdMixin, TimestampMixin, Base):
    __tablename__ = "labels"

    workspace_id: Mapped[UUID]
    project_id: Mapped[UUID] = mapped_column(
        ForeignKey("issue_counters.project_id", ondelete="CASCADE")
    )
    name: Mapped[str] = mapped_column(String(100))
    colour: Mapped[str] = mapped_column(String(7))
    parent_id: Mapped[UUID | None]
    # No event records a label: its service bumps this with each change (the ETag).
    version: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"))

    __table_args__ = (
        UniqueConstraint("project_id", "id"),
        # The parent is a label of the same project.
        ForeignKeyConstraint(["project_id", "parent_id"], ["labels.project_id", "labels.id"]),
        Index(
            "uq_labels_project_id_lower_name", "project_id", func.lower(text("name")), unique=True
        ),
        Index(
            "ix_labels_workspace_id_project_id_name_id", "workspace_id", "project_id", "name", "id"
        ),
        Index(
            "ix_labels_workspace_id_project_id_created_at_id",
            "workspace_id",
            "project_id",
            "created_at",
            "id",
        ),
        Index("ix_labels_parent_id", "parent_id"),
        CheckConstraint("char_length(btrim(name)) > 0", name="name_not_blank"),
        CheckConstraint(f"colour ~ '{COLOUR_PATTERN}'", name="colour_format"),
        CheckConstraint("parent_id <> id", name="not_own_parent"),
    )
