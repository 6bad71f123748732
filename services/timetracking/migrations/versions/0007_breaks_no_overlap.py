"""An entry's breaks never overlap (breaks are added through the API from now on).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 15:10:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        """
        ALTER TABLE timetracking.breaks ADD CONSTRAINT ex_breaks_no_overlap
        EXCLUDE USING gist (
            entry_id WITH =,
            tstzrange(started_at, COALESCE(ended_at, 'infinity'), '[)') WITH &&
        )
        """
    )


def downgrade() -> None:
    op.execute("ALTER TABLE timetracking.breaks DROP CONSTRAINT ex_breaks_no_overlap")
