"""`GET .../time-tracking/report` and its CSV: finished entries grouped by one or two of
project, issue, user, client, day, week, month, with rounded hours, billable hours and
billable amount in the workspace's currency. One statement: a `GROUP BY` of the entries the
caller may see (their own, their administered projects', their led teams' members'; admins
all), filtered, aggregated on the raw keys (ids, dates), with names joined and keys cast to
text on the aggregated rows only.

Amounts: rate times rounded hours of billable entries whose frozen currency is the
workspace's; entries in another currency (a project's own) count in the hours but not in
the amount — there are no exchange rates — and are counted in `other_currency_entries`.

Clients: an entry counts for its project's client as the directory knows it now (a
project moved to another client takes its past time along); entries of projects without
a client group under a null key; a deleted client keeps its last name. A client filter
names clients of the caller's workspace: another workspace's ids match nothing, as
project ids do.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any
from uuid import UUID

from pydantic import BaseModel
from sqlalchemy import (
    ColumnElement,
    Date,
    FromClause,
    Integer,
    Label,
    SQLColumnExpression,
    String,
    and_,
    cast,
    func,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.directory import WorkspaceContext
from worksync.common.errors import AppError
from worksync.common.fields import CENT, Money
from worksync.timetracking import time_rules
from worksync.timetracking.access import entry_reader
from worksync.timetracking.entries.export import text_cell
from worksync.timetracking.entries.repository import EntryRepository, readable_by
from worksync.timetracking.errors import invalid_times
from worksync.timetracking.models import (
    ApprovalState,
    Client,
    Issue,
    TimeEntry,
    directory_tables,
)

MAX_DAYS = 366
MAX_ROWS = 5000
MAX_FILTER_IDS = 50
# The entries' projects, joined only to group by client (the names' join uses the table).
ENTRY_PROJECT = directory_tables.projects.alias("entry_project")


class Dimension(StrEnum):
    PROJECT = "project"
    ISSUE = "issue"
    USER = "user"
    CLIENT = "client"
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


class ReportTooLarge(AppError):
    def __init__(self) -> None:
        super().__init__(
            detail=f"The report has more than {MAX_ROWS} rows; narrow its range or filters",
            code="report_too_large",
            status=422,
        )


@dataclass(frozen=True)
class ReportQuery:
    group_by: Dimension
    then_by: Dimension | None
    from_date: date
    to_date: date
    project_ids: list[UUID]
    user_ids: list[UUID]
    client_ids: list[UUID]
    billable: bool | None
    approval_state: ApprovalState | None


class ReportKey(BaseModel):
    dimension: Dimension
    key: str | None
    label: str | None


class ReportRow(BaseModel):
    group: ReportKey
    then: ReportKey | None
    seconds: int
    billable_seconds: int
    hours: Decimal
    billable_hours: Decimal
    amount: Money


class Report(BaseModel):
    currency: str | None
    rows: list[ReportRow]
    total_seconds: int
    billable_seconds: int
    total_hours: Decimal
    billable_hours: Decimal
    amount: Money
    other_currency_entries: int


def _hours(seconds: int) -> Decimal:
    return (Decimal(seconds) / 3600).quantize(CENT)


class TimeReportService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.entries = EntryRepository(session)

    async def report(self, workspace: WorkspaceContext, query: ReportQuery) -> Report:
        with invalid_times():
            time_rules.check_day(query.from_date, "from")
            time_rules.check_day(query.to_date, "to")
            time_rules.check_date_range(query.from_date, query.to_date)
            if query.to_date - query.from_date >= timedelta(days=MAX_DAYS):
                raise time_rules.TimeRuleViolation("to", f"a report spans {MAX_DAYS} days at most")
            if query.then_by is not None and query.then_by == query.group_by:
                raise time_rules.TimeRuleViolation("then_by", "must differ from group_by")
        facts = await self.entries.user_facts(workspace.workspace_id, workspace.user_id)
        currency = await self.session.scalar(
            select(directory_tables.workspaces.c.currency).where(
                directory_tables.workspaces.c.id == workspace.workspace_id
            )
        )
        dimensions = [query.group_by, *([query.then_by] if query.then_by else [])]
        rounded = TimeEntry.rounded_duration_seconds
        billable = TimeEntry.billable.is_(True)
        in_currency = and_(billable, TimeEntry.currency == currency)
        # Aggregate on the raw keys (uuids, dates) first: hashing them is cheap and runs in
        # parallel; casting and naming every entry row made PostgreSQL sort them all as text.
        raw: list[Label[Any]] = [
            self._raw_key(dimension, facts.week_start).label(f"key_{index}")
            for index, dimension in enumerate(dimensions)
        ]
        totals = (
            select(
                *raw,
                func.sum(rounded).label("seconds"),
                func.coalesce(func.sum(rounded).filter(billable), 0).label("billable_seconds"),
                func.coalesce(
                    func.sum(rounded * TimeEntry.hourly_rate).filter(in_currency), 0
                ).label("amount"),
                func.count()
                .filter(
                    and_(
                        billable, TimeEntry.hourly_rate.is_not(None), TimeEntry.currency != currency
                    )
                )
                .label("other_currency"),
            )
            .select_from(self._entries(dimensions))
            .where(*self._filters(workspace, query))
            .group_by(*raw)
            .subquery("totals")
        )
        columns: list[Any] = []
        joined: FromClause = totals
        for index, dimension in enumerate(dimensions):
            key = totals.c[f"key_{index}"]
            text_key, label = self._named(dimension, key)
            columns += [text_key, label]
            joined = self._join_name(joined, dimension, key, workspace.workspace_id)
        statement = (
            select(
                *columns,
                totals.c.seconds,
                totals.c.billable_seconds,
                totals.c.amount,
                totals.c.other_currency,
            )
            .select_from(joined)
            .order_by(*columns)
            .limit(MAX_ROWS + 1)
        )
        rows = (await self.session.execute(statement)).all()
        if len(rows) > MAX_ROWS:
            raise ReportTooLarge()
        width = 2 * len(dimensions)
        result = []
        for row in rows:
            seconds, billable_seconds, amount = int(row[width]), int(row[width + 1]), row[width + 2]
            result.append(
                ReportRow(
                    group=ReportKey(dimension=dimensions[0], key=row[0], label=row[1]),
                    then=ReportKey(dimension=dimensions[1], key=row[2], label=row[3])
                    if len(dimensions) > 1
                    else None,
                    seconds=seconds,
                    billable_seconds=billable_seconds,
                    hours=_hours(seconds),
                    billable_hours=_hours(billable_seconds),
                    amount=(Decimal(amount) / 3600).quantize(CENT),
                )
            )
        total = sum(row.seconds for row in result)
        total_billable = sum(row.billable_seconds for row in result)
        return Report(
            currency=currency,
            rows=result,
            total_seconds=total,
            billable_seconds=total_billable,
            total_hours=_hours(total),
            billable_hours=_hours(total_billable),
            amount=sum((row.amount for row in result), Decimal("0.00")),
            other_currency_entries=sum(int(row[width + 3]) for row in rows),
        )

    @staticmethod
    def _entries(dimensions: list[Dimension]) -> FromClause:
        """The entries, with their projects when grouped by client."""
        if Dimension.CLIENT not in dimensions:
            return TimeEntry.__table__
        return TimeEntry.__table__.outerjoin(
            ENTRY_PROJECT, ENTRY_PROJECT.c.id == TimeEntry.project_id
        )

    @staticmethod
    def _raw_key(dimension: Dimension, week_start: str) -> SQLColumnExpression[Any]:
        """What an entry is grouped on for a dimension: an id, or a date (a week's or a
        month's first day)."""
        if dimension is Dimension.CLIENT:
            return ENTRY_PROJECT.c.client_id
        if dimension is Dimension.PROJECT:
            return TimeEntry.project_id
        if dimension is Dimension.ISSUE:
            return TimeEntry.issue_id
        if dimension is Dimension.USER:
            return TimeEntry.user_id
        if dimension is Dimension.DAY:
            return TimeEntry.work_date
        if dimension is Dimension.WEEK:
            start = (
                time_rules.WEEKDAYS.index(week_start) if week_start in time_rules.WEEKDAYS else 0
            )
            back = (cast(func.extract("isodow", TimeEntry.work_date), Integer) - 1 - start + 7) % 7
            return cast(TimeEntry.work_date - back, Date)
        day_of_month = cast(func.extract("day", TimeEntry.work_date), Integer)
        return cast(TimeEntry.work_date - (day_of_month - 1), Date)

    @staticmethod
    def _named(
        dimension: Dimension, key: ColumnElement[Any]
    ) -> tuple[ColumnElement[Any], ColumnElement[Any]]:
        """A grouped row's key as text and its label (names from `_join_name`'s tables)."""
        if dimension is Dimension.PROJECT:
            return cast(key, String), directory_tables.projects.c.name
        if dimension is Dimension.ISSUE:
            return cast(key, String), func.concat_ws(" ", Issue.key, Issue.title)
        if dimension is Dimension.USER:
            return cast(key, String), directory_tables.members.c.display_name
        if dimension is Dimension.CLIENT:
            return cast(key, String), Client.name.expression
        if dimension is Dimension.MONTH:
            month = func.to_char(key, "YYYY-MM")
            return month, month
        day = cast(key, String)
        return day, day

    @staticmethod
    def _join_name(
        joined: FromClause, dimension: Dimension, key: ColumnElement[Any], workspace_id: UUID
    ) -> FromClause:
        """`joined` with the table naming a dimension's key, if it has one."""
        if dimension is Dimension.PROJECT:
            projects = directory_tables.projects
            return joined.outerjoin(projects, projects.c.id == key)
        if dimension is Dimension.ISSUE:
            return joined.outerjoin(Issue, Issue.issue_id == key)
        if dimension is Dimension.USER:
            members = directory_tables.members
            return joined.outerjoin(
                members, and_(members.c.workspace_id == workspace_id, members.c.user_id == key)
            )
        if dimension is Dimension.CLIENT:
            return joined.outerjoin(
                Client, and_(Client.client_id == key, Client.workspace_id == workspace_id)
            )
        return joined

    @staticmethod
    def _filters(workspace: WorkspaceContext, query: ReportQuery) -> list[ColumnElement[bool]]:
        clauses = [
            TimeEntry.workspace_id == workspace.workspace_id,
            TimeEntry.duration_seconds.is_not(None),
            TimeEntry.work_date.between(query.from_date, query.to_date),
            readable_by(entry_reader(workspace)),
        ]
        if query.project_ids:
            clauses.append(TimeEntry.project_id.in_(query.project_ids))
        if query.user_ids:
            clauses.append(TimeEntry.user_id.in_(query.user_ids))
        if query.billable is not None:
            clauses.append(TimeEntry.billable.is_(query.billable))
        if query.client_ids:
            projects = directory_tables.projects
            clauses.append(
                TimeEntry.project_id.in_(
                    select(projects.c.id).where(
                        projects.c.workspace_id == workspace.workspace_id,
                        projects.c.client_id.in_(query.client_ids),
                    )
                )
            )
        if query.approval_state is not None:
            clauses.append(TimeEntry.approval_state == query.approval_state)
        return clauses


CSV_COLUMNS = (
    "group",
    "group_key",
    "group_label",
    "then",
    "then_key",
    "then_label",
    "hours",
    "billable_hours",
    "amount",
    "currency",
)


def report_csv(report: Report) -> str:
    """The report's rows as CSV (a header row, then one line per group)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for row in report.rows:
        then = row.then
        writer.writerow(
            [
                row.group.dimension.value,
                row.group.key or "",
                text_cell(row.group.label),
                "" if then is None else then.dimension.value,
                "" if then is None else then.key or "",
                "" if then is None else text_cell(then.label),
                str(row.hours),
                str(row.billable_hours),
                str(row.amount),
                text_cell(report.currency),
            ]
        )
    return buffer.getvalue()
