"""Every table of the timetracking schema."""

from worksync.timetracking.models.base import (
    SCHEMA,
    Base,
    directory_tables,
    idempotency_keys,
    messaging,
)
from worksync.timetracking.models.entries import (
    NO_OVERLAP_CONSTRAINT,
    OPEN_BREAK_INDEX,
    RUNNING_TIMER_INDEX,
    ApprovalState,
    Break,
    EntrySource,
    TimeEntry,
)
from worksync.timetracking.models.projections import Issue
from worksync.timetracking.models.settings import UserSettings
from worksync.timetracking.models.totals import DailyTotal

__all__ = [
    "NO_OVERLAP_CONSTRAINT",
    "OPEN_BREAK_INDEX",
    "RUNNING_TIMER_INDEX",
    "SCHEMA",
    "ApprovalState",
    "Base",
    "Break",
    "DailyTotal",
    "EntrySource",
    "Issue",
    "TimeEntry",
    "UserSettings",
    "directory_tables",
    "idempotency_keys",
    "messaging",
]
