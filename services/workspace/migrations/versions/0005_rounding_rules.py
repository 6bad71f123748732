"""A rounding rule rounds each place (begin, end, duration) with its own step and mode, and a
project may override its workspace's rule. A workspace's old one-place rule (step, mode,
applies_to) becomes the matching place; step 0 (off) becomes no place. Projects follow their
workspace until an owner or admin gives them a rule.

The downgrade keeps one place per workspace (duration, else begin, else end) and drops the
projects' rules: the old shape cannot hold more.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 18:05:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "workspace"
PLACES = ("begin", "end", "duration")

workspaces = sa.table(
    "workspaces",
    sa.column("rounding_step_minutes", sa.Integer()),
    sa.column("rounding_mode", sa.String()),
    sa.column("rounding_applies_to", sa.String()),
    *(sa.column(f"rounding_{place}_step_minutes", sa.Integer()) for place in PLACES),
    *(sa.column(f"rounding_{place}_mode", sa.String()) for place in PLACES),
    schema=SCHEMA,
)


def _add_places(table: str) -> None:
    for place in PLACES:
        op.add_column(
            table,
            sa.Column(f"rounding_{place}_step_minutes", sa.Integer(), nullable=True),
            schema=SCHEMA,
        )
        op.add_column(
            table,
            sa.Column(f"rounding_{place}_mode", sa.String(length=7), nullable=True),
            schema=SCHEMA,
        )
        op.create_check_constraint(
            op.f(f"ck_{table}_rounding_{place}_rule"),
            table,
            f"(rounding_{place}_step_minutes IS NULL AND rounding_{place}_mode IS NULL)"
            f" OR (rounding_{place}_step_minutes IS NOT NULL AND rounding_{place}_mode IS NOT NULL"
            f" AND rounding_{place}_step_minutes BETWEEN 1 AND 1440"
            f" AND rounding_{place}_mode IN ('up', 'down', 'nearest'))",
            schema=SCHEMA,
        )


def _drop_places(table: str) -> None:
    for place in PLACES:
        op.drop_constraint(op.f(f"ck_{table}_rounding_{place}_rule"), table, schema=SCHEMA)
        op.drop_column(table, f"rounding_{place}_step_minutes", schema=SCHEMA)
        op.drop_column(table, f"rounding_{place}_mode", schema=SCHEMA)


def upgrade() -> None:
    _add_places("workspaces")
    c = workspaces.c
    for place in PLACES:
        op.execute(
            workspaces.update()
            .where(c.rounding_step_minutes > 0, c.rounding_applies_to == place)
            .values(
                {
                    f"rounding_{place}_step_minutes": c.rounding_step_minutes,
                    f"rounding_{place}_mode": c.rounding_mode,
                }
            )
        )
    for name in ("rounding_step_within_a_day", "rounding_mode_known", "rounding_applies_to_known"):
        op.drop_constraint(op.f(f"ck_workspaces_{name}"), "workspaces", schema=SCHEMA)
    for column in ("rounding_step_minutes", "rounding_mode", "rounding_applies_to"):
        op.drop_column("workspaces", column, schema=SCHEMA)

    _add_places("projects")
    op.add_column(
        "projects",
        sa.Column("rounding_overridden", sa.Boolean(), server_default=sa.false(), nullable=False),
        schema=SCHEMA,
    )
    op.create_check_constraint(
        op.f("ck_projects_rounding_only_when_overridden"),
        "projects",
        "rounding_overridden OR ("
        + " AND ".join(f"rounding_{place}_step_minutes IS NULL" for place in PLACES)
        + ")",
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_constraint(op.f("ck_projects_rounding_only_when_overridden"), "projects", schema=SCHEMA)
    op.drop_column("projects", "rounding_overridden", schema=SCHEMA)
    _drop_places("projects")

    op.add_column(
        "workspaces",
        sa.Column(
            "rounding_step_minutes", sa.Integer(), server_default=sa.text("0"), nullable=False
        ),
        schema=SCHEMA,
    )
    op.add_column(
        "workspaces",
        sa.Column("rounding_mode", sa.String(length=7), server_default="nearest", nullable=False),
        schema=SCHEMA,
    )
    op.add_column(
        "workspaces",
        sa.Column(
            "rounding_applies_to", sa.String(length=8), server_default="duration", nullable=False
        ),
        schema=SCHEMA,
    )
    # Least preferred first: a later UPDATE overwrites, so duration wins, then begin.
    c = workspaces.c
    for place in ("end", "begin", "duration"):
        step = c[f"rounding_{place}_step_minutes"]
        op.execute(
            workspaces.update()
            .where(step.is_not(None))
            .values(
                rounding_step_minutes=step,
                rounding_mode=c[f"rounding_{place}_mode"],
                rounding_applies_to=place,
            )
        )
    op.create_check_constraint(
        op.f("ck_workspaces_rounding_step_within_a_day"),
        "workspaces",
        "rounding_step_minutes BETWEEN 0 AND 1440",
        schema=SCHEMA,
    )
    op.create_check_constraint(
        op.f("ck_workspaces_rounding_mode_known"),
        "workspaces",
        "rounding_mode IN ('up', 'down', 'nearest')",
        schema=SCHEMA,
    )
    op.create_check_constraint(
        op.f("ck_workspaces_rounding_applies_to_known"),
        "workspaces",
        "rounding_applies_to IN ('begin', 'end', 'duration')",
        schema=SCHEMA,
    )
    _drop_places("workspaces")
