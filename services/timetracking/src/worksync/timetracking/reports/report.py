"""`GET .../time-tracking/report` and its CSV: finished entries grouped by one or two of
project, issue, user, client, day, week, month, with rounded hours, billable hours and
billable amount in the workspace's currency. One statement: a `GROUP BY` of the report
totals (the finished entries summed per day, user, project, issue, currency and approval
state by a trigger: a person's day is a few rows whatever its entries) the caller may see
(their own, their administered projects', their led teams' members'; admins all), filtered,
aggregated on the raw keys (ids, dates), names joined and keys cast to text on the
aggregated rows only; the database writes the answer's JSON (`EncodedReport`), so thousands
of groups cost one string, not thousands of validated models.

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
import json
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from typing import Any
from uuid import UUID

from pydantic import BaseModel
from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Date,
    FromClause,
    Integer,
    Label,
    Select,
    SQLColumnExpression,
    String,
    Text,
    Uuid,
    and_,
    bindparam,
    case,
    cast,
    false,
    func,
    literal,
    or_,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.directory import WorkspaceContext, reader_values
from worksync.common.errors import AppError
from worksync.common.fields import CENT, Money
from worksync.timetracking import time_rules
from worksync.timetracking.access import entry_reader
from worksync.timetracking.entries.export import text_cell
from worksync.timetracking.entries.repository import (
    DEFAULT_WEEK_START,
    readable_by,
)
from worksync.timetracking.errors import invalid_times
from worksync.timetracking.models import (
    ApprovalState,
    Client,
    Issue,
    directory_tables,
    report_totals,
)

TOTALS = report_totals.c

MAX_DAYS = 366
MAX_ROWS = 5000
MAX_FILTER_IDS = 50
# The rows' projects, joined only to group by client (the names' join uses the table).
ENTRY_PROJECT = directory_tables.projects.alias("entry_project")
CUSTOM_PLANS = text("SET LOCAL plan_cache_mode = force_custom_plan")
# The caller's workspace, bound per request to the statement a report's shape reuses.
WORKSPACE_ID = bindparam("workspace_id", type_=Uuid)


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


def half_even_quotient(numerator: ColumnElement[Any], denominator: int) -> ColumnElement[int]:
    """`numerator / denominator` (not negative) rounded to a whole number, halves to even:
    in SQL what `Decimal.quantize` does by default, so that hours and amounts the database
    formats equal those Python formats elsewhere (PostgreSQL's `round` takes halves away
    from zero). Integer arithmetic for an integer numerator."""
    quotient = numerator // denominator
    twice_remainder = (numerator % denominator) * 2
    up = or_(
        twice_remainder > denominator,
        and_(twice_remainder == denominator, quotient % 2 == 1),
    )
    return cast(quotient + case((up, 1), else_=0), BigInteger)


def cents_text(cents: ColumnElement[int]) -> ColumnElement[str]:
    """Whole cents (not negative) as the API's two-place decimal string (`24005` ->
    `"240.05"`), in integer arithmetic."""
    return func.concat(cents // 100, ".", func.lpad(cast(cents % 100, Text), 2, "0"))


def json_text(value: ColumnElement[Any]) -> ColumnElement[str]:
    """A text value as a JSON string, or `null`."""
    return func.coalesce(cast(func.to_json(value), Text), "null")


def hours_text(seconds: ColumnElement[int]) -> ColumnElement[str]:
    """Whole seconds as hours with two places, as `_hours` gives them."""
    return cents_text(half_even_quotient(seconds, 36))


@dataclass(frozen=True)
class EncodedReport:
    """The report's JSON as the database wrote it; `parsed()` gives the model (for the CSV)."""

    body: bytes

    def parsed(self) -> Report:
        return Report.model_validate_json(self.body)


# Built once with bound values: every report reads it.
_WORKSPACE_FACTS = select(
    directory_tables.workspaces.c.currency,
    func.coalesce(directory_tables.workspaces.c.week_start, DEFAULT_WEEK_START),
).where(directory_tables.workspaces.c.id == WORKSPACE_ID)


