"""Timesheets and their approval.

open → submitted → approved, or rejected (with a comment) and open again; the submitter
may withdraw a submitted one; a workspace admin may reopen an approved one with a reason.
Approvers: workspace owners and admins, and the lead of a live team the user belongs to —
never the user themself. Every transition locks the timesheet's row, so of two approvers
acting at once one wins and the other finds it decided (409). The first submission of a
period writes its row under the user's timesheet key, which every write of the user's time
takes too (`EntryRepository.timesheet_state`): no entry slips into a period while it is
being submitted.

Every transition gives the period's entries the new state as their `approval_state` (open:
draft) in the same transaction, with one UPDATE and no entry events: the timesheet's own
event says it for all of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.directory import WorkspaceContext
from worksync.common.errors import not_found
from worksync.common.ids import new_id
from worksync.common.pagination import PageParams, SortKey, build_page, sort_key
from worksync.common.preconditions import EntityTags, check_version
from worksync.timetracking import time_rules
from worksync.timetracking.entries.repository import EntryRepository
from worksync.timetracking.entries.schemas import Entry
from worksync.timetracking.errors import (
    NotAnApprover,
    TimerRunningInPeriod,
    TimesheetNotApproved,
    TimesheetNotOpen,
    TimesheetNotSubmitted,
    invalid_times,
)
from worksync.timetracking.messaging.published import (
    TimesheetApproved,
    TimesheetRejected,
    TimesheetReopened,
    TimesheetSnapshot,
    TimesheetSubmitted,
    TimesheetWithdrawn,
)
from worksync.timetracking.messaging.recording import record_timesheet
from worksync.timetracking.models import TimeEntry, Timesheet, TimesheetState
from worksync.timetracking.timesheets.repository import TimesheetRepository
from worksync.timetracking.timesheets.schemas import (
    Timesheet as TimesheetOut,
)
from worksync.timetracking.timesheets.schemas import (
    TimesheetDetail,
    TimesheetFilters,
    TimesheetSubmit,
)
from worksync.timetracking.timesheets.teams import TeamRepository

SORT: SortKey = sort_key("period_start", Timesheet.period_start, Timesheet.id)
OPEN_STATES = (TimesheetState.OPEN, TimesheetState.REJECTED)


def totals(entries: Sequence[TimeEntry]) -> tuple[int, int]:
    """Rounded seconds of finished entries, all and billable."""
    total = sum(entry.rounded_duration_seconds or 0 for entry in entries)
    billable = sum(entry.rounded_duration_seconds or 0 for entry in entries if entry.billable)
    return total, billable


async def approves(teams: TeamRepository, workspace: WorkspaceContext, user_id: UUID) -> bool:
    """Whether the caller decides on the user's time: a workspace owner or admin, or the
    lead of a live team the user belongs to; never the user themself."""
    if user_id == workspace.user_id:
        return False
    if workspace.role.administers:
        return True
    return await teams.leads(workspace.workspace_id, workspace.user_id, user_id)


class TimesheetService:
    def __init__(self, session: AsyncSession, now: datetime) -> None:
        self.session = session
        self.sheets = TimesheetRepository(session)
        self.entries = EntryRepository(session)
        self.teams = TeamRepository(session)
        self.now = now

    async def submit(
        self, workspace: WorkspaceContext, request: TimesheetSubmit
    ) -> TimesheetDetail:
        user_id = workspace.user_id
        facts = await self.entries.user_facts(workspace.workspace_id, user_id)
        with invalid_times():
            first, last = time_rules.period_of(
                request.date, facts.timesheet_period, facts.week_start
            )
        await self.sheets.lock_user(workspace.workspace_id, user_id)
        running = await self.entries.running_timer(user_id, workspace.workspace_id)
        if running is not None and first <= running.work_date <= last:
            raise TimerRunningInPeriod()
        sheet = await self.sheets.of_period(workspace.workspace_id, user_id, first)
        if sheet is None:
            sheet = Timesheet(
                id=new_id(),
                workspace_id=workspace.workspace_id,
                user_id=user_id,
                period_start=first,
                period_end=last,
                state=TimesheetState.OPEN,
                version=0,
            )
            self.session.add(sheet)
        elif sheet.state not in OPEN_STATES:
            raise TimesheetNotOpen()
        sheet.state = TimesheetState.SUBMITTED
        sheet.submitted_at = self.now
        sheet.decided_by = sheet.decided_at = sheet.comment = None
        return await self._moved(sheet, TimesheetSubmitted, workspace)

    async def withdraw(self, workspace: WorkspaceContext, timesheet_id: UUID) -> TimesheetDetail:
        sheet = await self._visible(workspace, timesheet_id, for_update=True)
        if sheet.user_id != workspace.user_id:
            raise NotAnApprover()
        if sheet.state != TimesheetState.SUBMITTED:
            raise TimesheetNotSubmitted()
        sheet.state = TimesheetState.OPEN
        sheet.submitted_at = None
        return await self._moved(sheet, TimesheetWithdrawn, workspace)

    async def approve(
        self, workspace: WorkspaceContext, timesheet_id: UUID, if_match: EntityTags | None = None
    ) -> TimesheetDetail:
        """Approve; `if_match`: only the version the approver reviewed."""
        sheet = await self._decidable(workspace, timesheet_id)
        check_version(if_match, sheet.version)
        sheet.state = TimesheetState.APPROVED
        self._decided(sheet, workspace, None)
        return await self._moved(sheet, TimesheetApproved, workspace)

    async def reject(
        self, workspace: WorkspaceContext, timesheet_id: UUID, comment: str
    ) -> TimesheetDetail:
        sheet = await self._decidable(workspace, timesheet_id)
        sheet.state = TimesheetState.REJECTED
        sheet.submitted_at = None
        self._decided(sheet, workspace, comment)
        return await self._moved(sheet, TimesheetRejected, workspace)

    async def reopen(
        self, workspace: WorkspaceContext, timesheet_id: UUID, reason: str
    ) -> TimesheetDetail:
        sheet = await self._visible(workspace, timesheet_id, for_update=True)
        if not workspace.role.administers or sheet.user_id == workspace.user_id:
            raise NotAnApprover()
        if sheet.state != TimesheetState.APPROVED:
            raise TimesheetNotApproved()
        sheet.state = TimesheetState.OPEN
        sheet.submitted_at = None
        self._decided(sheet, workspace, reason)
        return await self._moved(sheet, TimesheetReopened, workspace)

    async def get(self, workspace: WorkspaceContext, timesheet_id: UUID) -> TimesheetDetail:
        sheet = await self._visible(workspace, timesheet_id, for_update=False)
        return await self._detail(sheet)

    async def page(
        self, workspace: WorkspaceContext, filters: TimesheetFilters, params: PageParams
    ) -> tuple[list[TimesheetOut], str | None]:
        with invalid_times():
            time_rules.check_date_range(filters.from_date, filters.to_date)
        rows = await self.sheets.page(
            workspace, filters, SORT, params, everyone=workspace.role.administers
        )
        items, next_cursor = build_page(rows, SORT, params)
        return [TimesheetOut.of(sheet) for sheet in items], next_cursor

    async def _visible(
        self, workspace: WorkspaceContext, timesheet_id: UUID, *, for_update: bool
    ) -> Timesheet:
        """A timesheet the caller may see: their own, or one they may decide on; else 404.
        To change it, the user's timesheet key first (as entry writes take it, so none
        slips in between the new state and its entries' approval), then its row."""
        sheet = await self.sheets.get(workspace.workspace_id, timesheet_id)
        if sheet is not None and for_update:
            await self.sheets.lock_user(workspace.workspace_id, sheet.user_id)
            sheet = await self.sheets.get(workspace.workspace_id, timesheet_id, for_update=True)
        if sheet is None:
            raise not_found("timesheet")
        if sheet.user_id != workspace.user_id and not await self._approves(workspace, sheet):
            raise not_found("timesheet")
        return sheet

    async def _approves(self, workspace: WorkspaceContext, sheet: Timesheet) -> bool:
        return await approves(self.teams, workspace, sheet.user_id)

    async def _decidable(self, workspace: WorkspaceContext, timesheet_id: UUID) -> Timesheet:
        sheet = await self._visible(workspace, timesheet_id, for_update=True)
        if not await self._approves(workspace, sheet):
            raise NotAnApprover()
        if sheet.state != TimesheetState.SUBMITTED:
            raise TimesheetNotSubmitted()
        return sheet

    def _decided(self, sheet: Timesheet, workspace: WorkspaceContext, comment: str | None) -> None:
        sheet.decided_by = workspace.user_id
        sheet.decided_at = self.now
        sheet.comment = comment

    async def _moved(
        self,
        sheet: Timesheet,
        event_class: type[TimesheetSnapshot],
        workspace: WorkspaceContext,
    ) -> TimesheetDetail:
        await self.sheets.carry_state(sheet)
        entries = await self.sheets.entries(sheet)
        await record_timesheet(
            self.session, sheet, event_class, actor_id=workspace.user_id, totals=totals(entries)
        )
        await self.sheets.flush()
        await self.session.refresh(sheet)
        return self._as_detail(sheet, entries)

    async def _detail(self, sheet: Timesheet) -> TimesheetDetail:
        return self._as_detail(sheet, await self.sheets.entries(sheet))

    @staticmethod
    def _as_detail(sheet: Timesheet, entries: Sequence[TimeEntry]) -> TimesheetDetail:
        total, billable = totals(entries)
        return TimesheetDetail(
            **TimesheetOut.of(sheet).model_dump(),
            total_seconds=total,
            billable_seconds=billable,
            entries=[Entry.of(entry) for entry in entries],
        )
