"""Staff profiles: a workspace member's employee record, transfers between departments,
deactivation, and counts.

Members and above read profiles; phone, notes and leaving reason only admins, owners and
the staff member themself. `is_department_manager` is derived from the departments'
managers (auto-sync keeps it in step). A status other than active or probation, however
it is set, ends the user's department management; such changes take the workspace's
department lock before the profile's row, the order auto-sync locks in.
"""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.errors import Conflict, invalid_field, not_found, unknown_reference
from worksync.common.pagination import PageParams, build_page, sort_key
from worksync.common.preconditions import EntityTags, check_version
from worksync.workspace.access import WorkspaceAccess
from worksync.workspace.department_grants.service import release_manager
from worksync.workspace.departments.repository import DepartmentRepository
from worksync.workspace.enums import ACTIVE_EMPLOYMENT_STATUSES, EmploymentStatus
from worksync.workspace.members.repository import MemberRepository
from worksync.workspace.messaging.published import (
    StaffCreated,
    StaffDeactivated,
    StaffDeleted,
    StaffSnapshot,
    StaffTransferred,
    StaffUpdated,
)
from worksync.workspace.messaging.recording import record_staff
from worksync.workspace.models import StaffProfile as StaffProfileRow
from worksync.workspace.models import StaffTransfer as StaffTransferRow
from worksync.workspace.staff.repository import StaffRepository, StaffRow
from worksync.workspace.staff.schemas import (
    DepartmentStaffCount,
    LeavingStatus,
    StaffCreate,
    StaffDeactivation,
    StaffFilters,
    StaffProfile,
    StaffSort,
    StaffStats,
    StaffTransfer,
    StaffTransferCreate,
    StaffUpdate,
)

SORT_KEYS = {
    StaffSort.STAFF_ID: sort_key("staff_id", StaffProfileRow.staff_id, StaffProfileRow.id),
    StaffSort.CREATED_AT: sort_key("created_at", StaffProfileRow.created_at, StaffProfileRow.id),
    StaffSort.NEWEST_FIRST: sort_key("-created_at", StaffProfileRow.created_at, StaffProfileRow.id),
}
TRANSFERS_IN_ORDER = sort_key("created_at", StaffTransferRow.created_at, StaffTransferRow.id)


class AlreadyInDepartment(Conflict):
    def __init__(self) -> None:
        super().__init__("The staff member is in this department already", code="same_department")


class StaffInactive(Conflict):
    def __init__(self) -> None:
        super().__init__(
            "Only active staff (active or on probation) can be transferred", code="staff_inactive"
        )


class StatusUnchanged(Conflict):
    def __init__(self, status: str) -> None:
        super().__init__(f"The staff member is {status} already", code="staff_already_deactivated")


def check_dates(joining: date | None, leaving: date | None, field: str = "date_of_leaving") -> None:
    if joining is not None and leaving is not None and leaving < joining:
        raise invalid_field(field, "must not lie before date_of_joining")


def read_profile(
    access: WorkspaceAccess, profile: StaffProfileRow, email: str, display_name: str
) -> StaffProfile:
    """The profile as the caller may see it."""
    private = access.is_admin or profile.user_id == access.user_id
    return StaffProfile.of(profile, email, display_name, private=private)


def _is_active(status: str) -> bool:
    return status in ACTIVE_EMPLOYMENT_STATUSES


