"""The closed vocabularies of work items, shared by the API, the tables and the events."""

from __future__ import annotations

from enum import StrEnum


class StateGroup(StrEnum):
    BACKLOG = "backlog"
    UNSTARTED = "unstarted"
    STARTED = "started"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class Priority(StrEnum):
    # Declared from least to most pressing: sorting by priority follows this order.
    NONE = "none"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    URGENT = "urgent"

    @property
    def rank(self) -> int:
        return list(Priority).index(self)


class DescriptionFormat(StrEnum):
    MARKDOWN = "markdown"
    HTML = "html"


class ActivityKind(StrEnum):
    """What an entry of an issue's activity feed records."""

    CREATED = "created"
    # One field changed: `field`, `old_value`, `new_value`.
    UPDATED = "updated"
    DELETED = "deleted"
    RESTORED = "restored"
    # Moved on a board: where to (`column_id`, may be null) and between which cards.
    MOVED = "moved"
    COMMENT_ADDED = "comment_added"
    COMMENT_EDITED = "comment_edited"
    COMMENT_DELETED = "comment_deleted"
    # Time tracking's entries on the issue, with their minutes.
    TIME_LOGGED = "time_logged"
    TIME_CORRECTED = "time_corrected"
    TIME_REMOVED = "time_removed"
    # A relation to another issue added or removed (on both issues).
    RELATION_ADDED = "relation_added"
    RELATION_REMOVED = "relation_removed"


class CommentFormat(StrEnum):
    MARKDOWN = "markdown"
    HTML = "html"


class RelationKind(StrEnum):
    """How relations are stored: `blocks` and `duplicates` point from the issue to the
    related one; `relates_to` has no direction."""

    BLOCKS = "blocks"
    RELATES_TO = "relates_to"
    DUPLICATES = "duplicates"


class RelationType(StrEnum):
    """A relation as one of its two issues sees it."""

    BLOCKS = "blocks"
    BLOCKED_BY = "blocked_by"
    RELATES_TO = "relates_to"
    DUPLICATES = "duplicates"
    DUPLICATED_BY = "duplicated_by"
