"""The summaries' SQL: each one statement with GROUPING SETS, names joined to the (few)
aggregated rows afterwards. The project summary groups by issue, so it reads the entries;
the workspace summary reads the daily totals (a few rows per person and day)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import Row, text

from worksync.common.repository import Repository


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

TIME_SUMMARY_SQL = """
WITH totals AS (
    SELECT e.project_id, e.user_id, e.work_date,
           GROUPING(e.project_id) AS all_projects, GROUPING(e.user_id) AS all_users,
           GROUPING(e.work_date) AS all_days,
           SUM(e.seconds) AS seconds, SUM(e.billable_seconds) AS billable_seconds
    FROM timetracking.daily_totals AS e
    WHERE {where}
    GROUP BY GROUPING SETS ((e.project_id), (e.user_id), (e.work_date), ())
)
SELECT t.*, p.name AS project_name, m.display_name
FROM totals AS t
LEFT JOIN timetracking.directory_projects AS p
       ON t.all_projects = 0 AND p.id = t.project_id
LEFT JOIN timetracking.directory_members AS m
       ON t.all_users = 0 AND m.workspace_id = :workspace_id AND m.user_id = t.user_id
ORDER BY t.work_date NULLS LAST, t.seconds DESC, t.project_id, t.user_id
"""


class ReportRepository(Repository):
    async def worklog_summary(self, filters: SummaryFilters) -> Sequence[Row[Any]]:
        # Running and paused timers have no duration yet.
        where, parameters = filters.where("e.duration_seconds IS NOT NULL")
        result = await self.session.execute(
            text(WORKLOG_SUMMARY_SQL.format(where=where)), parameters
        )
        return result.all()

    async def time_summary(self, filters: SummaryFilters) -> Sequence[Row[Any]]:
        # Daily totals hold finished time only.
        where, parameters = filters.where()
        result = await self.session.execute(text(TIME_SUMMARY_SQL.format(where=where)), parameters)
        return result.all()
