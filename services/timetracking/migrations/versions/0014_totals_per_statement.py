"""Totals counted once per statement; monthly totals; report totals found by project.

Approving a month's timesheet updates its few hundred entries in one statement; the
per-row trigger of 0011 then ran two statements per entry (92 ms per approval against
27 ms without it), and per-row triggers lock the totals' rows in the order the statement
meets its entries, so two statements on the same rows could deadlock. One statement-level
function now reads the statement's old and new rows as transition tables, sums them per
key of each totals table (approving 400 entries moves a handful of rows), locks the rows
it changes in key order and applies the sums. A row whose entries reach zero is deleted
by the same trigger, so `entries` may be zero for that moment only: the checks allow it.

PostgreSQL refuses transition tables on a trigger with a column list, so the update
trigger fires on every update of an entry; an update that changes nothing counted (a
description) sums to zero and writes nothing.

Monthly totals (per workspace, month, project, user) sum the daily ones by month, with the
billable amount (seconds times rate) besides: a summary over a year reads twelve rows per
person and project for its by-project and by-member figures instead of 365 (the days at the
ends of its range still come from the daily ones), and a budget check after each write
sums the project's months, not its entries.

The index on workspace, project and day is the one the entries have for the same reason:
a report of one project (a project lead's, or one slice of a larger report) reads its rows
and not the workspace's; it includes every other column a report reads, so that it reads
them from the index alone.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 21:00:00
"""

import importlib.util
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "timetracking"


@dataclass(frozen=True)
class Totals:
    """A table of finished time summed per key: an entry adds `measures` to its key's row."""

    table: str
    key: tuple[str, ...]
    # Key columns that may be null (the table's unique index treats nulls as equal).
    nullable: frozenset[str]
    # Column: what one entry adds to it.
    measures: dict[str, str]
    # Key columns that are no column of the entry: column, its expression over the entry.
    derived: dict[str, str] = field(default_factory=dict)


_BILLABLE_SECONDS = "CASE WHEN billable THEN rounded_duration_seconds ELSE 0 END"
_PRICED = "billable AND hourly_rate IS NOT NULL"
_AMOUNT = f"CASE WHEN {_PRICED} THEN rounded_duration_seconds * hourly_rate ELSE 0 END"
DAILY_TOTALS = Totals(
    "daily_totals",
    ("workspace_id", "work_date", "project_id", "user_id"),
    frozenset(),
    {"seconds": "rounded_duration_seconds", "billable_seconds": _BILLABLE_SECONDS, "entries": "1"},
)
MONTHLY_TOTALS = Totals(
    "monthly_totals",
    ("workspace_id", "month", "project_id", "user_id"),
    frozenset(),
    {**DAILY_TOTALS.measures, "amount": _AMOUNT},
    {"month": "CAST(date_trunc('month', work_date) AS date)"},
)
REPORT_TOTALS = Totals(
    "report_totals",
    (
        "workspace_id",
        "work_date",
        "user_id",
        "project_id",
        "issue_id",
        "currency",
        "approval_state",
    ),
    frozenset({"issue_id", "currency"}),
    {
        "seconds": "rounded_duration_seconds",
        "billable_seconds": _BILLABLE_SECONDS,
        "amount": _AMOUNT,
        "rated_billable_entries": f"CASE WHEN {_PRICED} THEN 1 ELSE 0 END",
        "billable_entries": "CASE WHEN billable THEN 1 ELSE 0 END",
        "entries": "1",
    },
)
# Transition tables of the statement's rows: the entries it added and those it removed.
ADDED, REMOVED = "new_entries", "old_entries"


