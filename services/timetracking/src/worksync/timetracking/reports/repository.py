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

from sqlalchemy import Row, Uuid, and_, func, literal, select, text, tuple_

from worksync.common.repository import Repository
from worksync.timetracking.entries.repository import Reader, readable_by
from worksync.timetracking.models import DailyTotal, directory_tables


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
                readable_by(reader, members.c.user_id, literal(project_id, Uuid)),
            )
        )
        return set(readable)

    async def time_summary(self, filters: SummaryFilters, reader: Reader) -> Sequence[Row[Any]]:
        """By project, member and day, and the total, of the daily totals (finished time)
        the reader may see, in one pass (`GROUPING SETS`); names joined to the few
        aggregated rows."""
        e = DailyTotal
        clauses = [
            e.workspace_id == filters.workspace_id,
            readable_by(reader, e.user_id, e.project_id),
        ]
        if filters.project_id is not None:
            clauses.append(e.project_id == filters.project_id)
        if filters.user_id is not None:
            clauses.append(e.user_id == filters.user_id)
        if filters.from_date is not None:
            clauses.append(e.work_date >= filters.from_date)
        if filters.to_date is not None:
            clauses.append(e.work_date <= filters.to_date)
        totals = (
            select(
                e.project_id,
                e.user_id,
                e.work_date,
                func.grouping(e.project_id).label("all_projects"),
                func.grouping(e.user_id).label("all_users"),
                func.grouping(e.work_date).label("all_days"),
                func.sum(e.seconds).label("seconds"),
                func.sum(e.billable_seconds).label("billable_seconds"),
            )
            .where(*clauses)
            .group_by(
                func.grouping_sets(
                    tuple_(e.project_id), tuple_(e.user_id), tuple_(e.work_date), tuple_()
                )
            )
            .subquery("totals")
        )
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
        return (await self.session.execute(statement)).all()
