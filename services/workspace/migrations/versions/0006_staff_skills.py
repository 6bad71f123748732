"""Staff profiles carry skills (names as capacity profiles hold theirs), which their events
publish for the resources service's capacity forecast. Profiles known so far have none.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 18:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "workspace"


def upgrade() -> None:
    op.add_column(
        "staff_profiles",
        sa.Column(
            "skills", postgresql.ARRAY(sa.Text()), server_default=sa.text("'{}'"), nullable=False
        ),
        schema=SCHEMA,
    )
    op.create_check_constraint(
        op.f("ck_staff_profiles_skills_bounded"),
        "staff_profiles",
        "cardinality(skills) <= 50",
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_constraint(
        op.f("ck_staff_profiles_skills_bounded"), "staff_profiles", type_="check", schema=SCHEMA
    )
    op.drop_column("staff_profiles", "skills", schema=SCHEMA)
