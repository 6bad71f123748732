"""The directory keeps whole rounding rules: a workspace's (a step per place: begin, end,
duration) and a project's own, as the `workspace.workspace.*` and `workspace.project.*`
events now carry them (`rounding`); a workspace's one-place setting is carried over.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 18:10:00
"""

from collections.abc import Sequence

from worksync.common.migrations import add_directory_rounding_rules, drop_directory_rounding_rules

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "resources"


def upgrade() -> None:
    add_directory_rounding_rules(SCHEMA)


def downgrade() -> None:
    drop_directory_rounding_rules(SCHEMA)
