"""Every SQL statement on time entries and breaks, and the user facts a write needs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from uuid import UUID

from psycopg.errors import ExclusionViolation, UniqueViolation
from sqlalchemy import (
    ColumnElement,
    DateTime,
    and_,
    cast,
    func,
    literal,
    or_,
    select,
    text,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from worksync.timetracking.errors import EntryOverlaps, TimerAlreadyRunning
from worksync.timetracking.models import (
    NO_OVERLAP_CONSTRAINT,
    RUNNING_TIMER_INDEX,
    Break,
    TimeEntry,
    UserSettings,
    directory,
)
from worksync.timetracking.timezones import UTC_NAME

DEFAULT_WEEK_START = "monday"


@dataclass(frozen=True)
class UserFacts:
    """What a write for a user in a workspace needs to know about them."""

    timezone: str
    week_start: str
    default_hourly_rate: Decimal | None
    default_billable: bool
    require_description: bool


@contextmanager
def constraint_conflicts() -> Iterator[None]:
    """Turn the invariants the database refused into their 409s, by constraint name."""
    try:
        yield
    except IntegrityError as exc:
        orig = exc.orig
        name = getattr(getattr(orig, "diag", None), "constraint_name", None)
        if isinstance(orig, UniqueViolation) and name == RUNNING_TIMER_INDEX:
            raise TimerAlreadyRunning() from exc
        if isinstance(orig, ExclusionViolation) and name == NO_OVERLAP_CONSTRAINT:
            raise EntryOverlaps() from exc
        raise


async def lock_user(session: AsyncSession, user_id: UUID) -> None:
    """Serialise a user's timer operations until the transaction ends."""
    await session.execute(
        select(func.pg_advisory_xact_lock(func.hashtextextended(str(user_id), 0)))
    )


async def user_facts(session: AsyncSession, workspace_id: UUID, user_id: UUID) -> UserFacts:
    """Time zone (user setting, else the workspace's, else UTC) and defaults of a user."""
    workspaces = directory.workspaces
    settings = (
        select(UserSettings)
        .where(UserSettings.workspace_id == workspace_id, UserSettings.user_id == user_id)
        .subquery()
    )
    query = (
        select(
            func.coalesce(settings.c.timezone, workspaces.c.timezone, UTC_NAME),
            func.coalesce(workspaces.c.week_start, DEFAULT_WEEK_START),
            settings.c.default_hourly_rate,
            func.coalesce(settings.c.default_billable, False),
            func.coalesce(settings.c.require_description, False),
        )
        .select_from(workspaces)
        .outerjoin(settings, settings.c.workspace_id == workspaces.c.id)
        .where(workspaces.c.id == workspace_id)
    )
    row = (await session.execute(query)).one_or_none()
    if row is None:  # the workspace row always exists once the caller's membership does
        return UserFacts(UTC_NAME, DEFAULT_WEEK_START, None, False, False)
    return UserFacts(*row)


async def rate_for(
    session: AsyncSession, workspace_id: UUID, project_id: UUID, user_id: UUID
) -> tuple[Decimal | None, str | None]:
    """The rate frozen into a new entry: the user's rate in the project, else the project's
    default, else the user's default; in the project's currency, else the workspace's."""
    projects, members, workspaces = (
        directory.projects,
        directory.project_members,
        directory.workspaces,
    )
    query = (
        select(
            func.coalesce(
                members.c.hourly_rate,
                projects.c.default_hourly_rate,
                UserSettings.default_hourly_rate,
            ),
            func.coalesce(projects.c.currency, workspaces.c.currency),
        )
        .select_from(projects)
        .outerjoin(
            members,
            (members.c.project_id == projects.c.id)
            & (members.c.user_id == user_id)
            & members.c.removed.is_(False),
        )
        .outerjoin(workspaces, workspaces.c.id == projects.c.workspace_id)
        .outerjoin(
            UserSettings,
            (UserSettings.workspace_id == projects.c.workspace_id)
            & (UserSettings.user_id == user_id),
        )
        .where(projects.c.id == project_id, projects.c.workspace_id == workspace_id)
    )
    row = (await session.execute(query)).one_or_none()
    if row is None or row[0] is None:
        return None, None
    return Decimal(row[0]).quantize(Decimal("0.01")), row[1]


