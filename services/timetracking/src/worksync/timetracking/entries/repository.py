"""Every SQL statement on time entries and breaks, and the user facts a write needs."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cache, lru_cache
from typing import Any
from uuid import UUID

from sqlalchemy import (
    ColumnElement,
    Date,
    DateTime,
    Row,
    Select,
    SQLColumnExpression,
    String,
    Uuid,
    and_,
    bindparam,
    cast,
    func,
    literal,
    or_,
    select,
    text,
    true,
    tuple_,
)

from worksync.common.directory import (
    READER_ID,
    READER_WORKSPACE_ID,
    ProjectRole,
    projects_seen_by,
    reader_values,
)
from worksync.common.fields import CENT
from worksync.common.pagination import PageParams, SortKey, apply_bound_keyset, keyset_parameters
from worksync.common.repository import BoundFilters, Repository, as_table_rows
from worksync.timetracking.entries.schemas import EntryFilters
from worksync.timetracking.errors import EntryOverlaps, TimerAlreadyRunning
from worksync.timetracking.models import (
    NO_OVERLAP_CONSTRAINT,
    RUNNING_TIMER_INDEX,
    Break,
    RoundingSource,
    TimeEntry,
    Timesheet,
    UserSettings,
    directory_tables,
)
from worksync.timetracking.rounding import Rounding
from worksync.timetracking.time_rules import UTC_NAME, Pause
from worksync.timetracking.timesheets.teams import members_led_by

DEFAULT_WEEK_START = "monday"
DEFAULT_TIMESHEET_PERIOD = "weekly"


@dataclass(frozen=True)
class UserFacts:
    """What a write for a user in a workspace needs to know about them."""

    timezone: str
    week_start: str
    default_hourly_rate: Decimal | None
    default_billable: bool
    require_description: bool
    lockdown_date: date | None = None
    timesheet_period: str = DEFAULT_TIMESHEET_PERIOD
    auto_stop_minutes: int | None = None


@dataclass(frozen=True)
class WriteFacts:
    """What a new entry of a user in a project takes (`EntryRepository.write_facts`)."""

    facts: UserFacts
    rate: Decimal | None
    currency: str | None
    rounding: Rounding
    rounding_source: RoundingSource


def as_pauses(breaks: Iterable[Break]) -> list[Pause]:
    """Breaks as the time rules take them."""
    return [Pause(b.started_at, b.ended_at, b.is_paid) for b in breaks]


@dataclass(frozen=True)
class Reader:
    """Who reads entries: every entry of the workspace (`everyone`, as its owners and
    admins do), else their own and those of the projects they administer."""

    workspace_id: UUID
    user_id: UUID
    everyone: bool


# The worked seconds of entries split over local calendar days of `tz`: a timed entry's
# interval is cut at the local midnights it spans (the days come from generate_series over
# the local dates), less the unpaid breaks inside each piece; a duration-only entry counts
# on its work_date. `{entries}` selects the entries; the result is one row per day.
DAY_SPLIT_SQL = """
WITH entries AS ({entries}),
pieces AS (
    SELECT e.id, day,
           GREATEST(e.started_at, day::timestamp AT TIME ZONE :tz) AS lo,
           LEAST(e.ended_at, (day + 1)::timestamp AT TIME ZONE :tz) AS hi
    FROM entries e
    CROSS JOIN LATERAL (
        SELECT (e.started_at AT TIME ZONE :tz)::date + n AS day
        FROM generate_series(
            0, (e.ended_at AT TIME ZONE :tz)::date - (e.started_at AT TIME ZONE :tz)::date
        ) AS n
    ) AS days
    WHERE e.started_at IS NOT NULL
),
worked AS (
    SELECT p.day,
           EXTRACT(EPOCH FROM p.hi - p.lo) - COALESCE((
               SELECT SUM(EXTRACT(EPOCH FROM
                          LEAST(b.ended_at, p.hi) - GREATEST(b.started_at, p.lo)))
               FROM timetracking.breaks AS b
               WHERE b.entry_id = p.id AND NOT b.is_paid
                 AND b.started_at < p.hi AND b.ended_at > p.lo
           ), 0) AS seconds
    FROM pieces AS p
    WHERE p.hi > p.lo
    UNION ALL
    SELECT e.work_date, e.duration_seconds FROM entries e WHERE e.started_at IS NULL
)
SELECT day, SUM(seconds)::bigint AS seconds
FROM worked
WHERE day BETWEEN CAST(:first_day AS date) AND CAST(:last_day AS date)
GROUP BY day
HAVING SUM(seconds) > 0
ORDER BY day
"""

# One entry as the caller holds it (written or not yet), its breaks as stored.
ONE_ENTRY = """
    SELECT CAST(:entry_id AS uuid) AS id, CAST(:started_at AS timestamptz) AS started_at,
           CAST(:ended_at AS timestamptz) AS ended_at, CAST(:work_date AS date) AS work_date,
           CAST(:duration_seconds AS integer) AS duration_seconds