def _sized(totals: Totals, changed: list[str]) -> str:
    """`WITH ... sized`: the statement's finished entries (running timers count nothing)
    summed per key, keys whose sums do not move left out, and `left` when an entry left
    the key (its row exists then, and cannot go while that entry is counted in it)."""
    key = ", ".join(totals.key)
    derived_key = ", ".join(
        f"{totals.derived[column]} AS {column}" if column in totals.derived else column
        for column in totals.key
    )
    changes = " UNION ALL ".join(
        f"SELECT {derived_key}, "
        + ", ".join(
            f"{'-' if rows == REMOVED else ''}({expression}) AS {column}"
            for column, expression in totals.measures.items()
        )
        + f", {'true' if rows == REMOVED else 'false'} AS left_key"
        + f" FROM {rows} WHERE rounded_duration_seconds IS NOT NULL"
        for rows in changed
    )
    sums = ", ".join(f"SUM({column}) AS {column}" for column in totals.measures)
    measures = ", ".join(totals.measures)
    zeros = ", ".join("0" for _ in totals.measures)
    return f"""
WITH changes AS ({changes}),
deltas AS (SELECT {key}, {sums}, bool_or(left_key) AS left_key FROM changes GROUP BY {key}),
sized AS (SELECT * FROM deltas WHERE ({measures}) <> ({zeros}))
"""


def _same_key(totals: Totals) -> str:
    return " AND ".join(
        f"current.{column} IS NOT DISTINCT FROM sized.{column}"
        if column in totals.nullable
        else f"current.{column} = sized.{column}"
        for column in totals.key
    )


def _count(totals: Totals, changed: list[str]) -> str:
    """The trigger's statements that apply the changed rows to `totals`.

    Two statements on the same rows must lock them in one order, or each may hold a row
    the other waits for: the existing rows are locked first, in key order, then new keys
    are inserted in key order. PostgreSQL checks an insert's candidate row against the
    table's checks before it finds the conflict, so only keys that entries joined and none
    left are upserted (their sums are those of valid entries); keys an entry left are
    updated (disjoint keys: one statement). A row whose entries reach zero is deleted
    after.
    """
    table = f"{SCHEMA}.{totals.table}"
    key = ", ".join(totals.key)
    measures = ", ".join(totals.measures)
    current_key = ", ".join(f"current.{column}" for column in totals.key)
    sized = _sized(totals, changed)
    same_key = _same_key(totals)
    added = ", ".join(
        f"{column} = current.{column} + EXCLUDED.{column}" for column in totals.measures
    )
    subtracted = ", ".join(
        f"{column} = current.{column} + sized.{column}" for column in totals.measures
    )
    return f"""
{sized}
SELECT count(*) INTO locked FROM (
    SELECT FROM {table} AS current JOIN sized ON {same_key}
    ORDER BY {current_key} FOR UPDATE OF current
) AS rows;
{sized},
joined AS (
    INSERT INTO {table} AS current ({key}, {measures})
    SELECT {key}, {measures} FROM sized WHERE NOT left_key ORDER BY {key}
    ON CONFLICT ({key}) DO UPDATE SET {added}
),
departed AS (
    UPDATE {table} AS current SET {subtracted}
    FROM sized WHERE sized.left_key AND {same_key}
    RETURNING current.ctid, current.entries
)
SELECT array_agg(ctid) FILTER (WHERE entries = 0) INTO emptied FROM departed;
-- Rows this transaction locked and wrote: their ctids cannot move under it.
IF emptied IS NOT NULL THEN
    DELETE FROM {table} WHERE ctid = ANY (emptied);
END IF;
"""


def _count_all(changed: list[str]) -> str:
    return "".join(
        _count(totals, changed) for totals in (DAILY_TOTALS, MONTHLY_TOTALS, REPORT_TOTALS)
    )


COUNT_ENTRIES = f"""
CREATE FUNCTION {SCHEMA}.count_entries_in_totals() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    locked bigint;
    emptied tid[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        {_count_all([ADDED])}
    ELSIF TG_OP = 'DELETE' THEN
        {_count_all([REMOVED])}
    ELSE
        {_count_all([ADDED, REMOVED])}
    END IF;
    RETURN NULL;
END
$$
"""

MONTHLY_BACKFILL = f"""
INSERT INTO {SCHEMA}.monthly_totals
    (workspace_id, month, project_id, user_id, seconds, billable_seconds, amount, entries)
SELECT workspace_id, CAST(date_trunc('month', work_date) AS date), project_id, user_id,
       SUM(rounded_duration_seconds), SUM({_BILLABLE_SECONDS}), SUM({_AMOUNT}), COUNT(*)
FROM {SCHEMA}.time_entries
WHERE rounded_duration_seconds IS NOT NULL
GROUP BY 1, 2, 3, 4
"""

