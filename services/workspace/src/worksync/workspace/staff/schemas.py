"""Staff profiles as the API shows them, their bodies, transfers, stats, import rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Self
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from worksync.common.examples import body_examples
from worksync.common.fields import IsoDate, NotNull, Skill, Skills
from worksync.workspace.enums import EmploymentStatus
from worksync.workspace.fields import Description
from worksync.workspace.models import StaffProfile as StaffProfileRow
from worksync.workspace.models import StaffTransfer as StaffTransferRow
from worksync.workspace.models.base import PHONE_PATTERN, STAFF_ID_PATTERN

StaffId = Annotated[
    str,
    StringConstraints(pattern=STAFF_ID_PATTERN),
    Field(description="1-8 upper-case letters or digits; unique per workspace", examples=["E042"]),
]
Phone = Annotated[
    str,
    StringConstraints(pattern=PHONE_PATTERN),
    Field(description="6-20 digits, spaces, `+`, `-`, `(` or `)`", examples=["+49 30 1234567"]),
]
Position = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
JobGrade = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]
Note = Annotated[str, StringConstraints(max_length=2000)]
PRIVATE = "Only admins, owners and the staff member themself see it; null for others"
SKILLS = (
    "Skill names (trimmed, 1-50 characters, at most 50, each once ignoring case: the first"
    " spelling stays), as capacity profiles hold theirs; the capacity forecast joins them"
)


class NewStaffDetails(BaseModel):
    """What a new profile may say besides whose it is and where they work: the same for
    one created by itself and one imported."""

    model_config = ConfigDict(extra="forbid")

    position: Position | None = None
    job_grade: JobGrade | None = None
    phone: Phone | None = None
    date_of_joining: IsoDate | None = None
    date_of_leaving: IsoDate | None = None
    employment_status: EmploymentStatus = EmploymentStatus.ACTIVE
    notes: Description | None = None
    skills: Skills = Field(default=[], description=SKILLS)


class StaffCreate(NewStaffDetails):
    """`is_department_manager` is not set here: it follows the departments' managers."""

    model_config = ConfigDict(
        json_schema_extra=body_examples(
            {
                "user_id": "0195f3a2-8d47-7e21-a3c5-6f9b2d1e8a73",
                "staff_id": "E042",
                "department_id": "0195f3a0-1d9c-7b6e-8f2a-5c3e7b9d1a47",
                "position": "Senior Backend Engineer",
                "job_grade": "L4",
                "phone": "+49 30 1234567",
                "date_of_joining": "2026-03-02",
                "employment_status": "probation",
                "skills": ["Python", "PostgreSQL"],
            }
        )
    )

    user_id: UUID = Field(description="A member of the workspace without a staff profile")
    staff_id: StaffId
    department_id: UUID | None = None


class StaffUpdate(BaseModel):
    """Fields left out stay as they are. The department changes by transfer only; a
    status other than active or probation ends the user's department management."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=body_examples(
            {"position": "Staff Engineer", "job_grade": "L5", "employment_status": "active"}
        ),
    )

    staff_id: Annotated[StaffId | None, NotNull] = None
    position: Position | None = None
    job_grade: JobGrade | None = None
    phone: Phone | None = None
    date_of_joining: IsoDate | None = None
    date_of_leaving: IsoDate | None = None
    employment_status: Annotated[EmploymentStatus | None, NotNull] = None
    notes: Description | None = None
    skills: Annotated[Skills | None, NotNull] = Field(default=None, description=SKILLS)


class StaffProfile(BaseModel):
    id: UUID
    workspace_id: UUID
    user_id: UUID
    email: str
    display_name: str
    staff_id: str
    department_id: UUID | None
    position: str | None
    job_grade: str | None
    phone: str | None = Field(description=PRIVATE)
    date_of_joining: date | None
    date_of_leaving: date | None
    employment_status: EmploymentStatus
    is_department_manager: bool = Field(description="Whether the user manages a department")
    skills: list[str]
    notes: str | None = Field(description=PRIVATE)
    leaving_reason: str | None = Field(description=PRIVATE)
    version: int = Field(description="Rises with every change; the sequence of its events")
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, row: StaffProfileRow, email: str, display_name: str, *, private: bool) -> Self:
        return cls.model_validate(
            {
                **{name: getattr(row, name) for name in cls.model_fields if hasattr(row, name)},
                "email": email,
                "display_name": display_name,
                "phone": row.phone if private else None,
                "notes": row.notes if private else None,
                "leaving_reason": row.leaving_reason if private else None,
            }
        )


class StaffTransferCreate(BaseModel):
    """The move applies at once; `effective_date` is recorded with it."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=body_examples(
            {
                "department_id": "0195f3a0-3e7a-7c45-a1d8-9b2f6e4c8d13",
                "effective_date": "2026-04-01",
                "note": "Joins the data team after the reorganisation",
            }
        ),
    )

    department_id: UUID
    effective_date: date
    note: Note | None = None


class StaffTransfer(BaseModel):
    id: UUID
    staff_profile_id: UUID
    from_department_id: UUID | None
    to_department_id: UUID
    effective_date: date
    note: str | None
    actor_id: UUID = Field(description="Who made the transfer")
    created_at: datetime

    @classmethod
    def of(cls, row: StaffTransferRow) -> Self:
        return cls.model_validate(row, from_attributes=True)


class LeavingStatus(StrEnum):
    RESIGNED = "resigned"
    SUSPENDED = "suspended"


class StaffDeactivation(BaseModel):
    """A resignation sets `date_of_leaving` (today, in the workspace's time zone, unless
    given); a suspension sets it only if given."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=body_examples(
            {"status": "resigned", "date_of_leaving": "2026-06-30", "reason": "Moving abroad"}
        ),
    )

    status: LeavingStatus = LeavingStatus.RESIGNED
    date_of_leaving: date | None = None
    reason: Note | None = None


class StaffSort(StrEnum):
    STAFF_ID = "staff_id"
    CREATED_AT = "created_at"
    NEWEST_FIRST = "-created_at"


@dataclass(frozen=True)
class StaffFilters:
    department_id: UUID | None = None
    include_sub_departments: bool = False
    employment_status: EmploymentStatus | None = None
    is_department_manager: bool | None = None
    search: str | None = None
    # Matched ignoring case.
    skill: Skill | None = None


class DepartmentStaffCount(BaseModel):
    department_id: UUID | None = Field(description="null: staff in no department")
    code: str | None
    name: str | None
    total: int
    by_status: dict[EmploymentStatus, int]


class StaffStats(BaseModel):
    """Live staff profiles counted per employment status and per department."""

    total: int
    by_status: dict[EmploymentStatus, int]
    by_department: list[DepartmentStaffCount]


class StaffImportRow(NewStaffDetails):
    """One staff member to import. The member is named by `user_id` or `email` (both must
    agree if both are given), the department by its `code`."""

    staff_id: StaffId
    user_id: UUID | None = None
    email: Annotated[str, StringConstraints(strip_whitespace=True, max_length=320)] | None = None
    department_code: Annotated[str, StringConstraints(max_length=20)] | None = None


class StaffImportResult(BaseModel):
    created_count: int
    staff_profile_ids: list[UUID] = Field(description="The new profiles, in the rows' order")
