"""The database holds the invariants itself, whatever code writes to it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from psycopg import errors
from sqlalchemy import Executable, insert, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.workspace.models import Project, ProjectMembership, Workspace
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
