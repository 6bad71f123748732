"""Local read models of other contexts beyond the directory: work-items' issues and the
workspace's clients."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import BigInteger, Boolean, Index, Integer, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from worksync.timetracking.models.base import Base


class Issue(Base):
    """An issue as its latest applied event (or the work-items API) described it."""

    __tablename__ = "issues"

    issue_id: Mapped[UUID] = mapped_column(primary_key=True)
    workspace_id: Mapped[UUID] = mapped_column(nullable=False)
    project_id: Mapped[UUID] = mapped_column(nullable=False)
    key: Mapped[str] = mapped_column(Text, nullable=False)
    title: Mapped[str] = mapped_column(Text, nullable=False)
    estimate_minutes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    state_group: Mapped[str | None] = mapped_column(Text, nullable=True)
    deleted: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default=false())
    sequence: Mapped[int] = mapped_column(BigInteger, nullable=False)

    __table_args__ = (Index("ix_issues_project_id", "project_id"),)


class Client(Base):
    """A client of a workspace (who projects are done for) as its latest applied event
    described it; a deleted one stays as a tombstone with its last name, so that a late
    event cannot bring it back and time of its former projects keeps its label."""

    __tablename__ = "clients"

    client_id: Mapped[UUID] = mapped_column(primary_key=True)
    workspace_id: Mapped[UUID] = mapped_column(nullable=False)
    name: Mapped[str] = mapped_column(Text, nullable=False)
    deleted: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default=false())
    sequence: Mapped[int] = mapped_column(BigInteger, nullable=False)
