"""Departments as the API shows them, their create and update bodies, the tree, and filters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Self
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StringConstraints

from worksync.common.examples import body_examples
from worksync.common.fields import NotNull
from worksync.workspace.fields import Description, LongName
from worksync.workspace.models import Department as DepartmentRow
from worksync.workspace.models.base import (
    DEPARTMENT_CODE_PATTERN,
    DEPT_CODE_PATTERN,
    SHORT_NAME_PATTERN,
)

DepartmentCode = Annotated[
    str,
    StringConstraints(pattern=DEPARTMENT_CODE_PATTERN),
    Field(
        description="1-20 letters, digits, `.`, `_` or `-`; unique per workspace, ignoring case",
        examples=["ENG-PLATFORM"],
    ),
]
ShortName = Annotated[
    str,
    StringConstraints(pattern=SHORT_NAME_PATTERN),
    Field(description="1-10 upper-case letters or digits; unique per workspace", examples=["HR"]),
]
DeptCode = Annotated[
    str,
    StringConstraints(pattern=DEPT_CODE_PATTERN),
    Field(description="Exactly four digits; unique per workspace", examples=["0420"]),
]


class DepartmentCreate(BaseModel):
    """`level` follows from the parent: a root is level 1, and level 5 takes no children."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=body_examples(
            {
                "name": "Platform Engineering",
                "code": "ENG-PLATFORM",
                "short_name": "PLAT",
                "dept_code": "0420",
                "manager_id": "0195f3a2-7c1e-7b4a-9d2f-3e8c1a6b5d40",
                "description": "Shared services, infrastructure and developer tooling",
            }
        ),
    )

    name: LongName
    code: DepartmentCode
    short_name: ShortName
    dept_code: DeptCode
    parent_id: UUID | None = None
    manager_id: UUID | None = Field(
        default=None, description="A member (not a guest) of the workspace"
    )
    linked_project_id: UUID | None = Field(
        default=None, description="A project whose admins the managers above become"
    )
    is_active: StrictBool = True
    description: Description | None = None


class DepartmentUpdate(BaseModel):
    """Fields left out stay as they are; a new `parent_id` moves the department with its
    sub-departments (null makes it a root)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=body_examples(
            {
                "name": "Platform & Infrastructure",
                "manager_id": "0195f3a2-8d47-7e21-a3c5-6f9b2d1e8a73",
            }
        ),
    )

    name: Annotated[LongName | None, NotNull] = None
    code: Annotated[DepartmentCode | None, NotNull] = None
    short_name: Annotated[ShortName | None, NotNull] = None
    dept_code: Annotated[DeptCode | None, NotNull] = None
    parent_id: UUID | None = None
    manager_id: UUID | None = None
    linked_project_id: UUID | None = None
    is_active: Annotated[StrictBool | None, NotNull] = None
    description: Description | None = None


class Department(BaseModel):
    id: UUID
    workspace_id: UUID
    name: str
    code: str
    short_name: str
    dept_code: str
    parent_id: UUID | None
    level: int = Field(description="1 for a root, one more than the parent's otherwise")
    manager_id: UUID | None
    linked_project_id: UUID | None
    is_active: bool
    description: str | None
    deleted_at: datetime | None = Field(description="Set on deleted departments (admins see them)")
    version: int = Field(description="Rises with every change; the sequence of its events")
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, row: DepartmentRow) -> Self:
        return cls.model_validate(row, from_attributes=True)


class DepartmentNode(BaseModel):
    """A live department in the tree, its sub-departments ordered by name."""

    id: UUID
    name: str
    code: str
    short_name: str
    dept_code: str
    level: int
    manager_id: UUID | None
    linked_project_id: UUID | None
    is_active: bool
    staff_count: int = Field(description="Active staff (active or on probation) in it")
    total_staff_count: int = Field(description="Active staff in it and its sub-departments")
    children: list[DepartmentNode]


class DepartmentTree(BaseModel):
    roots: list[DepartmentNode]


class DepartmentSort(StrEnum):
    NAME = "name"
    CODE = "code"
    CREATED_AT = "created_at"
    NEWEST_FIRST = "-created_at"


@dataclass(frozen=True)
class DepartmentFilters:
    parent_id: UUID | None = None
    level: int | None = None
    is_active: bool | None = None
    manager_id: UUID | None = None
    search: str | None = None
    include_deleted: bool = False
