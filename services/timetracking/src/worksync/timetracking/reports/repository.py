"""The summaries' SQL: each one statement with GROUPING SETS, names joined to the (few)
aggregated rows afterwards. The project summary groups by issue, so it reads the entries;
the workspace summary reads the daily totals (a few rows per person and day) the reader
may see."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any
from uuid import UUID

from sqlalchemy import (
    ColumnElement,
    Date,
    Row,
    Select,
    Uuid,
    and_,
    bindparam,
    func,
    literal,
    null,
    select,
    text,
    tuple_,
    union_all,
)

from worksync.common.directory import reader_values
from worksync.common.repository import Repository
from worksync.timetracking.entries.repository import Reader, readable_by
from worksync.timetracking.models import DailyTotal, MonthlyTotal, directory_tables
from worksync.timetracking.time_rules import split_by_months


@dataclass(frozen=True)
class SummaryFilters:
    workspace_id: UUID
    project_id: UUID | None = None
    user_id: UUID | None = None
    from_date: date | None = None
    to_date: date | None = None

    def where(self, *conditions: str) -> tuple[str, dict[str, Any]]:
        """The predicate on `e` (rows of the workspace that match the filters, and
        `conditions`) and its parameters."""
        clauses = ["e.workspace_id = :workspace_id", *conditions]
        for column, name in (
            ("project_id", "project_id"),
            ("user_id", "user_id"),
        ):
            if getattr(self, name) is not None:
                clauses.append(f"e.{column} = :{name}")
        if self.from_date is not None:
            clauses.append("e.work_date >= :from_date")
        if self.to_date is not None:
            clauses.append("e.work_date <= :to_date")
        return " AND ".join(clauses), {
            name: value for name, value in self.__dict__.items() if value is not None
        }


WORKLOG_SUMMARY_SQL = """
WITH totals AS (
    SELECT e.issue_id, e.user_id,
           GROUPING(e.issue_id) AS all_issues, GROUPING(e.user_id) AS all_users,
           SUM(e.rounded_duration_seconds) AS seconds
    FROM timetracking.time_entries AS e
    WHERE {where}
    GROUP BY GROUPING SETS ((e.issue_id), (e.user_id), ())
)
SELECT t.issue_id, t.user_id, t.all_issues, t.all_users, t.seconds,
       i.key, i.title, i.estimate_minutes, COALESCE(i.deleted, false) AS issue_deleted,
       m.display_name,
       -- A deleted issue's time still happened; its estimate no longer plans anything.
       SUM(i.estimate_minutes) FILTER (WHERE NOT i.deleted) OVER () AS total_estimate_minutes
FROM totals AS t
LEFT JOIN timetracking.issues AS i ON t.all_issues = 0 AND i.issue_id = t.issue_id
LEFT JOIN timetracking.directory_members AS m
       ON t.all_users = 0 AND m.workspace_id = :workspace_id AND m.user_id = t.user_id
ORDER BY t.seconds DESC, t.issue_id, t.user_id
"""


class ReportRepository(Repository):
    async def worklog_summary(self, filters: SummaryFilters) -> Sequence[Row[Any]]:
        # Running and paused timers have no duration yet.
        where, parameters = filters.where("e.duration_seconds IS NOT NULL")
        result = await self.session.execute(
            text(WORKLOG_SUMMARY_SQL.format(where=where)), parameters
        )
        return result.all()

    async def readable_users(
        self, reader: Reader, project_id: UUID, user_ids: Sequence[UUID]
    ) -> set[UUID]:
        """Those of `user_ids` whose time on the project the reader may see."""
        members = directory_tables.members
        readable = await self.session.scalars(
            select(members.c.user_id).where(
                members.c.workspace_id == reader.workspace_id,
                members.c.user_id.in_(user_ids),
                readable_by(reader.everyone, members.c.user_id, literal(project_id, Uuid)),
            ),
            reader_values(reader),
        )
        return set(readable)

    async def time_summary(self, filters: SummaryFilters, reader: Reader) -> Sequence[Row[Any]]:
        """By project, member and day, and the total, of the finished time the reader may
        see, in one statement; names joined to the few aggregated rows.

        By project and member (and the total) from the monthly totals of the range's whole
        months and the daily totals of the days at its ends (`split_by_months`): a year is
        twelve rows per person and project. By day from the daily totals."""
        split = split_by_months(filters.from_date, filters.to_date)
        spans = ([] if split.months is None else [split.months]) + list(split.days)
        shape = SummaryShape(
            everyone=reader.everyone,
            by_project=filters.project_id is not None,
            by_user=filters.user_id is not None,
            months=split.months is not None,
            # Which ends of each span (the months first), and of the whole range, are given.
            ends=tuple((first is not None, last is not None) for first, last in spans),
            range_ends=(filters.from_date is not None, filters.to_date is not None),
        )
        values: dict[str, Any] = {
            "workspace_id": filters.workspace_id,
            "project_id": filters.project_id,
            "user_id": filters.user_id,
            "range_first": filters.from_date,
            "range_last": filters.to_date,
            **reader_values(reader),
        }
        for index, (first, last) in enumerate(spans):
            values |= {f"span_{index}_first": first, f"span_{index}_last": last}
        rows: Sequence[Row[Any]] = (await self.session.execute(_time_summary(shape), values)).all()
        return rows


@dataclass(frozen=True)
class SummaryShape:
    """What decides the workspace summary's statement, its values aside."""

    everyone: bool
    by_project: bool
    by_user: bool
    # The first span is of whole months (monthly totals), the others of days.
    months: bool
    ends: tuple[tuple[bool, bool], ...]
    range_ends: tuple[bool, bool]


