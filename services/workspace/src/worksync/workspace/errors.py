"""The errors the workspace service answers with, beyond the kit's (`worksync.common.errors`:
`not_found`, `invalid_field`, `unknown_reference`; a role that falls short is the kit's
`InsufficientRole`).

The conflicts a unique constraint decides are here too: repositories raise them through
their `constraint_errors`, services where their rules find them first.
"""

from __future__ import annotations

from worksync.common.errors import Conflict, Forbidden


class OwnerRequired(Forbidden):
    def __init__(self) -> None:
        super().__init__("Only owners may grant, revoke or remove ownership", code="owner_required")


class LastOwner(Conflict):
    def __init__(self) -> None:
        super().__init__(
            "A workspace keeps at least one owner; make another member owner first",
            code="last_owner",
        )


class SlugTaken(Conflict):
    def __init__(self) -> None:
        super().__init__("This slug is taken; slugs are never reused", code="slug_taken")


class AlreadyMember(Conflict):
    def __init__(self) -> None:
        super().__init__("This user is a member already", code="already_member")


class AlreadyProjectMember(Conflict):
    def __init__(self) -> None:
        super().__init__("This user is a member of the project already", code="already_member")


class AlreadyTeamMember(Conflict):
    def __init__(self) -> None:
        super().__init__("This user is a member of the team already", code="already_member")


class InvitationPending(Conflict):
    def __init__(self) -> None:
        super().__init__(
            "An invitation to this address is pending; revoke it to send another",
            code="invitation_pending",
        )


class InvitationEmailMismatch(Forbidden):
    def __init__(self) -> None:
        super().__init__(
            "This invitation was sent to another email address",
            code="invitation_email_mismatch",
        )


class EmailNotVerified(Forbidden):
    def __init__(self) -> None:
        super().__init__(
            "Verify your email address with identity before accepting an invitation",
            code="email_not_verified",
        )


class IdentifierTaken(Conflict):
    def __init__(self) -> None:
        super().__init__(
            "Another project of this workspace has this identifier", code="identifier_taken"
        )


class InUse(Conflict):
    def __init__(self, what: str) -> None:
        super().__init__(
            f"Projects still use this {what.replace('_', ' ')}; change them first",
            code=f"{what}_in_use",
        )


class DepartmentFieldTaken(Conflict):
    def __init__(self, field: str) -> None:
        super().__init__(
            f"Another department of this workspace has this {field.replace('_', ' ')}",
            # `code_taken` alone would not say whose code.
            code="department_code_taken" if field == "code" else f"{field}_taken",
        )


class StaffFieldTaken(Conflict):
    def __init__(self, field: str) -> None:
        if field == "user_id":
            super().__init__("This member has a staff profile already", code="staff_profile_exists")
        else:
            super().__init__("Another staff member has this staff id", code="staff_id_taken")
