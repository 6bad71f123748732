"""Every table of the resources schema."""

from worksync.resources.models.actuals import ActualDay, ActualEntry
from worksync.resources.models.allocations import Allocation
from worksync.resources.models.base import (
    SCHEMA,
    Base,
    directory_tables,
    idempotency_keys,
    messaging,
)
from worksync.resources.models.capacity import (
    CURRENCY_PATTERN,
    DEFAULT_HOURS_PER_WEEK,
    DEFAULT_WORKING_DAYS,
    CapacityProfile,
    TimeOff,
)
from worksync.resources.models.conflicts import Conflict, ConflictAllocation, ConflictStatus
from worksync.resources.models.milestones import (
    MAX_ASSIGNEES,
    MAX_LAG_DAYS,
    MAX_LINKED_ISSUES,
    OPEN_DELIVERABLE_STATUSES,
    Deliverable,
    DeliverableStatus,
    DeliverableType,
    Milestone,
    MilestoneDependency,
    MilestonePriority,
    MilestoneStatus,
    TrackedIssue,
)
from worksync.resources.models.staff import StaffSkills
from worksync.resources.models.templates import MAX_TEMPLATE_MILESTONES, MilestoneTemplate

__all__ = [
    "CURRENCY_PATTERN",
    "DEFAULT_HOURS_PER_WEEK",
    "DEFAULT_WORKING_DAYS",
    "MAX_ASSIGNEES",
    "MAX_LAG_DAYS",
    "MAX_LINKED_ISSUES",
    "MAX_TEMPLATE_MILESTONES",
    "OPEN_DELIVERABLE_STATUSES",
    "SCHEMA",
    "ActualDay",
    "ActualEntry",
    "Allocation",
    "Base",
    "CapacityProfile",
    "Conflict",
    "ConflictAllocation",
    "ConflictStatus",
    "Deliverable",
    "DeliverableStatus",
    "DeliverableType",
    "Milestone",
    "MilestoneDependency",
    "MilestonePriority",
    "MilestoneStatus",
    "MilestoneTemplate",
    "StaffSkills",
    "TimeOff",
    "TrackedIssue",
    "directory_tables",
    "idempotency_keys",
    "messaging",
]
