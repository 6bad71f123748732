"""Time entries as the API reads and writes them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, Self
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StrictBool
from sqlalchemy import Row

from worksync.common.db import loaded_values
from worksync.common.examples import body_examples
from worksync.common.fields import IsoDate, JsonInteger, Money, NotNull
from worksync.common.responses import RowAnswer
from worksync.timetracking.models import ApprovalState, EntrySource, RoundingSource, TimeEntry
from worksync.timetracking.rounding import RoundingMode, RoundingPlace

MAX_DURATION_SECONDS = 24 * 3600

Description = Annotated[str, Field(max_length=2000)]
Tag = Annotated[str, Field(min_length=1, max_length=50)]
Tags = Annotated[list[Tag], Field(max_length=20)]
Seconds = Annotated[int, Field(ge=1, le=MAX_DURATION_SECONDS), JsonInteger]


class EntryCreate(BaseModel):
    """Either `started_at` and `ended_at` (a timed entry) or `work_date` and
    `duration_seconds` (a duration on a day). Timestamps without an offset are local time
    in the user's time zone."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=body_examples(
            {
                "project_id": "0195f3a1-2b6d-7f08-8c4e-1a7d9e3b6c25",
                "issue_id": "0195f3b4-5e2a-7c91-b6d8-2f4a8c1e7d39",
                "description": "Export fails on empty board: reproduced and fixed",
                "started_at": "2026-03-02T09:00:00+01:00",
                "ended_at": "2026-03-02T10:30:00+01:00",
                "billable": True,
                "tags": ["bugfix"],
            },
            {
                "project_id": "0195f3a1-2b6d-7f08-8c4e-1a7d9e3b6c25",
                "description": "Sprint planning",
                "work_date": "2026-03-02",
                "duration_seconds": 5400,
                "billable": False,
            },
        ),
    )

    project_id: UUID
    issue_id: UUID | None = None
    user_id: UUID | None = Field(
        default=None, description="Whose time this is (admins only; default: the caller)"
    )
    description: Description = ""
    started_at: datetime | None = None
    ended_at: datetime | None = None
    work_date: IsoDate | None = None
    duration_seconds: Seconds | None = None
    billable: StrictBool | None = Field(default=None, description="Default: the user's setting")
    hourly_rate: Money | None = Field(
        default=None, description="An explicit rate (admins only); default: resolved"
    )
    tags: Tags = Field(default_factory=list)


class EntryDuplicate(BaseModel):
    """Where the copy goes: a duration-only entry onto `work_date`, a timed one at the same
    local times of day, starting on `work_date`."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra=body_examples({"work_date": "2026-03-03"})
    )

    work_date: IsoDate | None = Field(default=None, description="Default: today (local)")


class EntryUpdate(BaseModel):
    """The fields to change. A timed entry changes its ends, a duration-only one its date
    and duration."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=body_examples(
            {
                "description": "Export fails on empty board: fixed after review",
                "ended_at": "2026-03-02T11:00:00+01:00",
                "tags": ["bugfix", "review"],
            }
        ),
    )

    issue_id: UUID | None = None
    description: Annotated[Description | None, NotNull] = None
    started_at: Annotated[datetime | None, NotNull] = None
    ended_at: Annotated[datetime | None, NotNull] = None
    work_date: Annotated[IsoDate | None, NotNull] = None
    duration_seconds: Annotated[Seconds | None, NotNull] = None
    billable: Annotated[StrictBool | None, NotNull] = None
    hourly_rate: Money | None = None
    tags: Annotated[Tags | None, NotNull] = None


class RoundingStep(BaseModel):
    step_minutes: int
    mode: RoundingMode


PLACE = "null: this place was not rounded"


class EntryRounding(BaseModel):
    """The rule that rounded the entry: a step per place, and whose rule it was."""

    begin: RoundingStep | None = Field(description=PLACE)
    end: RoundingStep | None = Field(description=PLACE)
    duration: RoundingStep | None = Field(description=PLACE)
    source: RoundingSource = Field(
        description="workspace: the workspace's rule; project: the project's own"
    )

    @classmethod
    def of(cls, entry: TimeEntry) -> EntryRounding:
        return cls.model_validate(_rounding_fields(loaded_values(entry, _ROUNDING_COLUMNS)))


