"""The database holds the invariants itself, whatever code writes to it."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from psycopg import errors
from sqlalchemy import Executable, insert, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.ids import new_id
from worksync.common.testing.directory import DirectorySeeder
from worksync.work_items.models import Issue, IssueLabel, Label, State
from worksync.work_items.testing import Api, World, arrange_world


async def _refused(
    sessionmaker: async_sessionmaker[AsyncSession],
    statement: Executable,
    error: type[Exception] | tuple[type[Exception], ...],
) -> None:
    async with sessionmaker() as session:
        with pytest.raises(IntegrityError) as raised:
            await session.execute(statement)
    assert isinstance(raised.value.orig, error), raised.value.orig


def _state(world: World, **values: Any) -> dict[str, Any]:
    return {
        "id": new_id(),
        "workspace_id": world.workspace.id,
        "project_id": world.project.id,
        "name": "Extra",
        "group": "started",
        "colour": "#123456",
        "position": 1.0,
        **values,
    }


async def test_states_keep_one_default_unique_names_and_formats(
    world: World, api: Api, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await api.states(world)
    await _refused(
        sessionmaker, insert(State).values(_state(world, is_default=True)), errors.UniqueViolation
    )
    await _refused(
        sessionmaker, insert(State).values(_state(world, name="BACKLOG")), errors.UniqueViolation
    )
    for values in ({"group": "doing"}, {"colour": "red"}, {"name": " "}):
        await _refused(
            sessionmaker, insert(State).values(_state(world, **values)), errors.CheckViolation
        )
    await _refused(
        sessionmaker,
        insert(State).values(_state(world, project_id=new_id())),
        errors.ForeignKeyViolation,
    )


async def test_issues_check_their_fields(
    world: World, api: Api, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    issue_id = uuid.UUID((await api.issue(world))["id"])
    # An unknown priority has no rank either: whichever the database checks first refuses it.
    await _refused(
        sessionmaker,
        update(Issue).where(Issue.id == issue_id).values(priority="asap"),
        (errors.CheckViolation, errors.NotNullViolation),
    )
    for values in (
        {"title": "  "},
        {"description_format": "rtf"},
        {"start_date": "2030-02-01", "due_date": "2030-01-01"},
        {"estimate_minutes": -1},
        {"logged_minutes": -1},
        {"parent_id": issue_id},
    ):
        await _refused(
            sessionmaker,
            update(Issue).where(Issue.id == issue_id).values(**values),
            errors.CheckViolation,
        )


async def test_issue_numbers_are_unique_per_project(
    world: World, api: Api, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    first = await api.issue(world)
    second = await api.issue(world)
    await _refused(
        sessionmaker,
        update(Issue)
        .where(Issue.id == uuid.UUID(second["id"]))
        .values(sequence_id=first["sequence_id"]),
        errors.UniqueViolation,
    )


async def test_references_stay_inside_the_project(
    world: World, api: Api, seeder: DirectorySeeder, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    other = await arrange_world(seeder)
    issue_id = uuid.UUID((await api.issue(world))["id"])
    theirs = await api.issue(other)
    their_state = (await api.states(other))["Todo"]
    their_label = await api.label(other, "Theirs")
    mine_label = await api.label(world, "Mine", parent_id=None)
    for values in ({"state_id": their_state["id"]}, {"parent_id": theirs["id"]}):
        await _refused(
            sessionmaker,
            update(Issue).where(Issue.id == issue_id).values(**values),
            errors.ForeignKeyViolation,
        )
    await _refused(
        sessionmaker,
        insert(IssueLabel).values(
            project_id=world.project.id, issue_id=issue_id, label_id=uuid.UUID(their_label["id"])
        ),
        errors.ForeignKeyViolation,
    )
    await _refused(
        sessionmaker,
        update(Label)
        .where(Label.id == uuid.UUID(mine_label["id"]))
        .values(parent_id=uuid.UUID(their_label["id"])),
        errors.ForeignKeyViolation,
    )
