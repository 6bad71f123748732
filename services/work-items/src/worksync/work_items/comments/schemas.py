"""Comments as the API shows them, and their bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from worksync.common.examples import body_examples
from worksync.common.fields import NotNull
from worksync.work_items.enums import CommentFormat

Body = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50_000)]
Mentions = Annotated[
    list[UUID], Field(max_length=50, description="Workspace members the comment mentions")
]
Emoji = Annotated[
    str,
    StringConstraints(min_length=1, max_length=32, pattern=r"^\S+$"),
    Field(examples=["👍", "+1"]),
]


class CommentCreate(BaseModel):
    """A comment, or with `parent_id` a reply (to a comment of the same issue, any depth).

    HTML is sanitised as issue descriptions are; Markdown is stored as written.
    """

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=body_examples(
            {
                "body": "Reproduced on a board with no columns too; the trace is attached.",
                "body_format": "markdown",
                "mention_ids": ["0195f3a2-8d47-7e21-a3c5-6f9b2d1e8a73"],
            }
        ),
    )

    body: Body
    body_format: CommentFormat = CommentFormat.MARKDOWN
    parent_id: UUID | None = None
    mention_ids: Mentions = []


class CommentUpdate(BaseModel):
    """Fields left out stay as they are; a changed body marks the comment edited."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=body_examples(
            {"body": "Also fails on a board with no columns; fixed in the next release."}
        ),
    )

    body: Annotated[Body | None, NotNull] = None
    body_format: Annotated[CommentFormat | None, NotNull] = None
    mention_ids: Annotated[Mentions | None, NotNull] = None


class ReactionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra=body_examples({"emoji": "👍"}))

    emoji: Emoji


class Reaction(BaseModel):
    emoji: str
    count: int
    mine: bool = Field(description="Whether the caller reacted so")


class Comment(BaseModel):
    """A deleted comment that has replies stays as a placeholder: `deleted_at` set, no body,
    no mentions, no reactions."""

    id: UUID
    issue_id: UUID
    parent_id: UUID | None
    root_id: UUID = Field(description="The thread's first comment")
    depth: int = Field(description="0 for a thread's first comment, 1 for its replies…")
    author_id: UUID
    body: str | None
    body_format: CommentFormat
    mention_ids: list[UUID]
    reactions: list[Reaction]
    edited_at: datetime | None
    deleted_at: datetime | None
    version: int
    created_at: datetime
    updated_at: datetime
