"""Comments on issues: threads of any depth, their mentions and reactions.

A comment's `path` is its parent's path followed by its own id (time-ordered UUIDv7, as
hex): sorting by it reads every thread depth first, replies in the order they were written.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from worksync.common.db import IdMixin, TimestampMixin, one_of
from worksync.work_items.enums import CommentFormat
from worksync.work_items.models.base import Base

MAX_DEPTH = 60
"""Replies nest at most this deep: a path stays well inside an index entry."""


class Comment(IdMixin, TimestampMixin, Base):
    __tablename__ = "comments"

    workspace_id: Mapped[UUID]
    project_id: Mapped[UUID]
    issue_id: Mapped[UUID]
    parent_id: Mapped[UUID | None]
    root_id: Mapped[UUID]
    path: Mapped[str] = mapped_column(Text)
    depth: Mapped[int] = mapped_column(SmallInteger)
    author_id: Mapped[UUID]
    body: Mapped[str] = mapped_column(Text)
    body_format: Mapped[str] = mapped_column(String(8))
    edited_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # A deleted comment with replies stays, without its body, so the thread keeps its shape.
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))

    __table_args__ = (
        UniqueConstraint("issue_id", "id"),
        ForeignKeyConstraint(
            ["project_id", "issue_id"], ["issues.project_id", "issues.id"], ondelete="CASCADE"
        ),
        # A reply answers a comment of the same issue.
        ForeignKeyConstraint(["issue_id", "parent_id"], ["comments.issue_id", "comments.id"]),
        Index("ix_comments_issue_id_path_id", "issue_id", "path", "id"),
        Index("ix_comments_root_id_path_id", "root_id", "path", "id"),
        Index("ix_comments_parent_id", "parent_id"),
        CheckConstraint(one_of("body_format", CommentFormat), name="format_known"),
        CheckConstraint("parent_id <> id", name="not_own_parent"),
        CheckConstraint(f"depth BETWEEN 0 AND {MAX_DEPTH}", name="depth_bounded"),
        CheckConstraint("(parent_id IS NULL) = (depth = 0)", name="roots_at_depth_zero"),
        CheckConstraint("(parent_id IS NULL) = (root_id = id)", name="roots_are_their_own"),
        CheckConstraint(
            "deleted_at IS NOT NULL OR char_length(btrim(body)) > 0", name="body_not_blank"
        ),
        CheckConstraint("version >= 0", name="version_not_negative"),
    )


class CommentMention(Base):
    __tablename__ = "comment_mentions"

    comment_id: Mapped[UUID] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[UUID] = mapped_column(primary_key=True)

    __table_args__ = (Index("ix_comment_mentions_user_id", "user_id"),)


class CommentReaction(Base):
    """One per user and emoji on a comment."""

    __tablename__ = "comment_reactions"

    comment_id: Mapped[UUID] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[UUID] = mapped_column(primary_key=True)
    emoji: Mapped[str] = mapped_column(String(32), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    __table_args__ = (
        CheckConstraint("char_length(emoji) > 0 AND emoji !~ '\\s'", name="emoji_format"),
    )