# Trigger name: (event, the transition tables it reads).
TRIGGERS = {
    "count_inserts_in_totals": ("INSERT", f"NEW TABLE AS {ADDED}"),
    "count_updates_in_totals": ("UPDATE", f"OLD TABLE AS {REMOVED} NEW TABLE AS {ADDED}"),
    "count_deletes_in_totals": ("DELETE", f"OLD TABLE AS {REMOVED}"),
}
PROJECT_INDEX = "ix_report_totals_workspace_id_project_id_work_date"
# Every other column a report reads: a project's report is an index-only scan.
PROJECT_INDEX_INCLUDES = [
    "user_id",
    "issue_id",
    "currency",
    "approval_state",
    "seconds",
    "billable_seconds",
    "amount",
    "rated_billable_entries",
    "billable_entries",
    "entries",
]


def _revision(file_name: str) -> ModuleType:
    """An earlier revision of this folder, whose per-row triggers the downgrade restores."""
    path = Path(__file__).with_name(file_name)
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _check_entries(table: str, old: str, new: str, condition: str) -> None:
    op.drop_constraint(op.f(f"ck_{table}_{old}"), table, schema=SCHEMA)
    op.create_check_constraint(op.f(f"ck_{table}_{new}"), table, condition, schema=SCHEMA)


def upgrade() -> None:
    for trigger, function, table in (
        ("count_in_daily_totals", "count_entry_in_daily_totals", "daily_totals"),
        ("count_in_report_totals", "count_entry_in_report_totals", "report_totals"),
    ):
        op.execute(f"DROP TRIGGER {trigger} ON {SCHEMA}.time_entries")
        op.execute(f"DROP FUNCTION {SCHEMA}.{function}()")
        _check_entries(table, "entries_positive", "entries_not_negative", "entries >= 0")
    op.create_table(
        "monthly_totals",
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("seconds", sa.BigInteger(), nullable=False),
        sa.Column("billable_seconds", sa.BigInteger(), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Numeric(), nullable=False),
        sa.CheckConstraint(
            "billable_seconds BETWEEN 0 AND seconds",
            name=op.f("ck_monthly_totals_billable_within_total"),
        ),
        sa.CheckConstraint("entries >= 0", name=op.f("ck_monthly_totals_entries_not_negative")),
        sa.CheckConstraint(
            "month = date_trunc('month', month)", name=op.f("ck_monthly_totals_first_of_month")
        ),
        sa.PrimaryKeyConstraint(
            "workspace_id", "month", "project_id", "user_id", name=op.f("pk_monthly_totals")
        ),
        schema=SCHEMA,
    )
    op.execute(MONTHLY_BACKFILL)
    op.execute(COUNT_ENTRIES)
    for name, (event, transition_tables) in TRIGGERS.items():
        op.execute(
            f"CREATE TRIGGER {name} AFTER {event} ON {SCHEMA}.time_entries "
            f"REFERENCING {transition_tables} FOR EACH STATEMENT "
            f"EXECUTE FUNCTION {SCHEMA}.count_entries_in_totals()"
        )
    op.create_index(
        PROJECT_INDEX,
        "report_totals",
        ["workspace_id", "project_id", "work_date"],
        schema=SCHEMA,
        postgresql_include=PROJECT_INDEX_INCLUDES,
    )


def downgrade() -> None:
    op.drop_index(PROJECT_INDEX, "report_totals", schema=SCHEMA)
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER {name} ON {SCHEMA}.time_entries")
    op.execute(f"DROP FUNCTION {SCHEMA}.count_entries_in_totals()")
    op.drop_table("monthly_totals", schema=SCHEMA)
    for table in ("daily_totals", "report_totals"):
        _check_entries(table, "entries_not_negative", "entries_positive", "entries > 0")
    rounding = _revision("0003_rounding.py")
    op.execute(rounding.COUNT_ENTRY.format(column="rounded_duration_seconds"))
    op.execute(rounding.TRIGGER.format(column="rounded_duration_seconds"))
    report_totals = _revision("0011_report_totals.py")
    op.execute(report_totals.COUNT_ENTRY)
    op.execute(report_totals.TRIGGER)
