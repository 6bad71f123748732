"""Teams, their members, and the projects they are assigned to."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from worksync.common.db import IdMixin, TimestampMixin
from worksync.workspace.models.base import (
    MEMBERSHIP_KEY,
    PROJECT_KEY,
    TEAM_KEY,
    Base,
    version_column,
    workspace_key,
)


class Team(IdMixin, TimestampMixin, Base):
    """A team. Its `version` is the sequence of its events, member changes included."""

    __tablename__ = "teams"

    workspace_id: Mapped[UUID] = workspace_key()
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str | None] = mapped_column(Text)
    lead_id: Mapped[UUID | None]
    version: Mapped[int] = version_column()

    __table_args__ = (
        UniqueConstraint("workspace_id", "id"),
        ForeignKeyConstraint(["workspace_id", "lead_id"], MEMBERSHIP_KEY),
        Index(
            "uq_teams_workspace_id_lower_name",
            "workspace_id",
            func.lower(text("name")),
            unique=True,
        ),
        Index("ix_teams_workspace_id_name_id", "workspace_id", "name", "id"),
        CheckConstraint("char_length(btrim(name)) > 0", name="name_not_blank"),
    )


class TeamMembership(Base):
    __tablename__ = "team_memberships"

    team_id: Mapped[UUID] = mapped_column(primary_key=True)
    user_id: Mapped[UUID] = mapped_column(primary_key=True)
    workspace_id: Mapped[UUID]
    allocation_percent: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )

    __table_args__ = (
        ForeignKeyConstraint(["workspace_id", "team_id"], TEAM_KEY, ondelete="CASCADE"),
        ForeignKeyConstraint(["workspace_id", "user_id"], MEMBERSHIP_KEY),
        Index("ix_team_memberships_workspace_id_user_id", "workspace_id", "user_id"),
        CheckConstraint("allocation_percent BETWEEN 0 AND 100", name="allocation_percent_in_range"),
    )


class ProjectTeam(Base):
    """A team assigned to a project."""

    __tablename__ = "project_teams"

    project_id: Mapped[UUID] = mapped_column(primary_key=True)
    team_id: Mapped[UUID] = mapped_column(primary_key=True)
    workspace_id: Mapped[UUID]
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    __table_args__ = (
        ForeignKeyConstraint(["workspace_id", "project_id"], PROJECT_KEY, ondelete="CASCADE"),
        ForeignKeyConstraint(["workspace_id", "team_id"], TEAM_KEY, ondelete="CASCADE"),
        Index("ix_project_teams_team_id", "team_id"),
    )
