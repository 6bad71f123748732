"""Every SQL statement on timesheets."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from uuid import UUID

from sqlalchemy import Select, or_, select, update

from worksync.common.pagination import PageParams, SortKey, apply_keyset
from worksync.common.repository import Repository
from worksync.timetracking.errors import TimesheetNotOpen
from worksync.timetracking.models import ApprovalState, TimeEntry, Timesheet
from worksync.timetracking.timesheets.schemas import TimesheetFilters
from worksync.timetracking.timesheets.teams import members_led_by

PERIOD_UNIQUE = "uq_timesheets_workspace_id_user_id_period_start"


class TimesheetRepository(Repository):
    constraint_errors = {PERIOD_UNIQUE: TimesheetNotOpen}

    async def lock_user(self, workspace_id: UUID, user_id: UUID) -> None:
        """The key every write of the user's time takes too (`timesheet_state`)."""
        await self.lock_key(f"timesheet:{workspace_id}:{user_id}")

    async def of_period(self, workspace_id: UUID, user_id: UUID, start: date) -> Timesheet | None:
        return await self.lock_for_update(
            select(Timesheet).where(
                Timesheet.workspace_id == workspace_id,
                Timesheet.user_id == user_id,
                Timesheet.period_start == start,
            )
        )

    async def get(
        self, workspace_id: UUID, timesheet_id: UUID, *, for_update: bool = False
    ) -> Timesheet | None:
        query = select(Timesheet).where(
            Timesheet.id == timesheet_id, Timesheet.workspace_id == workspace_id
        )
        if for_update:
            return await self.lock_for_update(query)
        return await self.session.scalar(query)

    async def carry_state(self, sheet: Timesheet) -> None:
        """The entries of the user on the period's days take the timesheet's state as their
        approval, in one statement (rows already holding it are left alone); `entries`
        reads them afresh."""
        approval = ApprovalState.of_timesheet(sheet.state)
        await self.execute(
            update(TimeEntry)
            .where(
                TimeEntry.workspace_id == sheet.workspace_id,
                TimeEntry.user_id == sheet.user_id,
                TimeEntry.work_date.between(sheet.period_start, sheet.period_end),
                TimeEntry.approval_state != approval,
            )
            .values(approval_state=approval)
            .execution_options(synchronize_session=False)
        )

    async def entries(self, sheet: Timesheet) -> Sequence[TimeEntry]:
        """The finished entries of the user on the period's days, in list order."""
        query = (
            select(TimeEntry)
            .where(
                TimeEntry.workspace_id == sheet.workspace_id,
                TimeEntry.user_id == sheet.user_id,
                TimeEntry.work_date.between(sheet.period_start, sheet.period_end),
                TimeEntry.duration_seconds.is_not(None),
            )
            .order_by(TimeEntry.sort_at, TimeEntry.id)
            .execution_options(populate_existing=True)
        )
        return (await self.session.scalars(query)).all()

    async def page(
        self,
        workspace_id: UUID,
        reader: UUID | None,
        filters: TimesheetFilters,
        key: SortKey,
        params: PageParams,
    ) -> list[Timesheet]:
        """A keyset page of the timesheets `reader` may see (None: all, as admins do):
        their own and those of the members of the teams they lead."""
        query: Select[Timesheet] = select(Timesheet).where(Timesheet.workspace_id == workspace_id)
        if reader is not None:
            query = query.where(
                or_(
                    Timesheet.user_id == reader,
                    Timesheet.user_id.in_(members_led_by(workspace_id, reader)),
                )
            )
        if filters.state is not None:
            query = query.where(Timesheet.state == filters.state)
        if filters.user_id is not None:
            query = query.where(Timesheet.user_id == filters.user_id)
        if filters.from_date is not None:
            query = query.where(Timesheet.period_end >= filters.from_date)
        if filters.to_date is not None:
            query = query.where(Timesheet.period_start <= filters.to_date)
        return list(await self.session.scalars(apply_keyset(query, key, params)))
