"""The time-entries CSV export, streamed as it is read.

Columns, in this order: `id`, `date` (work date), `started_at`, `ended_at` (RFC 3339 UTC,
empty for duration-only entries), `duration_seconds`, `duration_hours` (2 decimals; raw),
`rounded_duration_seconds`, `rounded_hours` (as rounded at write), `project_id`,
`issue_id`, `user_id`, `description`, `billable` (`true`/`false`), `hourly_rate`,
`currency`, `amount` (rate times rounded hours, 2 decimals, empty without a rate),
`tags` (`;`-joined), `source`, `approval_state` (its timesheet's state). A text cell
starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading apostrophe, so
that a spreadsheet does not run it.

The response outlives the request's session, so the rows are read in a session of their
own, in keyset batches ordered like the list's default (`-started_at`), after the endpoint
has checked the caller's access.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from uuid import UUID

from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.fields import CENT, money_text
from worksync.timetracking.entries.repository import EntryRepository
from worksync.timetracking.models import TimeEntry

COLUMNS = (
    "id",
    "date",
    "started_at",
    "ended_at",
    "duration_seconds",
    "duration_hours",
    "rounded_duration_seconds",
    "rounded_hours",
    "project_id",
    "issue_id",
    "user_id",
    "description",
    "billable",
    "hourly_rate",
    "currency",
    "amount",
    "tags",
    "source",
    "approval_state",
)
ROWS_PER_BATCH = 500
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def text_cell(value: str | None) -> str:
    """Free text, neutralised against CSV formula injection."""
    if not value:
        return ""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _instant(value: datetime | None) -> str:
    if value is None:
        return ""
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _optional(value: UUID | None) -> str:
    return "" if value is None else str(value)


def row_of(entry: TimeEntry) -> list[str]:
    seconds = entry.duration_seconds or 0
    hours = Decimal(seconds) / Decimal(3600)
    rounded_seconds = entry.rounded_duration_seconds or 0
    rounded_hours = Decimal(rounded_seconds) / Decimal(3600)
    rate = entry.hourly_rate
    return [
        str(entry.id),
        entry.work_date.isoformat(),
        _instant(entry.started_at),
        _instant(entry.ended_at),
        str(seconds),
        str(hours.quantize(CENT, ROUND_HALF_UP)),
        str(rounded_seconds),
        str(rounded_hours.quantize(CENT, ROUND_HALF_UP)),
        str(entry.project_id),
        _optional(entry.issue_id),
        str(entry.user_id),
        text_cell(entry.description),
        "true" if entry.billable else "false",
        money_text(rate) or "",
        text_cell(entry.currency),
        "" if rate is None else str((rate * rounded_hours).quantize(CENT, ROUND_HALF_UP)),
        text_cell(";".join(entry.tags)),
        text_cell(str(entry.source)),
        str(entry.approval_state),
    ]


def _csv(rows: Iterable[Iterable[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue()


async def entries_csv(
    sessionmaker: async_sessionmaker[AsyncSession], query: Select[TimeEntry]
) -> AsyncIterator[str]:
    """The header, then the entries `query` selects, newest start first, batch by batch."""
    yield _csv([COLUMNS])
    after: tuple[datetime, UUID] | None = None
    while True:
        async with sessionmaker() as session:
            batch = await EntryRepository(session).newest_first(query, after, ROWS_PER_BATCH)
        if not batch:
            return
        yield _csv(row_of(entry) for entry in batch)
        if len(batch) < ROWS_PER_BATCH:
            return
        after = (batch[-1].sort_at, batch[-1].id)
