"""The errors the resources service answers with, beyond the shared and directory ones."""

from __future__ import annotations

from worksync.common.errors import Conflict, FieldError, NotFound, Unprocessable


def not_found(what: str) -> NotFound:
    """`what` is the snake_case name of the resource: `allocation` -> 404
    `allocation_not_found`. Rows of other workspaces, and rows the caller may not see,
    answer the same."""
    return NotFound(f"No such {what.replace('_', ' ')}", code=f"{what}_not_found")


def invalid_field(field: str, message: str, code: str = "validation_failed") -> Unprocessable:
    """A 422 about one field of the request, shaped like request validation errors."""
    return Unprocessable(
        "The request is not valid", code=code, errors=[FieldError(field=field, message=message)]
    )


def unknown_reference(field: str, what: str) -> Unprocessable:
    """The request names a row that does not exist in this workspace (or may not be used)."""
    return invalid_field(field, f"no such {what} in this workspace", code="unknown_reference")


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