@lru_cache(maxsize=256)
def _time_summary(shape: SummaryShape) -> Select[Any]:
    """The workspace summary of `time_summary` for one shape, every value bound (by name:
    `workspace_id`, `project_id`, `user_id`, `span_<n>_first` / `_last`, `range_first` /
    `_last`, the reader's): building it per request cost more than running it on a
    workspace of a few hundred entries."""
    spans: list[Select[UUID, UUID, int, int]] = [
        _totals_of(MonthlyTotal if shape.months and index == 0 else DailyTotal, shape, index, ends)
        for index, ends in enumerate(shape.ends)
    ]
    rows = union_all(*spans).subquery("rows") if len(spans) > 1 else spans[0].subquery("rows")
    by_project_and_member = select(
        rows.c.project_id,
        rows.c.user_id,
        null().cast(Date).label("work_date"),
        func.grouping(rows.c.project_id).label("all_projects"),
        func.grouping(rows.c.user_id).label("all_users"),
        literal(1).label("all_days"),
        func.sum(rows.c.seconds).label("seconds"),
        func.sum(rows.c.billable_seconds).label("billable_seconds"),
    ).group_by(func.grouping_sets(tuple_(rows.c.project_id), tuple_(rows.c.user_id), tuple_()))
    day = DailyTotal
    by_day = (
        select(
            null().cast(Uuid).label("project_id"),
            null().cast(Uuid).label("user_id"),
            day.work_date,
            literal(1).label("all_projects"),
            literal(1).label("all_users"),
            literal(0).label("all_days"),
            func.sum(day.seconds).label("seconds"),
            func.sum(day.billable_seconds).label("billable_seconds"),
        )
        .where(*_summary_filters(day, shape, "range", shape.range_ends))
        .group_by(day.work_date)
    )
    totals = union_all(by_project_and_member, by_day).subquery("totals")
    projects, members = directory_tables.projects, directory_tables.members
    return (
        select(totals, projects.c.name.label("project_name"), members.c.display_name)
        .outerjoin(projects, and_(totals.c.all_projects == 0, projects.c.id == totals.c.project_id))
        .outerjoin(
            members,
            and_(
                totals.c.all_users == 0,
                members.c.workspace_id == bindparam("workspace_id", type_=Uuid),
                members.c.user_id == totals.c.user_id,
            ),
        )
        .order_by(
            totals.c.work_date.asc().nulls_last(),
            totals.c.seconds.desc(),
            totals.c.project_id,
            totals.c.user_id,
        )
    )


def _summary_filters(
    totals: type[DailyTotal] | type[MonthlyTotal],
    shape: SummaryShape,
    span: str,
    ends: tuple[bool, bool],
) -> list[ColumnElement[bool]]:
    """The rows of a totals table the summary counts: the workspace's, the reader's to
    see, the filters', their day (or month) from `<span>_first` to `<span>_last` (those
    of `ends` given; the others open)."""
    day = totals.work_date if issubclass(totals, DailyTotal) else totals.month
    clauses = [
        totals.workspace_id == bindparam("workspace_id", type_=Uuid),
        readable_by(shape.everyone, totals.user_id, totals.project_id),
    ]
    if shape.by_project:
        clauses.append(totals.project_id == bindparam("project_id", type_=Uuid))
    if shape.by_user:
        clauses.append(totals.user_id == bindparam("user_id", type_=Uuid))
    first, last = ends
    if first:
        clauses.append(day >= bindparam(f"{span}_first", type_=Date))
    if last:
        clauses.append(day <= bindparam(f"{span}_last", type_=Date))
    return clauses


def _totals_of(
    totals: type[DailyTotal] | type[MonthlyTotal],
    shape: SummaryShape,
    index: int,
    ends: tuple[bool, bool],
) -> Select[UUID, UUID, int, int]:
    return select(totals.project_id, totals.user_id, totals.seconds, totals.billable_seconds).where(
        *_summary_filters(totals, shape, f"span_{index}", ends)
    )
