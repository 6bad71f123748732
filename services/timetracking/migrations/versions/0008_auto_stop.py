"""A user setting: stop a timer that runs longer than this many minutes.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 15:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "timetracking"


def upgrade() -> None:
    op.add_column(
        "user_settings", sa.Column("auto_stop_minutes", sa.Integer(), nullable=True), schema=SCHEMA
    )
    op.create_check_constraint(
        op.f("ck_user_settings_auto_stop_within_a_day"),
        "user_settings",
        "auto_stop_minutes IS NULL OR auto_stop_minutes BETWEEN 1 AND 1440",
        schema=SCHEMA,
    )
    # The worker's search: running timers by start.
    op.create_index(
        "ix_time_entries_running_started_at",
        "time_entries",
        ["started_at"],
        schema=SCHEMA,
        postgresql_where=sa.text("ended_at IS NULL AND started_at IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_time_entries_running_started_at", "time_entries", schema=SCHEMA)
    op.drop_constraint(
        op.f("ck_user_settings_auto_stop_within_a_day"),
        "user_settings",
        type_="check",
        schema=SCHEMA,
    )
    op.drop_column("user_settings", "auto_stop_minutes", schema=SCHEMA)
