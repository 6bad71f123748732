"""Every table of the work_items schema."""

from worksync.work_items.models.base import (
    SCHEMA,
    Base,
    directory_tables,
    idempotency_keys,
    messaging,
)
from worksync.work_items.models.issues import Issue, IssueAssignee, IssueLabel, TimeEntry
from worksync.work_items.models.labels import Label
from worksync.work_items.models.states import IssueCounter, State

__all__ = [
    "SCHEMA",
    "Base",
    "Issue",
    "IssueAssignee",
    "IssueCounter",
    "IssueLabel",
    "Label",
    "State",
    "TimeEntry",
    "directory_tables",
    "idempotency_keys",
    "messaging",
]
