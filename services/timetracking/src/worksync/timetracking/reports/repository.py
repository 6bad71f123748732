"""The summaries' SQL: each one statement with GROUPING SETS, names joined to the (few)
aggregated rows afterwards. The project summary groups by issue, so it reads the entries;
the workspace summary reads the daily totals (a few rows per person and day) the reader
may see."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import (
    ColumnElement,
    Date,
    Row,
    Select,
    Uuid,
    and_,
    func,
    literal,
    null,
    select,
    text,
    tuple_,
    union_all,
)

from worksync.common.repository import Repository
from worksync.timetracking.entries.repository import Reader, readable_by, reader_values
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
        spans: list[Select[UUID, UUID, int, int]] = []
        if split.months is not None:
            first, last = split.months
            spans.append(_totals_of(MonthlyTotal, filters, reader, first, last))
        spans += [
            _totals_of(DailyTotal, filters, reader, first, last) for first, last in split.days
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
            .where(*_summary_filters(day, filters, reader, filters.from_date, filters.to_date))
            .group_by(day.work_date)
        )
        totals = union_all(by_project_and_member, by_day).subquery("totals")
        projects, members = directory_tables.projects, directory_tables.members
        statement = (
            select(totals, projects.c.name.label("project_name"), members.c.display_name)
            .outerjoin(
                projects, and_(totals.c.all_projects == 0, projects.c.id == totals.c.project_id)
            )
            .outerjoin(
                members,
                and_(
                    totals.c.all_users == 0,
                    members.c.workspace_id == filters.workspace_id,
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
        return (await self.session.execute(statement, reader_values(reader))).all()


def _summary_filters(
    totals: type[DailyTotal] | type[MonthlyTotal],
    filters: SummaryFilters,
    reader: Reader,
    first: date | None,
    last: date | None,
) -> list[ColumnElement[bool]]:
    """The rows of a totals table the summary counts: the workspace's, the reader's to
    see, the filters', their day (or month) from `first` to `last` (None: open)."""
    day = totals.work_date if issubclass(totals, DailyTotal) else totals.month
    clauses = [
        totals.workspace_id == filters.workspace_id,
        readable_by(reader.everyone, totals.user_id, totals.project_id),
    ]
    if filters.project_id is not None:
        clauses.append(totals.project_id == filters.project_id)
    if filters.user_id is not None:
        clauses.append(totals.user_id == filters.user_id)
    if first is not None:
        clauses.append(day >= first)
    if last is not None:
        clauses.append(day <= last)
    return clauses


def _totals_of(
    totals: type[DailyTotal] | type[MonthlyTotal],
    filters: SummaryFilters,
    reader: Reader,
    first: date | None,
    last: date | None,
) -> Select[UUID, UUID, int, int]:
    return select(totals.project_id, totals.user_id, totals.seconds, totals.billable_seconds).where(
        *_summary_filters(totals, filters, reader, first, last)
    )
