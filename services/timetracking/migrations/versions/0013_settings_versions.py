"""Users' time settings get a `version` (their `ETag`, for `If-Match`), bumped by each
replacement; settings stored so far start at 1.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 18:40:00
"""

from collections.abc import Sequence

from worksync.common.migrations import add_row_versions, drop_row_versions

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "timetracking"


def upgrade() -> None:
    add_row_versions(SCHEMA, "user_settings")


def downgrade() -> None:
    drop_row_versions(SCHEMA, "user_settings")