class TimeReportService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def report(self, workspace: WorkspaceContext, query: ReportQuery) -> EncodedReport:
        with invalid_times():
            time_rules.check_day(query.from_date, "from")
            time_rules.check_day(query.to_date, "to")
            time_rules.check_date_range(query.from_date, query.to_date)
            if query.to_date - query.from_date >= timedelta(days=MAX_DAYS):
                raise time_rules.TimeRuleViolation("to", f"a report spans {MAX_DAYS} days at most")
        known = (
            await self.session.execute(_WORKSPACE_FACTS, {"workspace_id": workspace.workspace_id})
        ).one_or_none()
        currency, week_start = known if known is not None else (None, None)
        dimensions = (query.group_by, *((query.then_by,) if query.then_by else ()))
        shape = ReportShape(
            dimensions=dimensions,
            week_start=(
                time_rules.WEEKDAYS.index(week_start)
                if Dimension.WEEK in dimensions and week_start in time_rules.WEEKDAYS
                else 0
            ),
            billable=query.billable,
            currency_known=currency is not None,
            by_projects=bool(query.project_ids),
            by_users=bool(query.user_ids),
            by_clients=bool(query.client_ids),
            by_approval=query.approval_state is not None,
        )
        reader = entry_reader(workspace)
        statement = report_for(shape, everyone=reader.everyone)
        values = {
            "workspace_id": workspace.workspace_id,
            "first_day": query.from_date,
            "last_day": query.to_date,
            "currency": currency,
            "project_ids": query.project_ids,
            "user_ids": query.user_ids,
            "client_ids": query.client_ids,
            "approval_state": query.approval_state,
        }
        # A plan for these values: a week of one project and a year of all differ too much
        # for the generic plan PostgreSQL would switch to once the driver prepares the
        # statement (measured: 43 against 32 ms for a quarter of a project).
        await self.session.execute(CUSTOM_PLANS)
        rows_json, count, seconds, billable_seconds, cents, other_currency = (
            await self.session.execute(
                statement,
                {
                    **{name: value for name, value in values.items() if name in shape.names},
                    **({} if reader.everyone else reader_values(reader)),
                },
            )
        ).one()
        if count > MAX_ROWS:
            raise ReportTooLarge()
        seconds, billable_seconds = int(seconds), int(billable_seconds)
        tail = (
            f',"total_seconds":{seconds},"billable_seconds":{billable_seconds},'
            f'"total_hours":"{_hours(seconds)}","billable_hours":"{_hours(billable_seconds)}",'
            f'"amount":"{Decimal(int(cents)).scaleb(-2)}",'
            f'"other_currency_entries":{int(other_currency)}}}'
        )
        return EncodedReport(
            b"".join(
                [
                    b'{"currency":',
                    json.dumps(currency).encode(),
                    b',"rows":[',
                    rows_json.encode(),
                    b"]",
                    tail.encode(),
                ]
            )
        )


@dataclass(frozen=True)
class ReportShape:
    """What decides a report's statement, its values apart: a report of another range,
    project or workspace of the same shape reuses the statement (built and compiled once)."""

    dimensions: tuple[Dimension, ...]
    # The workspace's first weekday (0 Monday), when grouped by week.
    week_start: int
    billable: bool | None
    currency_known: bool
    by_projects: bool
    by_users: bool
    by_clients: bool
    by_approval: bool

    @property
    def names(self) -> frozenset[str]:
        """The values the statement binds."""
        optional = {
            "currency": self.currency_known and self.billable is not False,
            "project_ids": self.by_projects,
            "user_ids": self.by_users,
            "client_ids": self.by_clients,
            "approval_state": self.by_approval,
        }
        return frozenset(
            {"workspace_id", "first_day", "last_day"}
            | {name for name, bound in optional.items() if bound}
        )


