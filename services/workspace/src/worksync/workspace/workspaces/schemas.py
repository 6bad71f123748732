"""Workspaces as the API shows them, with their settings, and their create and update bodies."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Self
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from worksync.common.examples import body_examples
from worksync.common.fields import IsoDate, NotNull, TimeZone
from worksync.common.roles import WorkspaceRole
from worksync.workspace.enums import TimesheetPeriod, WeekStart
from worksync.workspace.fields import CurrencyCode, Description, HoursPerDay, Name
from worksync.workspace.models import Workspace as WorkspaceRow
from worksync.workspace.models.base import SLUG_MAX_LENGTH, SLUG_MIN_LENGTH, SLUG_PATTERN
from worksync.workspace.rounding import RoundingRule, RoundingRuleUpdate, rule_of

# Slugs that would read as a page of the web app or a route of the API rather than a workspace.
RESERVED_SLUGS = frozenset(
    {
        "about", "account", "accounts", "admin", "api", "app", "assets", "auth", "billing",
        "dashboard", "docs", "help", "internal", "invitations", "login", "logout", "me",
        "new", "profile", "register", "settings", "signup", "static", "status", "support",
        "system", "users", "workspace", "workspaces", "www",
    }
)  # fmt: skip


def _not_reserved(slug: str) -> str:
    if slug in RESERVED_SLUGS:
        raise ValueError("is reserved; choose another slug")
    return slug


Slug = Annotated[
    str,
    StringConstraints(min_length=SLUG_MIN_LENGTH, max_length=SLUG_MAX_LENGTH, pattern=SLUG_PATTERN),
    AfterValidator(_not_reserved),
    Field(
        description="Lower-case letters, digits and single hyphens; part of every URL",
        examples=["acme-studio"],
    ),
]
ROUNDING = "How tracked time is rounded, unless a project has its own rule"


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    timezone: TimeZone = "UTC"
    week_start: WeekStart = WeekStart.MONDAY
    working_hours_per_day: HoursPerDay = Decimal("8.00")
    currency: CurrencyCode = "USD"
    rounding: RoundingRule = Field(default_factory=RoundingRule, description=ROUNDING)
    lockdown_date: IsoDate | None = Field(
        default=None, description="Time on or before this date can no longer be changed"
    )
    timesheet_period: TimesheetPeriod = TimesheetPeriod.WEEKLY


class SettingsUpdate(BaseModel):
    """Only the settings given change; `lockdown_date: null` lifts the lockdown; in
    `rounding`, only the places given change."""

    model_config = ConfigDict(extra="forbid")

    timezone: Annotated[TimeZone | None, NotNull] = None
    week_start: Annotated[WeekStart | None, NotNull] = None
    working_hours_per_day: Annotated[HoursPerDay | None, NotNull] = None
    currency: Annotated[CurrencyCode | None, NotNull] = None
    rounding: Annotated[RoundingRuleUpdate | None, NotNull] = None
    lockdown_date: IsoDate | None = None
    timesheet_period: Annotated[TimesheetPeriod | None, NotNull] = None


class WorkspaceCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=body_examples(
            {
                "slug": "acme-studio",
                "name": "Acme Studio",
                "description": "Design and web projects for Acme's clients",
                "settings": {
                    "timezone": "Europe/Berlin",
                    "week_start": "monday",
                    "working_hours_per_day": "8.00",
                    "currency": "EUR",
                    "rounding": {"duration": {"step_minutes": 15, "mode": "up"}},
                    "timesheet_period": "weekly",
                },
            }
        ),
    )

    slug: Slug
    name: Name
    description: Description | None = None
    settings: Settings = Field(default_factory=Settings)


class WorkspaceUpdate(BaseModel):
    """Fields left out stay as they are; the slug never changes."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=body_examples(
            {
                "name": "Acme Studio GmbH",
                "settings": {"lockdown_date": "2026-02-28", "timesheet_period": "monthly"},
            }
        ),
    )

    name: Annotated[Name | None, NotNull] = None
    description: Description | None = None
    settings: Annotated[SettingsUpdate | None, NotNull] = None


class Workspace(BaseModel):
    id: UUID
    slug: str
    name: str
    description: str | None
    owner_id: UUID = Field(description="The primary owner")
    settings: Settings
    role: WorkspaceRole = Field(description="The caller's role in this workspace")
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, row: WorkspaceRow, role: WorkspaceRole | str) -> Self:
        return cls.model_validate(
            {
                "id": row.id,
                "slug": row.slug,
                "name": row.name,
                "description": row.description,
                "owner_id": row.owner_id,
                "settings": settings_of(row),
                "role": role,
                "version": row.version,
                "created_at": row.created_at,
                "updated_at": row.updated_at,
            }
        )


def settings_of(row: WorkspaceRow) -> Settings:
    return Settings(
        timezone=row.timezone,
        week_start=WeekStart(row.week_start),
        working_hours_per_day=row.working_hours_per_day,
        currency=row.currency,
        rounding=rule_of(row),
        lockdown_date=row.lockdown_date,
        timesheet_period=TimesheetPeriod(row.timesheet_period),
    )


class WorkspaceSort(StrEnum):
    NAME = "name"
    CREATED_AT = "created_at"
    NEWEST_FIRST = "-created_at"
