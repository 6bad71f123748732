"""Project templates of a workspace: phases with tasks, and dependencies between tasks."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import (
    CheckConstraint,
    Computed,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, TSVECTOR
from sqlalchemy.orm import Mapped, Unmapped, mapped_column, unmapped_column

from worksync.common.db import IdMixin, TimestampMixin
from worksync.work_items.models.base import Base

TEMPLATE_SEARCH = (
    "setweight(to_tsvector('english'::regconfig, name), 'A') || "
    "setweight(to_tsvector('english'::regconfig, coalesce(category, '')), 'B') || "
    "setweight(to_tsvector('english'::regconfig, coalesce(description, '')), 'C')"
)


class ProjectTemplate(IdMixin, TimestampMixin, Base):
    __tablename__ = "project_templates"

    workspace_id: Mapped[UUID]
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(String(100))
    usage_count: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    created_by: Mapped[UUID]
    # No event records a template: its service bumps this with each change (the ETag).
    version: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"))
    search_vector: Unmapped[str] = unmapped_column(
        TSVECTOR, Computed(TEMPLATE_SEARCH, persisted=True)
    )

    __table_args__ = (
        Index(
            "uq_project_templates_workspace_id_lower_name",
            "workspace_id",
            func.lower(text("name")),
            unique=True,
        ),
        Index("ix_project_templates_workspace_id_name_id", "workspace_id", "name", "id"),
        Index("ix_project_templates_workspace_id_category", "workspace_id", "category"),
        Index("ix_project_templates_search_vector", "search_vector", postgresql_using="gin"),
        CheckConstraint("char_length(btrim(name)) > 0", name="name_not_blank"),
        CheckConstraint("usage_count >= 0", name="usage_count_not_negative"),
    )


class TemplatePhase(IdMixin, Base):
    __tablename__ = "template_phases"

    template_id: Mapped[UUID]
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        ForeignKeyConstraint(["template_id"], ["project_templates.id"], ondelete="CASCADE"),
        UniqueConstraint("template_id", "id"),
        UniqueConstraint("template_id", "position"),
        CheckConstraint("position >= 0", name="position_not_negative"),
    )


class TemplateTask(IdMixin, Base):
    __tablename__ = "template_tasks"

    template_id: Mapped[UUID]
    phase_id: Mapped[UUID]
    # The client's name for the task, unique in the template: dependencies name it.
    key: Mapped[str] = mapped_column(String(50))
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(Text)
    estimate_minutes: Mapped[int | None] = mapped_column(Integer)
    skills: Mapped[list[str]] = mapped_column(
        ARRAY(String(50)), default=list, server_default=text("'{}'")
    )

    __table_args__ = (
        ForeignKeyConstraint(
            ["template_id", "phase_id"],
            ["template_phases.template_id", "template_phases.id"],
            ondelete="CASCADE",
        ),
        UniqueConstraint("template_id", "id"),
        UniqueConstraint("template_id", "key"),
        UniqueConstraint("phase_id", "position"),
        CheckConstraint("position >= 0", name="position_not_negative"),
        CheckConstraint("estimate_minutes >= 0", name="estimate_not_negative"),
    )


class TemplateDependency(Base):
    """`task_id` can start only after `depends_on_id`; never a loop (checked on write)."""

    __tablename__ = "template_dependencies"

    task_id: Mapped[UUID] = mapped_column(primary_key=True)
    depends_on_id: Mapped[UUID] = mapped_column(primary_key=True)
    template_id: Mapped[UUID]

    __table_args__ = (
        ForeignKeyConstraint(
            ["template_id", "task_id"],
            ["template_tasks.template_id", "template_tasks.id"],
            ondelete="CASCADE",
        ),
        ForeignKeyConstraint(
            ["template_id", "depends_on_id"],
            ["template_tasks.template_id", "template_tasks.id"],
            ondelete="CASCADE",
        ),
        Index("ix_template_dependencies_template_id", "template_id"),
        CheckConstraint("task_id <> depends_on_id", name="not_on_itself"),
    )
