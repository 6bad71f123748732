"""The activity feed: one row per change to an issue, written in the change's transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKeyConstraint,
    Identity,
    Index,
    String,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from worksync.common.db import one_of
from worksync.work_items.enums import ActivityKind
from worksync.work_items.models.base import Base


class IssueActivity(Base):
    __tablename__ = "issue_activity"

    # Rises in insertion order: the tie-breaker of rows of one transaction (same time).
    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    workspace_id: Mapped[UUID]
    project_id: Mapped[UUID]
    issue_id: Mapped[UUID]
    # Null when nobody in particular did it.
    actor_id: Mapped[UUID | None]
    kind: Mapped[str] = mapped_column(String(20))
    field: Mapped[str | None] = mapped_column(String(40))
    old_value: Mapped[Any] = mapped_column(JSONB, nullable=True)
    new_value: Mapped[Any] = mapped_column(JSONB, nullable=True)
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        ForeignKeyConstraint(
            ["project_id", "issue_id"], ["issues.project_id", "issues.id"], ondelete="CASCADE"
        ),
        Index("ix_issue_activity_issue_id_occurred_at_id", "issue_id", "occurred_at", "id"),
        Index(
            "ix_issue_activity_workspace_id_project_id_occurred_at_id",
            "workspace_id",
            "project_id",
            "occurred_at",
            "id",
        ),
        CheckConstraint(one_of("kind", ActivityKind), name="kind_known"),
        CheckConstraint(
            f"(kind = '{ActivityKind.UPDATED.value}') = (field IS NOT NULL)",
            name="field_of_updates",
        ),
    )
