"""Every table of the resources schema."""

from worksync.resources.models.actuals import ActualDay, ActualEntry
from worksync.resources.models.allocations import Allocation
from worksync.resources.models.base import SCHEMA, Base, directory, idempotency_keys, messaging
from worksync.resources.models.capacity import (
    DEFAULT_HOURS_PER_WEEK,
    DEFAULT_WORKING_DAYS,
    CapacityProfile,
    TimeOff,
)
from worksync.resources.models.conflicts import Conflict, ConflictAllocation, ConflictStatus

__all__ = [
    "DEFAULT_HOURS_PER_WEEK",
    "DEFAULT_WORKING_DAYS",
    "SCHEMA",
    "ActualDay",
    "ActualEntry",
    "Allocation",
    "Base",
    "CapacityProfile",
    "Conflict",
    "ConflictAllocation",
    "ConflictStatus",
    "TimeOff",
    "directory",
    "idempotency_keys",
    "messaging",
]