async def add_entry(session: AsyncSession, entry: TimeEntry) -> TimeEntry:
    session.add(entry)
    with constraint_conflicts():
        await session.flush()
    return entry


async def save(session: AsyncSession) -> None:
    """Flush pending changes, answering the invariants the database refuses as 409s."""
    with constraint_conflicts():
        await session.flush()


async def find_entry(
    session: AsyncSession, workspace_id: UUID, entry_id: UUID, *, for_update: bool = False
) -> TimeEntry | None:
    query = select(TimeEntry).where(
        TimeEntry.id == entry_id, TimeEntry.workspace_id == workspace_id
    )
    if for_update:
        query = query.with_for_update()
    return await session.scalar(query)


async def delete_entry(session: AsyncSession, entry: TimeEntry) -> None:
    """Delete the entry (its breaks go with it: ON DELETE CASCADE)."""
    await session.delete(entry)
    await session.flush()


async def running_timer(
    session: AsyncSession, user_id: UUID, workspace_id: UUID | None = None
) -> TimeEntry | None:
    """The user's running or paused timer (in one workspace, or anywhere)."""
    query = select(TimeEntry).where(
        TimeEntry.user_id == user_id,
        TimeEntry.started_at.is_not(None),
        TimeEntry.ended_at.is_(None),
    )
    if workspace_id is not None:
        query = query.where(TimeEntry.workspace_id == workspace_id)
    return await session.scalar(query.with_for_update())


async def breaks_of(session: AsyncSession, entry_id: UUID) -> list[Break]:
    query = select(Break).where(Break.entry_id == entry_id).order_by(Break.started_at)
    return list(await session.scalars(query))


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

ONE_ENTRY = """
    SELECT id, started_at, ended_at, work_date, duration_seconds
    FROM timetracking.time_entries WHERE id = :entry_id AND duration_seconds IS NOT NULL
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


async def entry_days(session: AsyncSession, entry: TimeEntry) -> list[tuple[date, int]]:
    """A finished entry's worked seconds per local day of its own time zone."""
    statement = text(DAY_SPLIT_SQL.format(entries=ONE_ENTRY))
    rows = await session.execute(
        statement,
        {
            "entry_id": entry.id,
            "tz": entry.timezone,
            "first_day": date.min,
            "last_day": date.max,
        },
    )
    return [(row.day, int(row.seconds)) for row in rows]


async def user_days(
    session: AsyncSession,
    workspace_id: UUID,
    user_id: UUID,
    tz: str,
    first_day: date,
    last_day: date,
) -> list[tuple[date, int]]:
    """A user's worked seconds per local day of `tz`, for the days from first to last."""
    statement = text(DAY_SPLIT_SQL.format(entries=USER_ENTRIES_IN_RANGE))
    rows = await session.execute(
        statement,
        {
            "workspace_id": workspace_id,
            "user_id": user_id,
            "tz": tz,
            "first_day": first_day,
            "last_day": last_day,
        },
    )
    return [(row.day, int(row.seconds)) for row in rows]


def in_local_range(tz: str, first_day: date, last_day: date) -> ColumnElement[bool]:
    """Finished entries that put time on a local day of `tz` from first to last."""

    def midnight(day: date) -> ColumnElement[datetime]:
        return func.timezone(tz, cast(literal(day), DateTime()))

    return and_(
        TimeEntry.duration_seconds.is_not(None),
        or_(
            and_(TimeEntry.started_at.is_(None), TimeEntry.work_date.between(first_day, last_day)),
            and_(
                TimeEntry.started_at < midnight(last_day + timedelta(days=1)),
                TimeEntry.ended_at > midnight(first_day),
            ),
        ),
    )
