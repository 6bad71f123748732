"""The errors the workspace service answers with, beyond the shared ones."""

from __future__ import annotations

from worksync.common.errors import Conflict, FieldError, Forbidden, NotFound, Unprocessable
from worksync.workspace.enums import WorkspaceRole


def not_found(what: str) -> NotFound:
    """`what` is the snake_case name of the resource: `project` -> 404 `project_not_found`.

    Rows of other workspaces, and rows the caller may not see, answer the same.
    """
    return NotFound(f"No such {what.replace('_', ' ')}", code=f"{what}_not_found")


class RoleRequired(Forbidden):
    def __init__(self, minimum: WorkspaceRole | str) -> None:
        super().__init__(f"This needs the {minimum} role or higher", code="insufficient_role")


class OwnerRequired(Forbidden):
    def __init__(self) -> None:
        super().__init__("Only owners may grant, revoke or remove ownership", code="owner_required")


class LastOwner(Conflict):
    def __init__(self) -> None:
        super().__init__(
            "A workspace keeps at least one owner; make another member owner first",
            code="last_owner",
        )


class AlreadyMember(Conflict):
    def __init__(self) -> None:
        super().__init__("This user is a member already", code="already_member")


class InvitationEmailMismatch(Forbidden):
    def __init__(self) -> None:
        super().__init__(
            "This invitation was sent to another email address",
            code="invitation_email_mismatch",
        )


class NameTaken(Conflict):
    """`what` names the resource: `team` -> 409 `team_name_taken`."""

    def __init__(self, what: str) -> None:
        super().__init__(
            f"Another {what.replace('_', ' ')} of this workspace has this name",
            code=f"{what}_name_taken",
        )


class InUse(Conflict):
    def __init__(self, what: str) -> None:
        super().__init__(
            f"Projects still use this {what.replace('_', ' ')}; change them first",
            code=f"{what}_in_use",
        )


def invalid_field(field: str, message: str, code: str = "validation_failed") -> Unprocessable:
    """A 422 about one field of the request body, shaped like request validation errors."""
    return Unprocessable(
        "The request is not valid", code=code, errors=[FieldError(field=field, message=message)]
    )


def unknown_reference(field: str, what: str) -> Unprocessable:
    """The body names a row that does not exist in this workspace (or may not be used)."""
    return invalid_field(field, f"no such {what} in this workspace", code="unknown_reference")