"""

USER_ENTRIES_IN_RANGE = """
    SELECT id, started_at, ended_at, work_date, duration_seconds
    FROM timetracking.time_entries
    WHERE workspace_id = :workspace_id AND user_id = :user_id AND duration_seconds IS NOT NULL
      AND (
        (started_at IS NULL AND work_date BETWEEN :first_day AND :last_day)
        OR (started_at < CAST(CAST(:last_day AS date) + 1 AS timestamp) AT TIME ZONE :tz
            AND ended_at > CAST(:first_day AS timestamp) AT TIME ZONE :tz)
      )
"""

# Built once: a `text` parses its SQL for bind names whenever it is made (a twentieth of a
# week view), and every write of an entry splits its days.
_ENTRY_DAYS = text(DAY_SPLIT_SQL.format(entries=ONE_ENTRY))
_USER_DAYS = text(DAY_SPLIT_SQL.format(entries=USER_ENTRIES_IN_RANGE))


# The reader of `readable_by` as bound values (the kit's `READER_…`, `reader_values`): a
# statement saying what a reader may see is built once per shape, as building it per
# request cost more than running it (a member's page of 50 entries spent 0.40 ms building
# its select).
_ADMINISTERED_PROJECTS = select(directory_tables.project_members.c.project_id).where(
    directory_tables.project_members.c.workspace_id == READER_WORKSPACE_ID,
    directory_tables.project_members.c.user_id == READER_ID,
    directory_tables.project_members.c.role == ProjectRole.ADMIN.value,
    directory_tables.project_members.c.removed.is_(False),
)


def readable_by(
    everyone: bool,
    user_id: SQLColumnExpression[UUID] = TimeEntry.user_id,
    project_id: SQLColumnExpression[UUID] = TimeEntry.project_id,
) -> ColumnElement[bool]:
    """The entries of the workspace the reader (`READER_WORKSPACE_ID`, `READER_ID`) may
    read: their own, their administered projects', and those of the members of the teams
    they lead on projects the reader sees (a private project's time stays with its
    members; all, for admins: `everyone`). Rows that sum entries (`user_id`,
    `project_id`: theirs) follow the same rule."""
    if everyone:
        return true()
    return or_(
        user_id == READER_ID,
        project_id.in_(_ADMINISTERED_PROJECTS),
        and_(
            user_id.in_(members_led_by(READER_WORKSPACE_ID, READER_ID)),
            project_id.in_(projects_seen_by(directory_tables, READER_WORKSPACE_ID, READER_ID)),
        ),
    )


# The list's filters (`EntryFilters`' fields), each a condition on a value bound by its name.
_FILTERS = BoundFilters(
    {
        "project_id": TimeEntry.project_id == bindparam("project_id"),
        "issue_id": TimeEntry.issue_id == bindparam("issue_id"),
        "user_id": TimeEntry.user_id == bindparam("user_id"),
        "from_date": TimeEntry.work_date >= bindparam("from_date"),
        "to_date": TimeEntry.work_date <= bindparam("to_date"),
        "billable": TimeEntry.billable == bindparam("billable"),
        "source": TimeEntry.source == bindparam("source"),
        "approval_state": TimeEntry.approval_state == bindparam("approval_state"),
    }
)


def _readable(
    of: Select[Any], everyone: bool, filtered: frozenset[str], *, finished: bool
) -> Select[Any]:
    """`of` (entries as objects, or `ENTRY_ROWS`) of the reader's workspace that the reader
    may see (`readable_by`), narrowed by the `filtered` filters (and to the finished
    ones); every value bound."""
    query = of.where(TimeEntry.workspace_id == READER_WORKSPACE_ID, readable_by(everyone))
    query = query.where(*_FILTERS.conditions(filtered))
    return query.where(TimeEntry.duration_seconds.is_not(None)) if finished else query


@lru_cache(maxsize=256)
def _readable_page(
    everyone: bool, filtered: frozenset[str], key: SortKey, *, finished: bool, after_cursor: bool
) -> Select[Any]:
    """A keyset page of `_readable` rows, built once per shape (`reader_values`, the
    filters' `given` values and `keyset_parameters` give its values)."""
    readable = _readable(ENTRY_ROWS, everyone, filtered, finished=finished)
    return apply_bound_keyset(readable, key, after_cursor=after_cursor)


# Built once with bound values: the hot reads and writes run them, and building them
# cost more than running them.
_ENTRIES = select(TimeEntry)
_TIMESHEET_STATE = select(Timesheet.state).where(
    Timesheet.workspace_id == bindparam("workspace_id", type_=Uuid),
    Timesheet.user_id == bindparam("user_id", type_=Uuid),
    Timesheet.period_start <= bindparam("day", type_=Date),
    Timesheet.period_end >= bindparam("day", type_=Date),
)
_BREAKS_OF = (
    select(Break)
    .where(Break.entry_id == bindparam("entry_id", type_=Uuid))
    .order_by(Break.started_at)
)
# The timer's columns its answer shows, and each of its breaks as a pause, in one statement.
_RUNNING_TIMER_WITH_PAUSES = (
    select(
        TimeEntry.id,
        TimeEntry.workspace_id,
        TimeEntry.project_id,
        TimeEntry.issue_id,
        TimeEntry.user_id,
        TimeEntry.description,
        TimeEntry.billable,
        TimeEntry.started_at,
        TimeEntry.ended_at,
        TimeEntry.version,
        Break.started_at.label("pause_started_at"),
        Break.ended_at.label("pause_ended_at"),
        Break.is_paid.label("pause_is_paid"),
    )
    .outerjoin(Break, Break.entry_id == TimeEntry.id)
    .where(
        TimeEntry.user_id == bindparam("user_id", type_=Uuid),
        TimeEntry.workspace_id == bindparam("workspace_id", type_=Uuid),
        TimeEntry.started_at.is_not(None),
        TimeEntry.ended_at.is_(None),
    )
    .order_by(Break.started_at)
)
ENTRY_ROWS = as_table_rows(_ENTRIES)
"""Entries read as rows (their mapped columns), selected once: a page's select starts from
it, as choosing the columns again per request cost more than the rest of building it."""


@cache
def _finished_on_local_days() -> Select[Any]:
    """A user's (`workspace_id`, `user_id`) finished entries that put time on a local day of
    `tz` from `first_day` to `last_day` (`day_after` the day after it), in list order."""

    def midnight(day: str) -> ColumnElement[datetime]:
        return func.timezone(
            bindparam("tz", type_=String), cast(bindparam(day, type_=Date), DateTime())
        )

    return as_table_rows(
        select(TimeEntry)
        .where(
            TimeEntry.workspace_id == bindparam("workspace_id", type_=Uuid),
            TimeEntry.user_id == bindparam("user_id", type_=Uuid),
            TimeEntry.duration_seconds.is_not(None),
            or_(
                and_(
                    TimeEntry.started_at.is_(None),
                    TimeEntry.work_date.between(
                        bindparam("first_day", type_=Date), bindparam("last_day", type_=Date)
                    ),
                ),
                and_(
                    TimeEntry.started_at < midnight("day_after"),
                    TimeEntry.ended_at > midnight("first_day"),
                ),
            ),
        )
        .order_by(TimeEntry.sort_at, TimeEntry.id)
    )


FACTS = 8
"""The columns of `_facts_query`: a `UserFacts`' fields, in order."""
# The look-ups every time write makes are built once, with these bound values.
WORKSPACE_ID = bindparam("workspace_id", type_=Uuid)
USER_ID = bindparam("user_id", type_=Uuid)
PROJECT_ID = bindparam("project_id", type_=Uuid)


@cache
def _facts_query() -> Select[Any]:
    """The user's facts (`WORKSPACE_ID`, `USER_ID`), one row whether or not the directory
    knows the workspace yet (its defaults then): the time zone (user setting, else the
    workspace's, else UTC), the week start, their defaults, the workspace's lockdown and
    timesheet period."""
    workspaces = directory_tables.workspaces
    settings = (
        select(UserSettings)
        .where(UserSettings.workspace_id == WORKSPACE_ID, UserSettings.user_id == USER_ID)
        .subquery()
    )
    one = select(literal(1).label("one")).subquery("one")
    return (
        select(
            func.coalesce(settings.c.timezone, workspaces.c.timezone, UTC_NAME),
            func.coalesce(workspaces.c.week_start, DEFAULT_WEEK_START),
            settings.c.default_hourly_rate,
            func.coalesce(settings.c.default_billable, False),
            func.coalesce(settings.c.require_description, False),
            workspaces.c.lockdown_date,
            func.coalesce(workspaces.c.timesheet_period, DEFAULT_TIMESHEET_PERIOD),
            settings.c.auto_stop_minutes,
        )
        .select_from(one)
        .outerjoin(workspaces, workspaces.c.id == WORKSPACE_ID)
        .outerjoin(settings, settings.c.workspace_id == workspaces.c.id)
    )


@cache
def _write_facts_query() -> Select[Any]:
    """`_facts_query` and, for `PROJECT_ID`, whether the directory has the project, the
    user's rate in it (else its default), its currency (else the workspace's), its rounding
    rule and the workspace's."""
    workspaces, projects, members = (
        directory_tables.workspaces,
        directory_tables.projects,
        directory_tables.project_members,
    )
    project = (
        select(
            literal(True).label("found"),
            func.coalesce(members.c.hourly_rate, projects.c.default_hourly_rate).label("rate"),
            projects.c.currency,
            projects.c.rounding,
        )
        .select_from(projects)
        .outerjoin(
            members,
            (members.c.project_id == projects.c.id)
            & (members.c.user_id == USER_ID)
            & members.c.removed.is_(False),
        )
        .where(projects.c.id == PROJECT_ID, projects.c.workspace_id == WORKSPACE_ID)
        .lateral("project")
    )
    return (
        _facts_query()
        .add_columns(
            project.c.found,
            project.c.rate,
            func.coalesce(project.c.currency, workspaces.c.currency),
            project.c.rounding,
            workspaces.c.rounding,
        )
        .outerjoin(project, true())
    )


def _user_facts(columns: Sequence[Any]) -> UserFacts:
    zone, week_start, rate, billable, require, lockdown, period, stop = columns
    return UserFacts(zone, week_start, rate, billable, require, lockdown, period, stop)


class EntryRepository(Repository):
    constraint_errors = {
        RUNNING_TIMER_INDEX: TimerAlreadyRunning,
        NO_OVERLAP_CONSTRAINT: EntryOverlaps,
    }

    async def user_facts(self, workspace_id: UUID, user_id: UUID) -> UserFacts:
        """Time zone (user setting, else the workspace's, else UTC) and defaults of a user."""
        parameters = {"workspace_id": workspace_id, "user_id": user_id}
        (row,) = await self.read_rows(_facts_query(), parameters)
        return _user_facts(row)

    async def write_facts(self, workspace_id: UUID, project_id: UUID, user_id: UUID) -> WriteFacts:
        """What a new entry of the user in the project takes, in one round trip: the user's
        facts (`user_facts`); the rate frozen into it (the user's rate in the project, else
        the project's default, else the user's default; in the project's currency, else the
        workspace's; none without a rate or a project); the rule that rounds time written
        now (the project's own, else its workspace's)."""
        parameters = {"workspace_id": workspace_id, "project_id": project_id, "user_id": user_id}
        (row,) = await self.read_rows(_write_facts_query(), parameters)
        facts = _user_facts(row[:FACTS])
        found, project_rate, currency, project_rounding, workspace_rounding = row[FACTS:]
        default_rate = facts.default_hourly_rate
        rate = None if not found else project_rate if project_rate is not None else default_rate
        if project_rounding is not None:
            rounding, source = Rounding.of_rule(project_rounding), RoundingSource.PROJECT
        else:
            rounding, source = Rounding.of_rule(workspace_rounding), RoundingSource.WORKSPACE
        return WriteFacts(
            facts=facts,
            rate=None if rate is None else Decimal(rate).quantize(CENT),
            currency=None if rate is None else currency,
            rounding=rounding,
            rounding_source=source,
        )

    async def timesheet_state(self, workspace_id: UUID, user_id: UUID, day: date) -> str | None:
        """The state of the user's timesheet holding `day`, if one was ever submitted; its
        transitions and every write of the user's time serialise on one key first."""
        await self.lock_key(f"timesheet:{workspace_id}:{user_id}")
        parameters = {"workspace_id": workspace_id, "user_id": user_id, "day": day}
        found = await self.read_rows(_TIMESHEET_STATE, parameters)
        return found[0].state if found else None

    async def get(
        self, workspace_id: UUID, entry_id: UUID, *, for_update: bool = False
    ) -> TimeEntry | None:
        query = select(TimeEntry).where(
            TimeEntry.id == entry_id, TimeEntry.workspace_id == workspace_id
        )
        if for_update:
            return await self.lock_for_update(query)
        return await self.session.scalar(query)

    async def running_timer(
        self, user_id: UUID, workspace_id: UUID | None = None
    ) -> TimeEntry | None:
        """The user's running or paused timer (in one workspace, or anywhere), locked."""
        query = select(TimeEntry).where(
            TimeEntry.user_id == user_id,
            TimeEntry.started_at.is_not(None),
            TimeEntry.ended_at.is_(None),
        )
        if workspace_id is not None:
            query = query.where(TimeEntry.workspace_id == workspace_id)
        return await self.lock_for_update(query)

    async def read_running_timer(
        self, user_id: UUID, workspace_id: UUID
    ) -> tuple[Row[Any], list[Pause]] | None:
        """The user's running or paused timer in the workspace (the row of its answer's
        columns) and its breaks, in one statement, as it finds them: no lock taken, as a
        client polls it and a lock would queue the read behind a stop."""
        rows = await self.read_rows(
            _RUNNING_TIMER_WITH_PAUSES, {"user_id": user_id, "workspace_id": workspace_id}
        )
        if not rows:
            return None
        pauses = [
            Pause(row.pause_started_at, row.pause_ended_at, row.pause_is_paid)
            for row in rows
            if row.pause_started_at is not None
        ]
        return rows[0], pauses

    async def breaks_of(self, entry_id: UUID) -> list[Break]:
        return list(await self.session.scalars(_BREAKS_OF, {"entry_id": entry_id}))

    async def pauses_of(self, entry_id: UUID) -> list[Pause]:
        """The entry's breaks as the time rules take them."""
        return as_pauses(await self.breaks_of(entry_id))

    @staticmethod
    def readable_finished(reader: Reader, filters: EntryFilters) -> Select[TimeEntry]:
        """The finished entries the reader may see, narrowed by the list's filters, with their
        values: what the export reads later, in sessions of its own."""
        values = _FILTERS.given(filters)
        readable = _readable(_ENTRIES, reader.everyone, frozenset(values), finished=True)
        return readable.params({**reader_values(reader), **values})

    async def newest_first(
        self, query: Select[TimeEntry], after: tuple[datetime, UUID] | None, limit: int
    ) -> list[TimeEntry]:
        """Up to `limit` entries of `query` by newest start, those before `after` (the sort
        key of the previous batch's last one): the export's keyset batches."""
        batch = query.order_by(TimeEntry.sort_at.desc(), TimeEntry.id.desc()).limit(limit)
        if after is not None:
            batch = batch.where(tuple_(TimeEntry.sort_at, TimeEntry.id) < after)
        return list(await self.session.scalars(batch))

    async def page(
        self, reader: Reader, filters: EntryFilters, key: SortKey, params: PageParams
    ) -> list[Row[Any]]:
        """A keyset page of the entries the reader may see, narrowed by the list's filters
        (and a row more, telling whether another follows), as rows of the table: the list's
        answer."""
        values = _FILTERS.given(filters)
        return await self._readable_page(reader, values, key, params, finished=False)

    async def page_on_issue(
        self, reader: Reader, project_id: UUID, issue_id: UUID, key: SortKey, params: PageParams
    ) -> list[Row[Any]]:
        """The finished entries on an issue the reader may see: its worklogs."""
        values = {"project_id": project_id, "issue_id": issue_id}
        return await self._readable_page(reader, values, key, params, finished=True)

    async def finished_on_local_days(
        self, workspace_id: UUID, user_id: UUID, tz: str, first_day: date, last_day: date
    ) -> list[Row[Any]]:
        """A user's finished entries putting time on a local day of `tz` from first to
        last, in list order."""
        parameters = {
            "workspace_id": workspace_id,
            "user_id": user_id,
            "tz": tz,
            "first_day": first_day,
            "last_day": last_day,
            "day_after": last_day + timedelta(days=1),
        }
        return await self.read_rows(_finished_on_local_days(), parameters)

    async def _readable_page(
        self,
        reader: Reader,
        values: dict[str, Any],
        key: SortKey,
        params: PageParams,
        *,
        finished: bool,
    ) -> list[Row[Any]]:
        statement = _readable_page(
            reader.everyone,
            frozenset(values),
            key,
            finished=finished,
            after_cursor=params.cursor is not None,
        )
        parameters = {**reader_values(reader), **values, **keyset_parameters(key, params)}
        return await self.read_rows(statement, parameters)

    async def entry_days(self, entry: TimeEntry) -> list[tuple[date, int]]:
        """A finished entry's worked seconds per local day of its own time zone, from its
        values as they are now: a new entry's first event is recorded before its row is
        written."""
        rows = await self.session.execute(
            _ENTRY_DAYS,
            {
                "entry_id": entry.id,
                "started_at": entry.started_at,
                "ended_at": entry.ended_at,
                "work_date": entry.work_date,
                "duration_seconds": entry.duration_seconds,
                "tz": entry.timezone,
                "first_day": date.min,
                "last_day": date.max,
            },
        )
        return [(row.day, int(row.seconds)) for row in rows]

    async def user_days(
        self, workspace_id: UUID, user_id: UUID, tz: str, first_day: date, last_day: date
    ) -> list[tuple[date, int]]:
        """A user's worked seconds per local day of `tz`, for the days from first to last."""
        rows = await self.session.execute(
            _USER_DAYS,
            {
                "workspace_id": workspace_id,
                "user_id": user_id,
                "tz": tz,
                "first_day": first_day,
                "last_day": last_day,
            },
        )
        return [(row.day, int(row.seconds)) for row in rows]
