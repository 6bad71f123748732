"""Every SQL statement on timesheets."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import lru_cache
from uuid import UUID

from sqlalchemy import Select, bindparam, or_, select, update

from worksync.common.directory import READER_ID, READER_WORKSPACE_ID, ReaderIds, reader_values
from worksync.common.pagination import PageParams, SortKey, apply_bound_keyset, keyset_parameters
from worksync.common.repository import BoundFilters, Repository
from worksync.timetracking.errors import TimesheetNotOpen
from worksync.timetracking.models import ApprovalState, TimeEntry, Timesheet
from worksync.timetracking.timesheets.schemas import TimesheetFilters
from worksync.timetracking.timesheets.teams import members_led_by

PERIOD_UNIQUE = "uq_timesheets_workspace_id_user_id_period_start"
# The list's filters (`TimesheetFilters`' fields), each a condition on a value bound by its
# name: the page's select is built once per shape, as building it cost more than running it.
_FILTERS = BoundFilters(
    {
        "state": Timesheet.state == bindparam("state"),
        "user_id": Timesheet.user_id == bindparam("user_id"),
        "from_date": Timesheet.period_end >= bindparam("from_date"),
        "to_date": Timesheet.period_start <= bindparam("to_date"),
    }
)


@lru_cache(maxsize=64)
def _page(
    everyone: bool, filtered: frozenset[str], key: SortKey, *, after_cursor: bool
) -> Select[Timesheet]:
    """A keyset page of the reader's workspace's timesheets the reader may see (the kit's
    `READER_…`): all (`everyone`), or the reader's own and their teams' members'."""
    query = select(Timesheet).where(Timesheet.workspace_id == READER_WORKSPACE_ID)
    if not everyone:
        query = query.where(
            or_(
                Timesheet.user_id == READER_ID,
                Timesheet.user_id.in_(members_led_by(READER_WORKSPACE_ID, READER_ID)),
            )
        )
    query = query.where(*_FILTERS.conditions(filtered))
    return apply_bound_keyset(query, key, after_cursor=after_cursor)


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
        reader: ReaderIds,
        filters: TimesheetFilters,
        key: SortKey,
        params: PageParams,
        *,
        everyone: bool,
    ) -> list[Timesheet]:
        """A keyset page of the timesheets `reader` may see (any of the workspace's:
        `everyone`, as admins do): their own and those of the members of the teams they
        lead."""
        values = _FILTERS.given(filters)
        statement = _page(everyone, frozenset(values), key, after_cursor=params.cursor is not None)
        parameters = {**reader_values(reader), **values, **keyset_parameters(key, params)}
        return list(await self.session.scalars(statement, parameters))