@lru_cache(maxsize=512)
def report_for(shape: ReportShape, *, everyone: bool) -> Select[str, int, int, int, int, int]:
    """`report_statement` for a reader who sees every entry (workspace owners and admins),
    or for one bound by `reader_values` who sees what `readable_by` lets them."""
    return report_statement(shape, readable_by(everyone, TOTALS.user_id, TOTALS.project_id))


def report_statement(
    shape: ReportShape, readable: ColumnElement[bool]
) -> Select[str, int, int, int, int, int]:
    """The report as one statement (rows' JSON, row count, totals), the rows the reader may
    see (`readable`) filtered by bound values (`ReportShape.names`)."""
    dimensions = shape.dimensions
    counted, counted_billable = _seconds(shape.billable)
    priced, elsewhere = _priced(shape)
    # Aggregate on the raw keys (uuids, dates) first: hashing them is cheap and runs in
    # parallel; casting and naming every row made PostgreSQL sort them all as text.
    raw: list[Label[Any]] = [
        _raw_key(dimension, shape.week_start).label(f"key_{index}")
        for index, dimension in enumerate(dimensions)
    ]
    totals = (
        select(
            *raw,
            cast(func.sum(counted), BigInteger).label("seconds"),
            cast(func.sum(counted_billable), BigInteger).label("billable_seconds"),
            func.coalesce(func.sum(TOTALS.amount).filter(priced), 0).label("amount"),
            func.coalesce(func.sum(TOTALS.rated_billable_entries).filter(elsewhere), 0).label(
                "other_currency"
            ),
        )
        .select_from(_rows(dimensions))
        .where(*_filters(shape, readable))
        .group_by(*raw)
        .subquery("totals")
    )
    columns: list[Any] = []
    joined: FromClause = totals
    # Rows in the order of their raw keys: the order of the keys' text (a uuid's hex and
    # a date's ISO form sort as the values do), without comparing text under a
    # collation; a key names one group, so its label never decides.
    raw_keys = [totals.c[f"key_{index}"] for index in range(len(dimensions))]
    for index, dimension in enumerate(dimensions):
        key = raw_keys[index]
        text_key, label = _named(dimension, key)
        columns += [
            text_key.label(f"key_{index}"),
            label.label(f"label_{index}"),
            key.label(f"raw_{index}"),
        ]
        joined = _join_name(joined, dimension, key)
    named = (
        select(
            *columns,
            totals.c.seconds,
            totals.c.billable_seconds,
            half_even_quotient(totals.c.amount * 100, 3600).label("cents"),
            totals.c.other_currency,
        )
        .select_from(joined)
        .order_by(*raw_keys)
        .limit(MAX_ROWS + 1)
        .subquery("named")
    )
    # Each row's JSON from one template: `format` costs a fraction of
    # `json_build_object`, which looks up every argument's type on every row.
    groups = [
        f'{{"dimension":"{dimension.value}","key":%s,"label":%s}}' for dimension in dimensions
    ]
    template = (
        f'{{"group":{groups[0]},"then":{groups[1] if len(groups) > 1 else "null"},'
        '"seconds":%s,"billable_seconds":%s,"hours":"%s","billable_hours":"%s",'
        '"amount":"%s"}'
    )
    row = func.format(
        template,
        *(
            json_text(named.c[f"{part}_{index}"])
            for index in range(len(dimensions))
            for part in ("key", "label")
        ),
        named.c.seconds,
        named.c.billable_seconds,
        hours_text(named.c.seconds),
        hours_text(named.c.billable_seconds),
        cents_text(named.c.cents),
    )
    order = [named.c[f"raw_{index}"] for index in range(len(dimensions))]
    return select(
        func.coalesce(func.string_agg(row, aggregate_order_by(literal(","), *order)), ""),
        func.count(),
        func.coalesce(func.sum(named.c.seconds), 0),
        func.coalesce(func.sum(named.c.billable_seconds), 0),
        func.coalesce(func.sum(named.c.cents), 0),
        func.coalesce(func.sum(named.c.other_currency), 0),
    ).select_from(named)


