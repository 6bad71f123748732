"""The declarative base of the workspace schema, its outbox, inbox and idempotency keys."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, text
from sqlalchemy.orm import Mapped, MappedColumn, mapped_column

from worksync.common.db import Model, one_of, service_metadata
from worksync.common.tables import define_kit_tables
from worksync.workspace.enums import RoundingMode, RoundingPlace

SCHEMA = "workspace"

# Shapes the database checks as well as the API: three-letter ISO 4217 codes, workspace
# slugs (lower-case words joined by single hyphens) and project identifiers.
CURRENCY_PATTERN = "^[A-Z]{3}$"
SLUG_PATTERN = "^[a-z0-9]+(-[a-z0-9]+)*$"
SLUG_MIN_LENGTH = 3
SLUG_MAX_LENGTH = 48
IDENTIFIER_PATTERN = "^[A-Z]{2,10}$"
# Departments: a free code, a short name such as "HR" and a four-digit number.
DEPARTMENT_CODE_PATTERN = "^[A-Za-z0-9][A-Za-z0-9_.-]{0,19}$"
SHORT_NAME_PATTERN = "^[A-Z0-9]{1,10}$"
DEPT_CODE_PATTERN = "^[0-9]{4}$"
# Staff: an employee number, and phone numbers checked loosely.
STAFF_ID_PATTERN = "^[A-Z0-9]{1,8}$"
PHONE_PATTERN = "^[0-9 +()-]{6,20}$"

# References between workspace rows are composite foreign keys that include `workspace_id`,
# so the database itself refuses a row of one workspace pointing into another.
MEMBERSHIP_KEY = ("memberships.workspace_id", "memberships.user_id")
PROJECT_KEY = ("projects.workspace_id", "projects.id")
TEAM_KEY = ("teams.workspace_id", "teams.id")
DEPARTMENT_KEY = ("departments.workspace_id", "departments.id")
STAFF_PROFILE_KEY = ("staff_profiles.workspace_id", "staff_profiles.id")


class Base(Model):
    __abstract__ = True
    metadata = service_metadata(SCHEMA)


messaging, idempotency_keys = define_kit_tables(Base.metadata)


def workspace_key() -> MappedColumn[UUID]:
    """The `workspace_id` of a row the workspace owns: it goes when the workspace goes."""
    return mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))


def version_column() -> MappedColumn[int]:
    """The `version` of a row whose changes are published: the sequence of its events, which
    the recorder (`messaging/recording.py`) bumps with each one."""
    return mapped_column(
        Integer,
        CheckConstraint("version >= 0", name="version_not_negative"),
        default=0,
        server_default=text("0"),
    )


class RoundingColumns:
    """A rounding rule in columns: for each place (`RoundingPlace`) a step in minutes and a
    mode, both null when that place is not rounded. Tables using it add `rounding_checks()`."""

    rounding_begin_step_minutes: Mapped[int | None] = mapped_column(Integer)
    rounding_begin_mode: Mapped[str | None] = mapped_column(String(7))
    rounding_end_step_minutes: Mapped[int | None] = mapped_column(Integer)
    rounding_end_mode: Mapped[str | None] = mapped_column(String(7))
    rounding_duration_step_minutes: Mapped[int | None] = mapped_column(Integer)
    rounding_duration_mode: Mapped[str | None] = mapped_column(String(7))


ROUNDING_PLACES_UNSET = " AND ".join(
    f"rounding_{place}_step_minutes IS NULL" for place in RoundingPlace
)
"""A check-constraint expression: the rule rounds no place."""


def rounding_checks() -> tuple[CheckConstraint, ...]:
    """Per place: not rounded (both null), or a step of 1 to 1440 minutes and a known mode."""
    return tuple(
        CheckConstraint(
            f"(rounding_{place}_step_minutes IS NULL AND rounding_{place}_mode IS NULL)"
            f" OR (rounding_{place}_step_minutes IS NOT NULL AND rounding_{place}_mode IS NOT NULL"
            f" AND rounding_{place}_step_minutes BETWEEN 1 AND 1440"
            f" AND {one_of(f'rounding_{place}_mode', RoundingMode)})",
            name=f"rounding_{place}_rule",
        )
        for place in RoundingPlace
    )
