"""Whole rounding rules: the directory keeps the workspace's rule (a step per place: begin,
end, duration) and a project's own, and each entry freezes the rule that rounded it with
every place, and whose rule it was (`rounding_source`). An entry's old one-place rule becomes
the matching place; entries written so far were rounded by their workspace's rule.

The downgrade keeps one place per entry (duration, else begin, else end).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 18:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from worksync.common.migrations import add_directory_rounding_rules, drop_directory_rounding_rules

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "timetracking"
TABLE = "time_entries"
PLACES = ("begin", "end", "duration")

entries = sa.table(
    TABLE,
    sa.column("rounding_step_minutes", sa.Integer()),
    sa.column("rounding_mode", sa.Text()),
    sa.column("rounding_applies_to", sa.Text()),
    *(sa.column(f"rounding_{place}_step_minutes", sa.Integer()) for place in PLACES),
    *(sa.column(f"rounding_{place}_mode", sa.Text()) for place in PLACES),
    schema=SCHEMA,
)
OLD_RULE = (
    "(rounding_step_minutes = 0 AND rounding_mode IS NULL AND rounding_applies_to IS NULL)"
    " OR (rounding_step_minutes BETWEEN 1 AND 1440"
    " AND rounding_mode IS NOT NULL AND rounding_applies_to IS NOT NULL"
    " AND rounding_mode IN ('up', 'down', 'nearest')"
    " AND rounding_applies_to IN ('begin', 'end', 'duration'))"
)


def upgrade() -> None:
    add_directory_rounding_rules(SCHEMA)

    for place in PLACES:
        op.add_column(
            TABLE,
            sa.Column(f"rounding_{place}_step_minutes", sa.Integer(), nullable=True),
            schema=SCHEMA,
        )
        op.add_column(
            TABLE, sa.Column(f"rounding_{place}_mode", sa.Text(), nullable=True), schema=SCHEMA
        )
    op.add_column(
        TABLE,
        sa.Column("rounding_source", sa.Text(), server_default="workspace", nullable=False),
        schema=SCHEMA,
    )
    # Every write names the source; the default only filled the rows there were.
    op.alter_column(TABLE, "rounding_source", server_default=None, schema=SCHEMA)
    c = entries.c
    for place in PLACES:
        op.execute(
            entries.update()
            .where(c.rounding_step_minutes > 0, c.rounding_applies_to == place)
            .values(
                {
                    f"rounding_{place}_step_minutes": c.rounding_step_minutes,
                    f"rounding_{place}_mode": c.rounding_mode,
                }
            )
        )
    op.drop_constraint(op.f("ck_time_entries_rounding_rule"), TABLE, schema=SCHEMA)
    for column in ("rounding_step_minutes", "rounding_mode", "rounding_applies_to"):
        op.drop_column(TABLE, column, schema=SCHEMA)
    for place in PLACES:
        op.create_check_constraint(
            op.f(f"ck_time_entries_rounding_{place}_rule"),
            TABLE,
            f"(rounding_{place}_step_minutes IS NULL AND rounding_{place}_mode IS NULL)"
            f" OR (rounding_{place}_step_minutes IS NOT NULL AND rounding_{place}_mode IS NOT NULL"
            f" AND rounding_{place}_step_minutes BETWEEN 1 AND 1440"
            f" AND rounding_{place}_mode IN ('up', 'down', 'nearest'))",
            schema=SCHEMA,
        )
    op.create_check_constraint(
        op.f("ck_time_entries_rounding_source"),
        TABLE,
        "rounding_source IN ('workspace', 'project')",
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.add_column(
        TABLE,
        sa.Column(
            "rounding_step_minutes", sa.Integer(), server_default=sa.text("0"), nullable=False
        ),
        schema=SCHEMA,
    )
    op.add_column(TABLE, sa.Column("rounding_mode", sa.Text(), nullable=True), schema=SCHEMA)
    op.add_column(TABLE, sa.Column("rounding_applies_to", sa.Text(), nullable=True), schema=SCHEMA)
    c = entries.c
    # Least preferred first: a later UPDATE overwrites, so duration wins, then begin.
    for place in ("end", "begin", "duration"):
        step = c[f"rounding_{place}_step_minutes"]
        op.execute(
            entries.update()
            .where(step.is_not(None))
            .values(
                rounding_step_minutes=step,
                rounding_mode=c[f"rounding_{place}_mode"],
                rounding_applies_to=place,
            )
        )
    op.drop_constraint(op.f("ck_time_entries_rounding_source"), TABLE, schema=SCHEMA)
    op.drop_column(TABLE, "rounding_source", schema=SCHEMA)
    for place in PLACES:
        op.drop_constraint(op.f(f"ck_time_entries_rounding_{place}_rule"), TABLE, schema=SCHEMA)
        op.drop_column(TABLE, f"rounding_{place}_step_minutes", schema=SCHEMA)
        op.drop_column(TABLE, f"rounding_{place}_mode", schema=SCHEMA)
    op.create_check_constraint(
        op.f("ck_time_entries_rounding_rule"), TABLE, OLD_RULE, schema=SCHEMA
    )

    drop_directory_rounding_rules(SCHEMA)
