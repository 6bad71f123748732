"""The errors the resources service answers with, beyond the kit's and the directory's."""

from __future__ import annotations

from worksync.common.errors import Conflict


class ProfileExists(Conflict):
    def __init__(self) -> None:
        super().__init__(
            "This member has a capacity profile already", code="capacity_profile_exists"
        )


class TimeOffOverlaps(Conflict):
    def __init__(self) -> None:
        super().__init__(
            "This time off overlaps another period of the member's", code="time_off_overlaps"
        )


class ConflictSettled(Conflict):
    """Resolving a resolved conflict, or ignoring one that is not open."""

    def __init__(self, status: str) -> None:
        super().__init__(f"This conflict is {status} already", code="conflict_not_open")
