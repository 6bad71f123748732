"""Kanban boards: views of a project's issues, optionally filtered by a label or an
assignee, with columns that map to states. A card's place is its issue's `rank`."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    UniqueConstraint,
    false,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from worksync.common.db import IdMixin, TimestampMixin
from worksync.work_items.models.base import COLOUR_PATTERN, Base


class Board(IdMixin, TimestampMixin, Base):
    __tablename__ = "boards"

    workspace_id: Mapped[UUID]
    project_id: Mapped[UUID] = mapped_column(
        ForeignKey("issue_counters.project_id", ondelete="CASCADE")
    )
    name: Mapped[str] = mapped_column(String(100))
    # Only issues carrying this label (deleting the label deletes the filter with it).
    label_id: Mapped[UUID | None] = mapped_column(ForeignKey("labels.id", ondelete="SET NULL"))
    # Only issues assigned to this user.
    assignee_id: Mapped[UUID | None]
    version: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))

    __table_args__ = (
        UniqueConstraint("project_id", "id"),
        Index(
            "uq_boards_project_id_lower_name", "project_id", func.lower(text("name")), unique=True
        ),
        Index(
            "ix_boards_workspace_id_project_id_name_id", "workspace_id", "project_id", "name", "id"
        ),
        Index("ix_boards_label_id", "label_id"),
        CheckConstraint("char_length(btrim(name)) > 0", name="name_not_blank"),
        CheckConstraint("version >= 0", name="version_not_negative"),
    )


class BoardColumn(IdMixin, TimestampMixin, Base):
    __tablename__ = "board_columns"

    board_id: Mapped[UUID]
    project_id: Mapped[UUID]
    name: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(Integer)
    colour: Mapped[str] = mapped_column(String(7))
    wip_limit: Mapped[int | None] = mapped_column(Integer)
    is_done: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    __table_args__ = (
        ForeignKeyConstraint(
            ["project_id", "board_id"], ["boards.project_id", "boards.id"], ondelete="CASCADE"
        ),
        UniqueConstraint("board_id", "id"),
        UniqueConstraint("board_id", "position", deferrable=True, initially="DEFERRED"),
        Index(
            "uq_board_columns_board_id_lower_name",
            "board_id",
            func.lower(text("name")),
            unique=True,
        ),
        CheckConstraint("char_length(btrim(name)) > 0", name="name_not_blank"),
        CheckConstraint(f"colour ~ '{COLOUR_PATTERN}'", name="colour_format"),
        CheckConstraint("wip_limit > 0", name="wip_limit_positive"),
        CheckConstraint("position >= 0", name="position_not_negative"),
    )


class BoardColumnState(Base):
    """A state shown in a column; a state is in at most one column of a board."""

    __tablename__ = "board_column_states"

    column_id: Mapped[UUID] = mapped_column(primary_key=True)
    state_id: Mapped[UUID] = mapped_column(primary_key=True)
    board_id: Mapped[UUID]
    project_id: Mapped[UUID]

    __table_args__ = (
        ForeignKeyConstraint(
            ["board_id", "column_id"],
            ["board_columns.board_id", "board_columns.id"],
            ondelete="CASCADE",
        ),
        # A state of the board's project; deleting the state takes it out of its columns.
        ForeignKeyConstraint(
            ["project_id", "state_id"], ["states.project_id", "states.id"], ondelete="CASCADE"
        ),
        UniqueConstraint("board_id", "state_id"),
        Index("ix_board_column_states_state_id", "state_id"),
    )
