"""The errors the work-items service answers with, beyond the shared ones."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from psycopg.errors import ForeignKeyViolation, UniqueViolation
from sqlalchemy.exc import IntegrityError

from worksync.common.errors import Conflict, FieldError, Forbidden, NotFound, Unprocessable


def not_found(what: str) -> NotFound:
    """`what` is the snake_case name of the resource: `issue` -> 404 `issue_not_found`.

    Rows of other projects and workspaces, and rows the caller may not see, answer the same.
    """
    return NotFound(f"No such {what.replace('_', ' ')}", code=f"{what}_not_found")


class NameTaken(Conflict):
    """`what` names the resource: `state` -> 409 `state_name_taken`."""

    def __init__(self, what: str) -> None:
        super().__init__(
            f"Another {what} of this project has this name (names ignore case)",
            code=f"{what}_name_taken",
        )


class NotAllowed(Forbidden):
    def __init__(self, detail: str) -> None:
        super().__init__(detail, code="insufficient_role")


def invalid_field(field: str, message: str, code: str = "validation_failed") -> Unprocessable:
    """A 422 about one field of the request body, shaped like request validation errors."""
    return Unprocessable(
        "The request is not valid", code=code, errors=[FieldError(field=field, message=message)]
    )


def unknown_reference(field: str, what: str) -> Unprocessable:
    """The body names a row that does not exist in this project (or may not be used)."""
    return invalid_field(field, f"no such {what} here", code="unknown_reference")


def violated_unique(exc: IntegrityError, *constraints: str) -> bool:
    orig = exc.orig
    return isinstance(orig, UniqueViolation) and orig.diag.constraint_name in constraints


# An issue's state and labels, as the database names the references.
STATE_REFERENCE = "fk_issues_project_id_state_id_states"
LABEL_REFERENCE = "fk_issue_labels_project_id_label_id_labels"


def violated_foreign_key(exc: IntegrityError, *constraints: str) -> bool:
    orig = exc.orig
    return isinstance(orig, ForeignKeyViolation) and orig.diag.constraint_name in constraints


@contextmanager
def references_checked() -> Iterator[None]:
    """A state or label the request names that a concurrent request deleted after it was
    checked is refused like one that never existed (422), not with a 500."""
    try:
        yield
    except IntegrityError as exc:
        if violated_foreign_key(exc, STATE_REFERENCE):
            raise unknown_reference("state_id", "state") from exc
        if violated_foreign_key(exc, LABEL_REFERENCE):
            raise unknown_reference("label_ids", "label") from exc
        raise
