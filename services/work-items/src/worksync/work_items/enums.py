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