def _seconds(billable: bool | None) -> tuple[ColumnElement[int], ColumnElement[int]]:
    """A row's seconds and billable seconds under the `billable` filter."""
    if billable is None:
        return TOTALS.seconds, TOTALS.billable_seconds
    if billable:
        return TOTALS.billable_seconds, TOTALS.billable_seconds
    return TOTALS.seconds - TOTALS.billable_seconds, literal(0)


def _priced(shape: ReportShape) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """The rows whose amount counts (in the workspace's currency) and the rows priced in
    another currency; non-billable time has no amount, in any currency."""
    if shape.billable is False:
        return false(), false()
    if not shape.currency_known:
        return TOTALS.currency.is_(None), TOTALS.currency.is_not(None)
    return TOTALS.currency == bindparam("currency"), TOTALS.currency != bindparam("currency")


def _rows(dimensions: tuple[Dimension, ...]) -> FromClause:
    """The report totals, with their projects when grouped by client."""
    if Dimension.CLIENT not in dimensions:
        return report_totals
    return report_totals.outerjoin(ENTRY_PROJECT, ENTRY_PROJECT.c.id == TOTALS.project_id)


def _raw_key(dimension: Dimension, week_start: int) -> SQLColumnExpression[Any]:
    """What a row is grouped on for a dimension: an id, or a date (a week's, weeks
    starting on weekday `week_start` (0 Monday), or a month's first day)."""
    if dimension is Dimension.CLIENT:
        return ENTRY_PROJECT.c.client_id
    if dimension is Dimension.PROJECT:
        return TOTALS.project_id
    if dimension is Dimension.ISSUE:
        return TOTALS.issue_id
    if dimension is Dimension.USER:
        return TOTALS.user_id
    if dimension is Dimension.DAY:
        return TOTALS.work_date
    if dimension is Dimension.WEEK:
        back = (cast(func.extract("isodow", TOTALS.work_date), Integer) - 1 - week_start + 7) % 7
        return cast(TOTALS.work_date - back, Date)
    day_of_month = cast(func.extract("day", TOTALS.work_date), Integer)
    return cast(TOTALS.work_date - (day_of_month - 1), Date)


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


def _join_name(joined: FromClause, dimension: Dimension, key: ColumnElement[Any]) -> FromClause:
    """`joined` with the table naming a dimension's key, if it has one."""
    if dimension is Dimension.PROJECT:
        projects = directory_tables.projects
        return joined.outerjoin(projects, projects.c.id == key)
    if dimension is Dimension.ISSUE:
        return joined.outerjoin(Issue, Issue.issue_id == key)
    if dimension is Dimension.USER:
        members = directory_tables.members
        return joined.outerjoin(
            members, and_(members.c.workspace_id == WORKSPACE_ID, members.c.user_id == key)
        )
    if dimension is Dimension.CLIENT:
        return joined.outerjoin(
            Client, and_(Client.client_id == key, Client.workspace_id == WORKSPACE_ID)
        )
    return joined


def _filters(shape: ReportShape, readable: ColumnElement[bool]) -> list[ColumnElement[bool]]:
    clauses = [
        TOTALS.workspace_id == WORKSPACE_ID,
        TOTALS.work_date.between(bindparam("first_day"), bindparam("last_day")),
        readable,
    ]
    if shape.by_projects:
        clauses.append(TOTALS.project_id.in_(bindparam("project_ids", expanding=True)))
    if shape.by_users:
        clauses.append(TOTALS.user_id.in_(bindparam("user_ids", expanding=True)))
    if shape.billable is True:
        clauses.append(TOTALS.billable_entries > 0)
    if shape.billable is False:
        clauses.append(TOTALS.entries > TOTALS.billable_entries)
    if shape.by_clients:
        projects = directory_tables.projects
        clauses.append(
            TOTALS.project_id.in_(
                select(projects.c.id).where(
                    projects.c.workspace_id == WORKSPACE_ID,
                    projects.c.client_id.in_(bindparam("client_ids", expanding=True)),
                )
            )
        )
    if shape.by_approval:
        clauses.append(TOTALS.approval_state == bindparam("approval_state"))
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
