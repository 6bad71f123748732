"""The database holds the invariants itself, whatever code writes to it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from psycopg import errors
from sqlalchemy import Executable, insert, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.workspace.models import (
    Department,
    Project,
    ProjectMembership,
    StaffProfile,
    Workspace,
)
from worksync.workspace.testing import People, Workspaces


async def _refused(
    sessionmaker: async_sessionmaker[AsyncSession], statement: Executable, error: type[Exception]
) -> None:
    async with sessionmaker() as session:
        with pytest.raises(IntegrityError) as raised:
            await session.execute(statement)
    assert isinstance(raised.value.orig, error), raised.value.orig


async def test_formats_and_ranges_are_checked(
    sessionmaker: async_sessionmaker[AsyncSession], people: People, workspaces: Workspaces
) -> None:
    ada = await people.register()
    workspace = await workspaces.create(ada)
    workspace_id = uuid.UUID(workspace["id"])
    project = await workspaces.create_project(workspace["slug"], ada)
    for values in (
        {"slug": "Not A Slug"},
        {"slug": "ab"},
        {"working_hours_per_day": 0},
        {"currency": "eur"},
        {"week_start": "someday"},
        # A rounded place has a step of 1 to 1440 minutes and a known mode, or neither.
        {"rounding_begin_step_minutes": 15},
        {"rounding_end_mode": "up"},
        {"rounding_duration_step_minutes": 1441, "rounding_duration_mode": "up"},
        {"rounding_duration_step_minutes": 15, "rounding_duration_mode": "left"},
    ):
        await _refused(
            sessionmaker,
            update(Workspace).where(Workspace.id == workspace_id).values(**values),
            errors.CheckViolation,
        )
    for values in (
        {"identifier": "abc"},
        {"identifier": "A"},
        {"start_date": "2030-02-01", "end_date": "2030-01-01"},
        {"budget_amount": -1},
        # A project that follows its workspace's rule keeps no rule of its own.
        {"rounding_begin_step_minutes": 15, "rounding_begin_mode": "up"},
    ):
        await _refused(
            sessionmaker,
            update(Project).where(Project.id == uuid.UUID(project["id"])).values(**values),
            errors.CheckViolation,
        )


async def test_rows_cannot_point_into_another_workspace(
    sessionmaker: async_sessionmaker[AsyncSession], people: People, workspaces: Workspaces
) -> None:
    ada, zed = await people.register(), await people.register()
    mine = await workspaces.create(ada)
    theirs = await workspaces.create(zed)
    project = await workspaces.create_project(mine["slug"], ada)
    their_client = await workspaces.post(
        f"/workspaces/{theirs['slug']}/clients", zed, {"name": "C"}
    )
    project_id = uuid.UUID(project["id"])
    for values in ({"client_id": their_client["id"]}, {"lead_id": zed.id}):
        await _refused(
            sessionmaker,
            update(Project).where(Project.id == project_id).values(**values),
            errors.ForeignKeyViolation,
        )
    await _refused(
        sessionmaker,
        insert(ProjectMembership).values(
            id=uuid.uuid4(),
            workspace_id=uuid.UUID(mine["id"]),
            project_id=project_id,
            user_id=zed.id,
            role="member",
            joined_at=datetime(2030, 1, 1, tzinfo=UTC),
        ),
        errors.ForeignKeyViolation,
    )


async def test_department_and_staff_rows_are_checked(
    sessionmaker: async_sessionmaker[AsyncSession], people: People, workspaces: Workspaces
) -> None:
    ada = await people.register()
    slug = (await workspaces.create(ada))["slug"]
    root = await workspaces.create_department(slug, ada, "ROOT")
    child = await workspaces.create_department(slug, ada, "CHILD", parent_id=root["id"])
    root_id, child_id = uuid.UUID(root["id"]), uuid.UUID(child["id"])
    for department_id, values in (
        (root_id, {"code": "-x"}),
        (root_id, {"short_name": "hr"}),
        (root_id, {"dept_code": "12a4"}),
        (root_id, {"level": 2}),  # a root is level 1
        (child_id, {"level": 6}),
        (child_id, {"level": 1}),  # and only a root is
        (root_id, {"parent_id": root_id, "level": 2}),
    ):
        await _refused(
            sessionmaker,
            update(Department).where(Department.id == department_id).values(**values),
            errors.CheckViolation,
        )
    await _refused(
        sessionmaker,
        update(Department).where(Department.id == child_id).values(code="root"),
        errors.UniqueViolation,
    )
    bob = await people.register()
    await workspaces.add_member(slug, ada, bob)
    profile = await workspaces.create_staff(slug, ada, bob, "B1")
    for values in (
        {"staff_id": "b1"},
        {"phone": "call me"},
        {"employment_status": "retired"},
        {"date_of_joining": "2030-02-01", "date_of_leaving": "2030-01-01"},
    ):
        await _refused(
            sessionmaker,
            update(StaffProfile)
            .where(StaffProfile.id == uuid.UUID(profile["id"]))
            .values(**values),
            errors.CheckViolation,
        )
    await _refused(
        sessionmaker,
        update(ProjectMembership).values(source="magic"),
        errors.CheckViolation,
    )


async def test_departments_and_staff_cannot_point_into_another_workspace(
    sessionmaker: async_sessionmaker[AsyncSession], people: People, workspaces: Workspaces
) -> None:
    ada, zed = await people.register(), await people.register()
    mine, theirs = await workspaces.create(ada), await workspaces.create(zed)
    department = await workspaces.create_department(mine["slug"], ada, "MINE")
    their_department = await workspaces.create_department(theirs["slug"], zed, "THEIRS")
    their_project = await workspaces.create_project(theirs["slug"], zed)
    project = await workspaces.create_project(mine["slug"], ada)
    profile = await workspaces.create_staff(mine["slug"], ada, ada, "A1")
    department_id = uuid.UUID(department["id"])
    for values in (
        {"parent_id": their_department["id"], "level": 2},
        {"manager_id": zed.id},
        {"linked_project_id": their_project["id"]},
    ):
        await _refused(
            sessionmaker,
            update(Department).where(Department.id == department_id).values(**values),
            errors.ForeignKeyViolation,
        )
    await _refused(
        sessionmaker,
        update(StaffProfile)
        .where(StaffProfile.id == uuid.UUID(profile["id"]))
        .values(department_id=their_department["id"]),
        errors.ForeignKeyViolation,
    )
    await _refused(
        sessionmaker,
        update(Project)
        .where(Project.id == uuid.UUID(project["id"]))
        .values(department_id=their_department["id"]),
        errors.ForeignKeyViolation,
    )
