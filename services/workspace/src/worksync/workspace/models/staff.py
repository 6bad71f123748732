"""Staff profiles (a member's employee record in a workspace) and their transfer history."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from sqlalchemy import (
    ARRAY,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKeyConstraint,
    Index,
    String,
    Text,
    UniqueConstraint,
    false,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from worksync.common.db import IdMixin, TimestampMixin, one_of
from worksync.common.fields import MAX_SKILLS
from worksync.workspace.enums import EmploymentStatus
from worksync.workspace.models.base import (
    DEPARTMENT_KEY,
    MEMBERSHIP_KEY,
    PHONE_PATTERN,
    STAFF_ID_PATTERN,
    STAFF_PROFILE_KEY,
    Base,
    version_column,
    workspace_key,
)
from worksync.workspace.models.departments import LIVE


class StaffProfile(IdMixin, TimestampMixin, Base):
    """One live profile per member and workspace; deleting one only marks it."""

    __tablename__ = "staff_profiles"

    workspace_id: Mapped[UUID] = workspace_key()
    user_id: Mapped[UUID]
    staff_id: Mapped[str] = mapped_column(String(8))
    department_id: Mapped[UUID | None]
    position: Mapped[str | None] = mapped_column(String(200))
    job_grade: Mapped[str | None] = mapped_column(String(50))
    phone: Mapped[str | None] = mapped_column(String(20))
    date_of_joining: Mapped[date | None] = mapped_column(Date)
    date_of_leaving: Mapped[date | None] = mapped_column(Date)
    employment_status: Mapped[str] = mapped_column(String(11))
    # Derived: whether the user manages a live department (departments.manager_id).
    is_department_manager: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    notes: Mapped[str | None] = mapped_column(Text)
    # The kit's `Skills`: trimmed names, each once (ignoring case).
    skills: Mapped[list[str]] = mapped_column(
        ARRAY(Text), default=list, server_default=text("'{}'")
    )
    leaving_reason: Mapped[str | None] = mapped_column(Text)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = version_column()

    __table_args__ = (
        UniqueConstraint("workspace_id", "id"),
        ForeignKeyConstraint(["workspace_id", "user_id"], MEMBERSHIP_KEY),
        ForeignKeyConstraint(["workspace_id", "department_id"], DEPARTMENT_KEY),
        Index(
            "uq_staff_profiles_live_workspace_id_user_id",
            "workspace_id",
            "user_id",
            unique=True,
            postgresql_where=LIVE,
        ),
        Index(
            "uq_staff_profiles_live_workspace_id_staff_id",
            "workspace_id",
            "staff_id",
            unique=True,
            postgresql_where=LIVE,
        ),
        Index("ix_staff_profiles_workspace_id_staff_id_id", "workspace_id", "staff_id", "id"),
        Index("ix_staff_profiles_workspace_id_created_at_id", "workspace_id", "created_at", "id"),
        Index("ix_staff_profiles_department_id", "department_id"),
        CheckConstraint(f"staff_id ~ '{STAFF_ID_PATTERN}'", name="staff_id_format"),
        CheckConstraint(f"phone ~ '{PHONE_PATTERN}'", name="phone_format"),
        CheckConstraint(f"cardinality(skills) <= {MAX_SKILLS}", name="skills_bounded"),
        CheckConstraint(
            one_of("employment_status", EmploymentStatus), name="employment_status_known"
        ),
        CheckConstraint(
            "date_of_joining IS NULL OR date_of_leaving IS NULL"
            " OR date_of_leaving >= date_of_joining",
            name="leaves_after_joining",
        ),
    )


class StaffTransfer(IdMixin, Base):
    """A move of a staff member from one department (or none) to another."""

    __tablename__ = "staff_transfers"

    workspace_id: Mapped[UUID]
    staff_profile_id: Mapped[UUID]
    from_department_id: Mapped[UUID | None]
    to_department_id: Mapped[UUID]
    effective_date: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    actor_id: Mapped[UUID]
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    __table_args__ = (
        ForeignKeyConstraint(
            ["workspace_id", "staff_profile_id"], STAFF_PROFILE_KEY, ondelete="CASCADE"
        ),
        ForeignKeyConstraint(["workspace_id", "from_department_id"], DEPARTMENT_KEY),
        ForeignKeyConstraint(["workspace_id", "to_department_id"], DEPARTMENT_KEY),
        Index(
            "ix_staff_transfers_staff_profile_id_created_at_id",
            "staff_profile_id",
            "created_at",
            "id",
        ),
        CheckConstraint(
            "from_department_id IS NULL OR from_department_id <> to_department_id",
            name="moves_somewhere_else",
        ),
    )
