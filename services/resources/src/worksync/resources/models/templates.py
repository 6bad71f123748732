"""Milestone templates: a workspace's reusable plans (milestones at working-day offsets from
an anchor, with durations, dependencies and deliverables), held as one JSON document that
the API validates as a whole."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import CheckConstraint, Index, Integer, String, Text, func, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from worksync.common.db import IdMixin, TimestampMixin
from worksync.resources.models.base import Base

MAX_TEMPLATE_MILESTONES = 100


class MilestoneTemplate(IdMixin, TimestampMixin, Base):
    __tablename__ = "milestone_templates"

    workspace_id: Mapped[UUID]
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    milestones: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"))

    __table_args__ = (
        Index(
            "uq_milestone_templates_workspace_id_name",
            "workspace_id",
            func.lower(text("name")),
            unique=True,
        ),
        Index(
            "ix_milestone_templates_workspace_id_created_at_id",
            "workspace_id",
            "created_at",
            "id",
        ),
        CheckConstraint("char_length(name) >= 1", name="name_not_empty"),
        CheckConstraint("char_length(description) <= 10000", name="description_length"),
        CheckConstraint(
            "jsonb_typeof(milestones) = 'array' AND jsonb_array_length(milestones) BETWEEN 1 "
            f"AND {MAX_TEMPLATE_MILESTONES}",
            name="milestones_bounded",
        ),
        CheckConstraint("version >= 1", name="version_positive"),
    )
