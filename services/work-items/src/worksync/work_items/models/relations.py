"""Relations between two issues of a project (blocks, relates to, duplicates)."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import (
    CheckConstraint,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from worksync.common.db import IdMixin, TimestampMixin, one_of
from worksync.work_items.enums import RelationKind
from worksync.work_items.models.base import Base


class IssueRelation(IdMixin, TimestampMixin, Base):
    __tablename__ = "issue_relations"

    workspace_id: Mapped[UUID]
    project_id: Mapped[UUID]
    issue_id: Mapped[UUID]
    related_id: Mapped[UUID]
    kind: Mapped[str] = mapped_column(String(10))
    created_by: Mapped[UUID]
    version: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))

    __table_args__ = (
        ForeignKeyConstraint(
            ["project_id", "issue_id"], ["issues.project_id", "issues.id"], ondelete="CASCADE"
        ),
        ForeignKeyConstraint(
            ["project_id", "related_id"], ["issues.project_id", "issues.id"], ondelete="CASCADE"
        ),
        UniqueConstraint("issue_id", "related_id", "kind"),
        Index("ix_issue_relations_related_id", "related_id"),
        Index("ix_issue_relations_project_id_kind", "project_id", "kind"),
        CheckConstraint(one_of("kind", RelationKind), name="kind_known"),
        CheckConstraint("issue_id <> related_id", name="not_to_itself"),
        # Undirected relations are stored once, the smaller id first.
        CheckConstraint(
            f"kind <> '{RelationKind.RELATES_TO.value}' OR issue_id < related_id",
            name="relates_to_ordered",
        ),
        CheckConstraint("version >= 0", name="version_not_negative"),
    )
