"""Labels, states, project templates and project settings get a `version` (their `ETag`, for
`If-Match`): no event records them, so their services bump it with each change; existing rows
start at 1.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 18:30:00
"""

from collections.abc import Sequence

from worksync.common.migrations import add_row_versions, drop_row_versions

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "work_items"
TABLES = ("labels", "states", "project_templates", "project_settings")


def upgrade() -> None:
    add_row_versions(SCHEMA, *TABLES)


def downgrade() -> None:
    drop_row_versions(SCHEMA, *TABLES)
