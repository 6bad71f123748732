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

__all__ = [
    "CURRENCY_PATTERN",
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
    "directory_tables",
    "idempotency_keys",
    "messaging",
]