class StaffService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.staff = StaffRepository(session)
        self.departments = DepartmentRepository(session)

    @staticmethod
    def _read(access: WorkspaceAccess, row: StaffRow) -> StaffProfile:
        return read_profile(access, row.StaffProfile, row.email, row.display_name)

    async def page(
        self, access: WorkspaceAccess, filters: StaffFilters, sort: StaffSort, params: PageParams
    ) -> tuple[list[StaffProfile], str | None]:
        if filters.include_sub_departments and filters.department_id is None:
            raise invalid_field("include_sub_departments", "needs department_id")
        key = SORT_KEYS[sort]
        rows = await self.staff.page(access.workspace_id, filters, key, params)
        by_id = {row.StaffProfile.id: row for row in rows}
        items, next_cursor = build_page([row.StaffProfile for row in rows], key, params)
        return [self._read(access, by_id[item.id]) for item in items], next_cursor

    async def get(self, access: WorkspaceAccess, staff_profile_id: UUID) -> StaffProfile:
        return self._read(access, await self._get(access, staff_profile_id))

    async def create(
        self, access: WorkspaceAccess, request: StaffCreate, now: datetime
    ) -> StaffProfile:
        # The derived manager flag is read from the tree: no department write in between.
        await self.departments.lock_tree(access.workspace_id)
        member = await MemberRepository(self.session).get_live(access.workspace_id, request.user_id)
        if member is None:
            raise unknown_reference("user_id", "member")
        await self._check_department(access.workspace_id, request.department_id)
        check_dates(request.date_of_joining, request.date_of_leaving)
        profile = StaffProfileRow(
            workspace_id=access.workspace_id,
            is_department_manager=await self.departments.manages_live_department(
                access.workspace_id, request.user_id
            ),
            **request.model_dump(),
        )
        await self.staff.add(profile)
        if not _is_active(profile.employment_status):
            await self._end_management(profile, now=now, actor_id=access.user_id)
        await self._record(profile, StaffCreated, access)
        return read_profile(access, profile, member.email, member.display_name)

    async def update(
        self,
        access: WorkspaceAccess,
        staff_profile_id: UUID,
        request: StaffUpdate,
        now: datetime,
        if_match: EntityTags | None = None,
    ) -> StaffProfile:
        if request.employment_status is not None and not _is_active(request.employment_status):
            await self.departments.lock_tree(access.workspace_id)
        row = await self._get(access, staff_profile_id, for_update=True)
        profile = row.StaffProfile
        check_version(if_match, profile.version)
        changes = {
            name: value
            for name, value in request.model_dump(exclude_unset=True).items()
            if value != getattr(profile, name)
        }
        if not changes:
            return self._read(access, row)
        check_dates(
            changes.get("date_of_joining", profile.date_of_joining),
            changes.get("date_of_leaving", profile.date_of_leaving),
        )
        leaves = "employment_status" in changes and not _is_active(changes["employment_status"])
        for name, value in changes.items():
            setattr(profile, name, value)
        await self.staff.flush()
        if leaves:
            await self._end_management(profile, now=now, actor_id=access.user_id)
        await self._record(profile, StaffUpdated, access)
        return self._read(access, row)

    async def delete(
        self,
        access: WorkspaceAccess,
        staff_profile_id: UUID,
        now: datetime,
        if_match: EntityTags | None = None,
    ) -> None:
        """Mark the profile deleted; the member may get a new one."""
        profile = (await self._get(access, staff_profile_id, for_update=True)).StaffProfile
        check_version(if_match, profile.version)
        profile.deleted_at = now
        await self._record(profile, StaffDeleted, access)

    async def transfer(
        self, access: WorkspaceAccess, staff_profile_id: UUID, request: StaffTransferCreate
    ) -> StaffTransfer:
        """Move an active staff member to another live department, and record the move.

        The status stays as it is: `transferred` means leaving for another organisation.
        """
        profile = (await self._get(access, staff_profile_id, for_update=True)).StaffProfile
        if not _is_active(profile.employment_status):
            raise StaffInactive()
        if request.department_id == profile.department_id:
            raise AlreadyInDepartment()
        await self._check_department(access.workspace_id, request.department_id)
        check_dates(profile.date_of_joining, request.effective_date, field="effective_date")
        transfer = StaffTransferRow(
            workspace_id=access.workspace_id,
            staff_profile_id=profile.id,
            from_department_id=profile.department_id,
            to_department_id=request.department_id,
            effective_date=request.effective_date,
            note=request.note,
            actor_id=access.user_id,
        )
        profile.department_id = request.department_id
        await record_staff(self.session, profile, StaffTransferred, actor_id=access.user_id)
        await self.staff.add(transfer)
        return StaffTransfer.of(transfer)

    async def deactivate(
        self,
        access: WorkspaceAccess,
        staff_profile_id: UUID,
        request: StaffDeactivation,
        now: datetime,
    ) -> StaffProfile:
        """Resign or suspend a staff member: they stop managing departments."""
        await self.departments.lock_tree(access.workspace_id)
        row = await self._get(access, staff_profile_id, for_update=True)
        profile = row.StaffProfile
        if profile.employment_status == request.status:
            raise StatusUnchanged(request.status)
        leaving = request.date_of_leaving
        if leaving is None and request.status == LeavingStatus.RESIGNED:
            leaving = now.astimezone(ZoneInfo(access.workspace.timezone)).date()
        if leaving is not None:
            check_dates(profile.date_of_joining, leaving)
            profile.date_of_leaving = leaving
        profile.employment_status = EmploymentStatus(request.status)
        if request.reason is not None:
            profile.leaving_reason = request.reason
        await self._end_management(profile, now=now, actor_id=access.user_id)
        await self._record(profile, StaffDeactivated, access)
        return self._read(access, row)

    async def page_transfers(
        self, access: WorkspaceAccess, staff_profile_id: UUID, params: PageParams
    ) -> tuple[list[StaffTransfer], str | None]:
        await self._get(access, staff_profile_id)
        rows = await self.staff.page_transfers(staff_profile_id, TRANSFERS_IN_ORDER, params)
        items, next_cursor = build_page(rows, TRANSFERS_IN_ORDER, params)
        return [StaffTransfer.of(item) for item in items], next_cursor

    async def stats(self, access: WorkspaceAccess) -> StaffStats:
        """Fold the per-(department, status) counts into per-status and per-department."""
        by_status = dict.fromkeys(EmploymentStatus, 0)
        departments: dict[UUID | None, DepartmentStaffCount] = {}
        for department_id, code, name, status, count in await self.staff.counts(
            access.workspace_id
        ):
            by_status[EmploymentStatus(status)] += count
            department = departments.setdefault(
                department_id,
                DepartmentStaffCount(
                    department_id=department_id,
                    code=code,
                    name=name,
                    total=0,
                    by_status=dict.fromkeys(EmploymentStatus, 0),
                ),
            )
            department.total += count
            department.by_status[EmploymentStatus(status)] += count
        ordered = sorted(
            departments.values(), key=lambda d: (d.name is None, d.name or "", str(d.department_id))
        )
        return StaffStats(total=sum(by_status.values()), by_status=by_status, by_department=ordered)

    async def _get(
        self, access: WorkspaceAccess, staff_profile_id: UUID, *, for_update: bool = False
    ) -> StaffRow:
        row = await self.staff.get(access.workspace_id, staff_profile_id, for_update=for_update)
        if row is None:
            raise not_found("staff_profile")
        return row

    async def _record(
        self, profile: StaffProfileRow, event: type[StaffSnapshot], access: WorkspaceAccess
    ) -> None:
        await record_staff(self.session, profile, event, actor_id=access.user_id)
        await self.staff.flush()

    async def _end_management(
        self, profile: StaffProfileRow, *, now: datetime, actor_id: UUID
    ) -> None:
        # Cleared here, so that auto-sync finds the flag right and announces nothing extra.
        profile.is_department_manager = False
        await release_manager(
            self.session, profile.workspace_id, profile.user_id, now=now, actor_id=actor_id
        )

    async def _check_department(self, workspace_id: UUID, department_id: UUID | None) -> None:
        if department_id is not None and (
            await self.departments.get(workspace_id, department_id) is None
        ):
            raise unknown_reference("department_id", "department")