# The entry's columns that hold its rounding rule (`TimeEntry.rounding`).
_ROUNDING_COLUMNS = (
    *(
        f"rounding_{place}_{column}"
        for place in RoundingPlace
        for column in ("step_minutes", "mode")
    ),
    "rounding_source",
)


# Each place's name and its two columns, spelt once: iterating the enum and formatting six
# names for every row stood out in a page of 50's profile.
_ROUNDING_STEP_COLUMNS = tuple(
    (place.value, f"rounding_{place}_step_minutes", f"rounding_{place}_mode")
    for place in RoundingPlace
)


def _rounding_fields(columns: Mapping[Any, Any]) -> dict[str, Any]:
    """`EntryRounding`'s fields from the entry's `_ROUNDING_COLUMNS`, for pydantic-core to
    check in one call with the rest of the entry."""
    steps = {
        place: None
        if (minutes := columns[step_minutes]) is None
        else {"step_minutes": minutes, "mode": columns[mode]}
        for place, step_minutes, mode in _ROUNDING_STEP_COLUMNS
    }
    return {**steps, "source": columns["rounding_source"]}


class Entry(BaseModel):
    id: UUID
    workspace_id: UUID
    project_id: UUID
    issue_id: UUID | None
    user_id: UUID
    description: str
    work_date: date
    started_at: datetime | None
    ended_at: datetime | None
    duration_seconds: int | None = Field(
        description="Worked seconds (raw, unrounded); null while running"
    )
    rounded_started_at: datetime | None = Field(
        description="The start as rounded (timed entries, once finished)"
    )
    rounded_ended_at: datetime | None = Field(description="The end as rounded")
    rounded_duration_seconds: int | None = Field(
        description="Worked seconds as rounded, what summaries count; null while running"
    )
    rounding: EntryRounding = Field(
        description="The rule that rounds this entry, frozen when it was written (a timer's"
        " when it stopped); later rule changes leave it"
    )
    billable: bool
    hourly_rate: Money | None
    currency: str | None
    tags: list[str]
    source: EntrySource
    # Text in the API from its first version (an enum now would change its type for
    # clients); the values are `ApprovalState`'s.
    approval_state: str = Field(
        description="Its timesheet's state: draft (the period is open), submitted, approved,"
        " rejected"
    )
    timezone: str = Field(description="The user's time zone when the entry was written")
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, entry: TimeEntry) -> Self:
        # The row's values checked by pydantic-core in one call: a model built field by
        # field, with one more per rounding step, took more than a quarter of a page of 50.
        values = loaded_values(entry, _ANSWER_COLUMNS)
        return cls.model_validate({**values, "rounding": _rounding_fields(values)})


# The entry's columns its answer shows as they are (all of its fields but the rounding).
_ENTRY_COLUMNS = tuple(field for field in Entry.model_fields if field != "rounding")
_ANSWER_COLUMNS = (*_ENTRY_COLUMNS, *_ROUNDING_COLUMNS)
_ENTRY_ANSWER = RowAnswer(Entry)


def entry_answer(entry: Row[Any]) -> dict[str, Any]:
    """What `Entry.of` answers, as `encoded` writes it, for a row of the entry's table read
    from the database: its values are not checked again (see `RowAnswer`)."""
    values = entry._mapping
    return _ENTRY_ANSWER(values, rounding=_rounding_fields(values))


class EntrySort(StrEnum):
    NEWEST_START = "-started_at"
    WORK_DATE = "work_date"
    NEWEST_WORK_DATE = "-work_date"
    CREATED_AT = "created_at"


@dataclass(frozen=True)
class EntryFilters:
    project_id: UUID | None = None
    issue_id: UUID | None = None
    user_id: UUID | None = None
    from_date: date | None = None
    to_date: date | None = None
    billable: bool | None = None
    source: EntrySource | None = None
    approval_state: ApprovalState | None = None
