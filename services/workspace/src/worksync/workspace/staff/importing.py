"""Bulk import of staff profiles: all rows are checked before anything is written, and one
bad row means nothing is written; the answer then names every bad row and field.

A row is checked for its shape (the fields of `StaffImportRow`), its references (a live
member by `user_id` or `email`, a live department by `department_code`) and uniqueness,
within the file and against the workspace's live profiles. Rows are numbered from 0 in
the order given (`rows[0]` is the first row below a CSV header).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.errors import FieldError, Unprocessable
from worksync.workspace.access import WorkspaceAccess
from worksync.workspace.department_grants.service import release_manager
from worksync.workspace.departments.repository import DepartmentRepository
from worksync.workspace.enums import ACTIVE_EMPLOYMENT_STATUSES
from worksync.workspace.messaging.published import StaffCreated
from worksync.workspace.messaging.recording import record_staff
from worksync.workspace.models import Membership, StaffProfile
from worksync.workspace.staff.repository import StaffRepository
from worksync.workspace.staff.schemas import StaffImportResult, StaffImportRow
from worksync.workspace.staff.uploads import EXTRA_VALUES


@dataclass
class _Workspace:
    """What the rows are checked against, read once."""

    members_by_id: dict[UUID, Membership]
    members_by_email: dict[str, Membership]
    departments_by_code: dict[str, UUID]
    taken_staff_ids: set[str]
    users_with_profiles: set[UUID]
    # Within the file: the first row that used each staff id and user.
    staff_id_rows: dict[str, int] = field(default_factory=dict)
    user_rows: dict[UUID, int] = field(default_factory=dict)


@dataclass(frozen=True)
class _Planned:
    row: StaffImportRow
    user_id: UUID
    department_id: UUID | None


def _location(index: int, loc: tuple[int | str, ...]) -> str:
    return ".".join([f"rows[{index}]", *(str(part) for part in loc)])


def _member(
    index: int, row: StaffImportRow, known: _Workspace
) -> tuple[Membership | None, list[FieldError]]:
    by_id = known.members_by_id.get(row.user_id) if row.user_id else None
    by_email = known.members_by_email.get(row.email.lower()) if row.email else None
    if row.user_id is None and row.email is None:
        return None, [FieldError(field=f"rows[{index}].user_id", message="give user_id or email")]
    if row.user_id is not None and by_id is None:
        return None, [FieldError(field=f"rows[{index}].user_id", message="no such member")]
    if row.email is not None and by_email is None:
        return None, [FieldError(field=f"rows[{index}].email", message="no such member")]
    if by_id is not None and by_email is not None and by_id.user_id != by_email.user_id:
        message = "belongs to another member than user_id"
        return None, [FieldError(field=f"rows[{index}].email", message=message)]
    return by_id or by_email, []


def _check(index: int, row: StaffImportRow, known: _Workspace) -> _Planned | list[FieldError]:
    """The row, ready to write, or what is wrong with it."""
    errors: list[FieldError] = []

    def fail(name: str, message: str) -> None:
        errors.append(FieldError(field=f"rows[{index}].{name}", message=message))

    member, member_errors = _member(index, row, known)
    errors += member_errors
    if member is not None:
        member_field = "user_id" if row.user_id else "email"
        if member.user_id in known.users_with_profiles:
            fail(member_field, "this member has a staff profile already")
        elif member.user_id in known.user_rows:
            fail(member_field, f"repeats the member of rows[{known.user_rows[member.user_id]}]")
        else:
            known.user_rows[member.user_id] = index
    if row.staff_id in known.taken_staff_ids:
        fail("staff_id", "another staff member has this staff id")
    elif row.staff_id in known.staff_id_rows:
        fail("staff_id", f"repeats rows[{known.staff_id_rows[row.staff_id]}].staff_id")
    else:
        known.staff_id_rows[row.staff_id] = index
    department_id = None
    if row.department_code is not None:
        department_id = known.departments_by_code.get(row.department_code.lower())
        if department_id is None:
            fail("department_code", "no such department in this workspace")
    if row.date_of_joining and row.date_of_leaving and row.date_of_leaving < row.date_of_joining:
        fail("date_of_leaving", "must not lie before date_of_joining")
    if errors or member is None:
        return errors
    return _Planned(row=row, user_id=member.user_id, department_id=department_id)


class StaffImport:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.staff = StaffRepository(session)
        self.departments = DepartmentRepository(session)

    async def run(
        self, access: WorkspaceAccess, rows: list[dict[str, Any]], now: datetime
    ) -> StaffImportResult:
        workspace_id = access.workspace_id
        # Staff creation and department writes wait for the import, so what it checked
        # (free staff ids, members without profiles, managers) stays true until it writes.
        await self.departments.lock_tree(workspace_id)
        planned = await self._plan(workspace_id, rows)
        managers = await self.departments.live_managers(workspace_id)
        profiles = [
            StaffProfile(
                workspace_id=workspace_id,
                user_id=item.user_id,
                department_id=item.department_id,
                is_department_manager=(
                    item.user_id in managers
                    and item.row.employment_status in ACTIVE_EMPLOYMENT_STATUSES
                ),
                **item.row.model_dump(exclude={"user_id", "email", "department_code"}),
            )
            for item in planned
        ]
        # A staff id another profile was given meanwhile is refused as `StaffFieldTaken`.
        await self.staff.add_all(profiles)
        for profile in profiles:
            if profile.user_id in managers and not profile.is_department_manager:
                # Imported as having left: like any such status, it ends management.
                await release_manager(
                    self.session, workspace_id, profile.user_id, now=now, actor_id=access.user_id
                )
            await record_staff(self.session, profile, StaffCreated, actor_id=access.user_id)
        await self.staff.flush()
        return StaffImportResult(
            created_count=len(profiles), staff_profile_ids=[profile.id for profile in profiles]
        )

    async def _plan(self, workspace_id: UUID, rows: list[dict[str, Any]]) -> list[_Planned]:
        members = await self.staff.live_members(workspace_id)
        known = _Workspace(
            members_by_id={member.user_id: member for member in members},
            members_by_email={member.email.lower(): member for member in members},
            departments_by_code=await self.departments.live_codes(workspace_id),
            taken_staff_ids=await self.staff.live_staff_ids(workspace_id),
            users_with_profiles=await self.staff.users_with_profiles(workspace_id),
        )
        planned: list[_Planned] = []
        errors: list[FieldError] = []
        for index, raw in enumerate(rows):
            if raw.get(EXTRA_VALUES):
                message = "has more values than the header has columns"
                errors.append(FieldError(field=f"rows[{index}]", message=message))
                continue
            try:
                row = StaffImportRow.model_validate(raw)
            except ValidationError as exc:
                errors += [
                    FieldError(field=_location(index, error["loc"]), message=error["msg"])
                    for error in exc.errors()
                ]
                continue
            checked = _check(index, row, known)
            if isinstance(checked, list):
                errors += checked
            else:
                planned.append(checked)
        if errors:
            raise Unprocessable("Some rows are not valid; nothing was imported", errors=errors)
        return planned
