"""Departments (a tree of at most five levels) and the project memberships they grant."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKeyConstraint,
    Index,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from worksync.common.db import IdMixin, TimestampMixin
from worksync.workspace.models.base import (
    DEPARTMENT_CODE_PATTERN,
    DEPARTMENT_KEY,
    DEPT_CODE_PATTERN,
    MEMBERSHIP_KEY,
    PROJECT_KEY,
    SHORT_NAME_PATTERN,
    Base,
    version_column,
    workspace_key,
)

MAX_DEPARTMENT_LEVEL = 5
LIVE = text("deleted_at IS NULL")


class Department(IdMixin, TimestampMixin, Base):
    """A department. `level` is 1 for a root and one more than its parent's otherwise;
    deleting one only marks it, which frees its codes until it is restored."""

    __tablename__ = "departments"

    workspace_id: Mapped[UUID] = workspace_key()
    name: Mapped[str] = mapped_column(String(200))
    code: Mapped[str] = mapped_column(String(20))
    short_name: Mapped[str] = mapped_column(String(10))
    dept_code: Mapped[str] = mapped_column(String(4))
    parent_id: Mapped[UUID | None]
    level: Mapped[int] = mapped_column(SmallInteger)
    # The one source of truth for who manages it (staff profiles' flag is derived).
    manager_id: Mapped[UUID | None]
    # The department's team project: its manager, and the managers of its ancestors,
    # are made project admins (auto-sync).
    linked_project_id: Mapped[UUID | None]
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    description: Mapped[str | None] = mapped_column(Text)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = version_column()

    __table_args__ = (
        UniqueConstraint("workspace_id", "id"),
        ForeignKeyConstraint(["workspace_id", "parent_id"], DEPARTMENT_KEY),
        ForeignKeyConstraint(["workspace_id", "manager_id"], MEMBERSHIP_KEY),
        ForeignKeyConstraint(["workspace_id", "linked_project_id"], PROJECT_KEY),
        Index(
            "uq_departments_live_workspace_id_lower_code",
            "workspace_id",
            func.lower(text("code")),
            unique=True,
            postgresql_where=LIVE,
        ),
        Index(
            "uq_departments_live_workspace_id_short_name",
            "workspace_id",
            "short_name",
            unique=True,
            postgresql_where=LIVE,
        ),
        Index(
            "uq_departments_live_workspace_id_dept_code",
            "workspace_id",
            "dept_code",
            unique=True,
            postgresql_where=LIVE,
        ),
        Index("ix_departments_workspace_id_name_id", "workspace_id", "name", "id"),
        Index("ix_departments_workspace_id_code_id", "workspace_id", "code", "id"),
        Index("ix_departments_workspace_id_created_at_id", "workspace_id", "created_at", "id"),
        Index("ix_departments_parent_id", "parent_id"),
        Index("ix_departments_workspace_id_manager_id", "workspace_id", "manager_id"),
        Index("ix_departments_linked_project_id", "linked_project_id"),
        CheckConstraint("char_length(btrim(name)) > 0", name="name_not_blank"),
        CheckConstraint(f"code ~ '{DEPARTMENT_CODE_PATTERN}'", name="code_format"),
        CheckConstraint(f"short_name ~ '{SHORT_NAME_PATTERN}'", name="short_name_format"),
        CheckConstraint(f"dept_code ~ '{DEPT_CODE_PATTERN}'", name="dept_code_format"),
        CheckConstraint(f"level BETWEEN 1 AND {MAX_DEPARTMENT_LEVEL}", name="level_in_range"),
        CheckConstraint("(parent_id IS NULL) = (level = 1)", name="roots_are_level_one"),
        CheckConstraint("parent_id <> id", name="not_own_parent"),
    )


class DepartmentProjectGrant(Base):
    """Why auto-sync made a user a member of a project: the department they manage whose
    subtree links the project. A membership made by auto-sync ends when its last grant
    goes; the grants make that exact."""

    __tablename__ = "department_project_grants"

    project_id: Mapped[UUID] = mapped_column(primary_key=True)
    user_id: Mapped[UUID] = mapped_column(primary_key=True)
    department_id: Mapped[UUID] = mapped_column(primary_key=True)
    workspace_id: Mapped[UUID]
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    __table_args__ = (
        ForeignKeyConstraint(["workspace_id", "project_id"], PROJECT_KEY, ondelete="CASCADE"),
        ForeignKeyConstraint(["workspace_id", "department_id"], DEPARTMENT_KEY, ondelete="CASCADE"),
        ForeignKeyConstraint(["workspace_id", "user_id"], MEMBERSHIP_KEY),
        Index("ix_department_project_grants_workspace_id_user_id", "workspace_id", "user_id"),
        Index("ix_department_project_grants_department_id", "department_id"),
    )
