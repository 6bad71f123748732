"""Every table of the timetracking schema."""

from worksync.timetracking.models.base import (
    SCHEMA,
    Base,
    directory_tables,
    idempotency_keys,
    messaging,
)
from worksync.timetracking.models.budgets import BudgetMeasure, BudgetThreshold
from worksync.timetracking.models.entries import (
    BREAKS_NO_OVERLAP,
    NO_OVERLAP_CONSTRAINT,
    OPEN_BREAK_INDEX,
    RUNNING_TIMER_INDEX,
    ApprovalState,
    Break,
    EntrySource,
    RoundingSource,
    TimeEntry,
)
from worksync.timetracking.models.projections import Client, Issue
from worksync.timetracking.models.settings import UserSettings
from worksync.timetracking.models.timesheets import (
    PENDING_REQUEST_INDEX,
    ModificationRequest,
    RequestAction,
    RequestState,
    Team,
    TeamMember,
    Timesheet,
    TimesheetState,
)
from worksync.timetracking.models.totals import DailyTotal, MonthlyTotal, report_totals

__all__ = [
    "BREAKS_NO_OVERLAP",
    "NO_OVERLAP_CONSTRAINT",
    "OPEN_BREAK_INDEX",
    "PENDING_REQUEST_INDEX",
    "RUNNING_TIMER_INDEX",
    "SCHEMA",
    "ApprovalState",
    "Base",
    "Break",
    "BudgetMeasure",
    "BudgetThreshold",
    "Client",
    "DailyTotal",
    "EntrySource",
    "Issue",
    "ModificationRequest",
    "MonthlyTotal",
    "RequestAction",
    "RequestState",
    "RoundingSource",
    "Team",
    "TeamMember",
    "TimeEntry",
    "Timesheet",
    "TimesheetState",
    "UserSettings",
    "directory_tables",
    "idempotency_keys",
    "messaging",
    "report_totals",
]
