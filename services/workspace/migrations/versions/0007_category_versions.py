"""Project categories get a `version` (their `ETag`, for `If-Match`): no event records them,
so their service bumps it with each change; existing categories start at 1.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 18:45:00
"""

from collections.abc import Sequence

from worksync.common.migrations import add_row_versions, drop_row_versions

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "workspace"


def upgrade() -> None:
    add_row_versions(SCHEMA, "project_categories")


def downgrade() -> None:
    drop_row_versions(SCHEMA, "project_categories")
