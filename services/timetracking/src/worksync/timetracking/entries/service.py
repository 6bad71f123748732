"""Time entries: the rules every write follows (also for worklogs and timers), and the
entries API's use cases. Services never commit; events go to the outbox."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.directory import (
    Directory,
    DirectoryProject,
    ProjectNotFound,
    ProjectRole,
    WorkspaceContext,
    WorkspaceRole,
)
from worksync.common.errors import (
    FieldError,
    Unprocessable,
    invalid_field,
    not_found,
    unknown_reference,
)
from worksync.common.ids import new_id
from worksync.common.pagination import PageParams, SortKey, build_page, page_answer, sort_key
from worksync.common.preconditions import EntityTags, check_version
from worksync.common.roles import InsufficientRole
from worksync.timetracking import time_rules
from worksync.timetracking.access import (
    administers,
    ensure_may_act_for,
    ensure_open_for_time,
    entry_reader,
    project_of,
)
from worksync.timetracking.budgets.service import BudgetWatch
from worksync.timetracking.entries.repository import EntryRepository, UserFacts, WriteFacts
from worksync.timetracking.entries.schemas import (
    Entry,
    EntryCreate,
    EntryDuplicate,
    EntryFilters,
    EntrySort,
    EntryUpdate,
    entry_answer,
)
from worksync.timetracking.errors import (
    EntryIsRunning,
    NotProjectMember,
    PeriodLocked,
    TimesheetApproved,
    TimesheetSubmitted,
    invalid_times,
)
from worksync.timetracking.issues.service import IssueLookup
from worksync.timetracking.messaging.published import EntryCreated, EntryDeleted, EntryUpdated
from worksync.timetracking.messaging.recording import record_entry
from worksync.timetracking.models import ApprovalState, EntrySource, TimeEntry, TimesheetState
from worksync.timetracking.rounding import round_entry
from worksync.timetracking.timesheets.teams import TeamRepository

SORTS: dict[EntrySort, SortKey] = {
    EntrySort.NEWEST_START: sort_key("-started_at", TimeEntry.sort_at, TimeEntry.id),
    EntrySort.WORK_DATE: sort_key("work_date", TimeEntry.work_date, TimeEntry.id),
    EntrySort.NEWEST_WORK_DATE: sort_key("-work_date", TimeEntry.work_date, TimeEntry.id),
    EntrySort.CREATED_AT: sort_key("created_at", TimeEntry.created_at, TimeEntry.id),
}


@dataclass(frozen=True)
class WriteTarget:
    """Whose time goes into which project, checked: the project is open for time and the
    caller may write for the user."""

    project: DirectoryProject
    user_id: UUID
    written: WriteFacts

    @property
    def facts(self) -> UserFacts:
        return self.written.facts

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.facts.timezone)


def shape_error(fields: list[str], message: str) -> Unprocessable:
    return Unprocessable(
        "The request is not valid",
        errors=[FieldError(field=field, message=message) for field in fields],
    )


class EntryWrites:
    """What every write of an entry shares: target, rules, rate, times and events."""

    def __init__(
        self,
        session: AsyncSession,
        directory: Directory,
        issues: IssueLookup,
        now: datetime,
        lockdown_grace: timedelta = timedelta(0),
    ) -> None:
        self.session = session
        self.entries = EntryRepository(session)
        self.directory = directory
        self.issues = issues
        # Entries keep whole seconds, so that their split over days adds up exactly.
        self.now = time_rules.whole_seconds(now)
        self.lockdown_grace = lockdown_grace
        self.budgets = BudgetWatch(session)

    async def check_open(
        self,
        workspace: WorkspaceContext,
        facts: UserFacts,
        user_id: UUID,
        day: date,
        *,
        decision: bool = False,
    ) -> ApprovalState:
        """Whether the user's time on `day` may change: not while its timesheet is approved
        (409, anyone, unless an approver applies an accepted modification request:
        `decision`), nor by the user while it is submitted (409); not on a locked day (the
        workspace's lockdown, in the user's zone, once the day's grace has passed) but by
        workspace owners and admins (409). Returns the approval an entry on `day` carries:
        its timesheet's state."""
        state = await self.entries.timesheet_state(workspace.workspace_id, user_id, day)
        if state == TimesheetState.APPROVED and not decision:
            raise TimesheetApproved()
        if state == TimesheetState.SUBMITTED and user_id == workspace.user_id:
            raise TimesheetSubmitted()
        if not workspace.role.administers:
            zone = ZoneInfo(facts.timezone)
            if time_rules.is_locked(day, facts.lockdown_date, zone, self.lockdown_grace, self.now):
                raise PeriodLocked()
        return ApprovalState.of_timesheet(state)

    @staticmethod
    def round(entry: TimeEntry) -> None:
        """A finished entry's rounded values, by the rule frozen on it."""
        if entry.duration_seconds is None:
            return
        rounded = round_entry(
            entry.rounding,
            ZoneInfo(entry.timezone),
            entry.duration_seconds,
            entry.started_at,
            entry.ended_at,
        )
        entry.rounded_started_at = rounded.started_at
        entry.rounded_ended_at = rounded.ended_at
        entry.rounded_duration_seconds = rounded.duration_seconds

    async def target(
        self,
        workspace: WorkspaceContext,
        project_id: UUID,
        issue_id: UUID | None,
        user_id: UUID | None = None,
    ) -> WriteTarget:
        project = await project_of(self.session, self.directory, workspace, project_id)
        ensure_open_for_time(project)
        user_id = user_id or workspace.user_id
        ensure_may_act_for(project, workspace, user_id)
        if user_id != workspace.user_id:
            # The directory asks the workspace API about a member it has not heard of yet.
            member = await self.directory.workspace_member(
                self.session, workspace.membership, user_id, workspace.authorization
            )
            if member is None or member.role is WorkspaceRole.GUEST:
                raise unknown_reference("user_id", "member")
            if not await self.directory.member_sees_project(
                self.session, member, project, workspace.authorization
            ):
                raise NotProjectMember()
        if issue_id is not None:
            await self.issues.live_issue(self.session, workspace, project.id, issue_id)
        written = await self.entries.write_facts(workspace.workspace_id, project.id, user_id)
        return WriteTarget(project=project, user_id=user_id, written=written)

    @staticmethod
    def check_description(facts: UserFacts, description: str) -> None:
        if facts.require_description and not description.strip():
            raise invalid_field("description", "a description is required (user setting)")

    def interval(
        self, zone: ZoneInfo, started_at: datetime, ended_at: datetime
    ) -> tuple[datetime, datetime]:
        """Both ends as UTC instants; the end after the start, not too far ahead."""
        with invalid_times():
            return time_rules.interval(started_at, ended_at, zone, self.now)

    def check_work_date(self, zone: ZoneInfo, work_date: date, field: str = "work_date") -> None:
        with invalid_times():
            time_rules.check_work_date(work_date, zone, self.now, field)

    async def rate(
        self, workspace: WorkspaceContext, target: WriteTarget, explicit: Decimal | None
    ) -> tuple[Decimal | None, str | None]:
        """The rate frozen into the entry: an admin's explicit one, else the resolved one."""
        resolved, currency = target.written.rate, target.written.currency
        if explicit is None:
            return resolved, currency
        if not administers(target.project):
            raise InsufficientRole(ProjectRole.ADMIN.value)
        return explicit, currency

    async def insert(
        self, entry: TimeEntry, workspace: WorkspaceContext, target: WriteTarget
    ) -> TimeEntry:
        """Write a new entry (built at version 0) on an open day, its project's rounding rule
        (else its workspace's) frozen on it, so that later changes of either leave it, and
        its timesheet's state as its approval; a finished one is rounded and recorded as
        created first, so that the row is written at its first version (versions start at
        1)."""
        entry.approval_state = await self.check_open(
            workspace, target.facts, entry.user_id, entry.work_date
        )
        entry.freeze_rounding(target.written.rounding, target.written.rounding_source)
        if entry.duration_seconds is not None:
            self.round(entry)
            await record_entry(self.session, entry, EntryCreated, actor_id=workspace.user_id)
        await self.entries.add(entry)
        if entry.duration_seconds is not None:
            await self.budgets.check(entry.workspace_id, entry.project_id, workspace.user_id)
        return entry

    async def owned_entry(
        self,
        workspace: WorkspaceContext,
        entry_id: UUID,
        *,
        writing: bool,
        what: str = "time_entry",
        decision: bool = False,
    ) -> tuple[TimeEntry, DirectoryProject]:
        """An entry the caller may see (their own, one they administer, or for reading one
        of a member of a team they lead; any, for an approver applying an accepted
        modification request: `decision`), else 404; for writes, also a finished one in a
        project open for time."""
        entry = await self.entries.get(workspace.workspace_id, entry_id, for_update=writing)
        if entry is None:
            raise not_found(what)
        try:
            project = await project_of(self.session, self.directory, workspace, entry.project_id)
        except ProjectNotFound:
            raise not_found(what) from None
        if (
            entry.user_id != workspace.user_id
            and not administers(project)
            and not decision
            and (writing or not await self._leads(workspace, entry.user_id))
        ):
            raise not_found(what)
        if writing:
            ensure_open_for_time(project)
            if entry.duration_seconds is None:
                raise EntryIsRunning()
        return entry, project

    async def _leads(self, workspace: WorkspaceContext, user_id: UUID) -> bool:
        """Whether the caller leads a team the user belongs to (they read its time)."""
        return await TeamRepository(self.session).leads(
            workspace.workspace_id, workspace.user_id, user_id
        )

    async def changed(self, entry: TimeEntry, actor_id: UUID) -> None:
        """Rounded again by its own rule; a new version and its event, unless the request
        left every value as it was."""
        self.round(entry)
        if not self.session.is_modified(entry):
            return
        await self.entries.flush()
        await record_entry(self.session, entry, EntryUpdated, actor_id=actor_id)
        await self.budgets.check(entry.workspace_id, entry.project_id, actor_id)

    async def remove(self, entry: TimeEntry, actor_id: UUID) -> None:
        await record_entry(self.session, entry, EntryDeleted, actor_id=actor_id)
        await self.entries.delete(entry)


class EntryService:
    def __init__(self, writes: EntryWrites) -> None:
        self.writes = writes
        self.session = writes.session
        self.entries = writes.entries

    async def create(self, workspace: WorkspaceContext, request: EntryCreate) -> Entry:
        target = await self.writes.target(
            workspace, request.project_id, request.issue_id, request.user_id
        )
        self.writes.check_description(target.facts, request.description)
        rate, currency = await self.writes.rate(workspace, target, request.hourly_rate)
        zone = target.zone
        started, ended, work_date, duration = self._times(zone, request)
        entry = TimeEntry(
            id=new_id(),
            workspace_id=workspace.workspace_id,
            project_id=target.project.id,
            issue_id=request.issue_id,
            user_id=target.user_id,
            description=request.description,
            work_date=work_date,
            started_at=started,
            ended_at=ended,
            duration_seconds=duration,
            billable=target.facts.default_billable
            if request.billable is None
            else request.billable,
            hourly_rate=rate,
            currency=currency,
            tags=request.tags,
            source=EntrySource.MANUAL,
            timezone=zone.key,
            sort_at=time_rules.sort_instant(started, work_date, zone),
            version=0,
        )
        return Entry.of(await self.writes.insert(entry, workspace, target))

    def _times(
        self, zone: ZoneInfo, request: EntryCreate
    ) -> tuple[datetime | None, datetime | None, date, int]:
        timed = {"started_at": request.started_at, "ended_at": request.ended_at}
        dated = {"work_date": request.work_date, "duration_seconds": request.duration_seconds}
        given_timed = [name for name, value in timed.items() if value is not None]
        given_dated = [name for name, value in dated.items() if value is not None]
        if given_timed and given_dated:
            raise shape_error(
                given_timed + given_dated,
                "give started_at and ended_at, or work_date and duration_seconds, not both",
            )
        if not given_timed and not given_dated:
            raise shape_error(
                list(timed) + list(dated),
                "give started_at and ended_at, or work_date and duration_seconds",
            )
        if given_timed:
            if request.started_at is None or request.ended_at is None:
                missing = [name for name in timed if name not in given_timed]
                raise shape_error(missing, "required with " + given_timed[0])
            started, ended = self.writes.interval(zone, request.started_at, request.ended_at)
            return (
                started,
                ended,
                time_rules.local_date(started, zone),
                time_rules.duration_seconds(started, ended),
            )
        if request.work_date is None or request.duration_seconds is None:
            missing = [name for name in dated if name not in given_dated]
            raise shape_error(missing, "required with " + given_dated[0])
        self.writes.check_work_date(zone, request.work_date)
        return None, None, request.work_date, request.duration_seconds

    async def get(self, workspace: WorkspaceContext, entry_id: UUID) -> Entry:
        entry, _ = await self.writes.owned_entry(workspace, entry_id, writing=False)
        return Entry.of(entry)

    async def update(
        self,
        workspace: WorkspaceContext,
        entry_id: UUID,
        request: EntryUpdate,
        *,
        decision: bool = False,
        if_match: EntityTags | None = None,
    ) -> Entry:
        """Change an entry; `decision`: an approver applies an accepted modification
        request (to an entry of an approved timesheet, whoever's it is)."""
        entry, project = await self.writes.owned_entry(
            workspace, entry_id, writing=True, decision=decision
        )
        check_version(if_match, entry.version)
        fields = request.model_fields_set
        if not fields:
            return Entry.of(entry)
        if "issue_id" in fields and request.issue_id is not None:
            await self.writes.issues.live_issue(
                self.session, workspace, entry.project_id, request.issue_id
            )
        written = await self.entries.write_facts(
            workspace.workspace_id, entry.project_id, entry.user_id
        )
        facts = written.facts
        await self.writes.check_open(
            workspace, facts, entry.user_id, entry.work_date, decision=decision
        )
        target = WriteTarget(project=project, user_id=entry.user_id, written=written)
        if "description" in fields:
            self.writes.check_description(facts, request.description or "")
        if "hourly_rate" in fields:
            # Only admins set rates, or let them resolve again (null).
            if not administers(project):
                raise InsufficientRole(ProjectRole.ADMIN.value)
            entry.hourly_rate, entry.currency = await self.writes.rate(
                workspace, target, request.hourly_rate
            )
        await self._retime(entry, target, request)
        # The new work date may lie in another period: the entry takes its timesheet's state.
        entry.approval_state = await self.writes.check_open(
            workspace, facts, entry.user_id, entry.work_date, decision=decision
        )
        for name in ("issue_id", "description", "billable", "tags"):
            if name in fields:
                setattr(entry, name, getattr(request, name))
        await self.writes.changed(entry, workspace.user_id)
        return Entry.of(entry)

    async def _retime(self, entry: TimeEntry, target: WriteTarget, request: EntryUpdate) -> None:
        fields = request.model_fields_set
        zone = target.zone
        if entry.started_at is not None and entry.ended_at is not None:
            if wrong := sorted(fields & {"work_date", "duration_seconds"}):
                raise shape_error(wrong, "a timed entry changes started_at and ended_at")
            if not fields & {"started_at", "ended_at"}:
                return
            started, ended = self.writes.interval(
                zone,
                request.started_at or entry.started_at.astimezone(zone),
                request.ended_at or entry.ended_at.astimezone(zone),
            )
            breaks = await self.entries.pauses_of(entry.id)
            worked = time_rules.worked_seconds(started, ended, breaks)
            with invalid_times():
                time_rules.check_worked(worked)
            entry.started_at, entry.ended_at, entry.duration_seconds = started, ended, worked
            entry.work_date, entry.sort_at = time_rules.local_date(started, zone), started
            entry.timezone = zone.key
            return
        if wrong := sorted(fields & {"started_at", "ended_at"}):
            raise shape_error(wrong, "a duration-only entry changes work_date and duration_seconds")
        if request.work_date is not None:
            self.writes.check_work_date(zone, request.work_date)
            entry.work_date = request.work_date
            entry.sort_at = time_rules.local_midnight(request.work_date, zone)
            entry.timezone = zone.key
        if request.duration_seconds is not None:
            entry.duration_seconds = request.duration_seconds

    async def delete(
        self,
        workspace: WorkspaceContext,
        entry_id: UUID,
        *,
        decision: bool = False,
        if_match: EntityTags | None = None,
    ) -> None:
        entry, _ = await self.writes.owned_entry(
            workspace, entry_id, writing=True, decision=decision
        )
        check_version(if_match, entry.version)
        facts = await self.entries.user_facts(workspace.workspace_id, entry.user_id)
        await self.writes.check_open(
            workspace, facts, entry.user_id, entry.work_date, decision=decision
        )
        await self.writes.remove(entry, workspace.user_id)

    @staticmethod
    def check_filters(filters: EntryFilters) -> None:
        with invalid_times():
            time_rules.check_date_range(filters.from_date, filters.to_date)

    def export_query(self, workspace: WorkspaceContext, filters: EntryFilters) -> Select[TimeEntry]:
        """The finished entries the export writes (read later, in a session of its own)."""
        self.check_filters(filters)
        return EntryRepository.readable_finished(entry_reader(workspace), filters)

    async def page(
        self,
        workspace: WorkspaceContext,
        filters: EntryFilters,
        sort: EntrySort,
        params: PageParams,
    ) -> dict[str, Any]:
        """The `Page[Entry]` answer, its entries as `entry_answer`s."""
        self.check_filters(filters)
        key = SORTS[sort]
        rows = await self.entries.page(entry_reader(workspace), filters, key, params)
        items, next_cursor = build_page(rows, key, params)
        return page_answer([entry_answer(entry) for entry in items], next_cursor)

    async def duplicate(
        self, workspace: WorkspaceContext, entry_id: UUID, request: EntryDuplicate
    ) -> Entry:
        """A new entry like a finished one the caller may change, on `work_date` (default:
        today, local): a duration-only one as it is, a timed one at the same local times
        of day. The rate is resolved again; the usual rules apply."""
        source, _ = await self.writes.owned_entry(workspace, entry_id, writing=True)
        target = await self.writes.target(
            workspace, source.project_id, source.issue_id, source.user_id
        )
        self.writes.check_description(target.facts, source.description)
        rate, currency = await self.writes.rate(workspace, target, None)
        zone = target.zone
        work_date = request.work_date or time_rules.local_date(self.writes.now, zone)
        started: datetime | None = None
        ended: datetime | None = None
        duration = source.duration_seconds
        if source.started_at is not None and source.ended_at is not None:
            with invalid_times():
                start, end = time_rules.same_local_times(
                    source.started_at, source.ended_at, ZoneInfo(source.timezone), work_date
                )
            started, ended = self.writes.interval(zone, start, end)
            work_date = time_rules.local_date(started, zone)
            duration = time_rules.duration_seconds(started, ended)
        else:
            self.writes.check_work_date(zone, work_date)
        entry = TimeEntry(
            id=new_id(),
            workspace_id=workspace.workspace_id,
            project_id=source.project_id,
            issue_id=source.issue_id,
            user_id=source.user_id,
            description=source.description,
            work_date=work_date,
            started_at=started,
            ended_at=ended,
            duration_seconds=duration,
            billable=source.billable,
            hourly_rate=rate,
            currency=currency,
            tags=list(source.tags),
            source=EntrySource.MANUAL,
            timezone=zone.key,
            sort_at=time_rules.sort_instant(started, work_date, zone),
            version=0,
        )
        return Entry.of(await self.writes.insert(entry, workspace, target))
