"""States: the default set, CRUD by project admins, one default, and what cannot go."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.ids import new_id
from worksync.common.testing.directory import DirectorySeeder
from worksync.common.testing.problems import assert_problem
from worksync.common.testing.waiting import eventually, someone_waits_for_a_lock
from worksync.common.testing.workspace_api import FakeWorkspaceApi
from worksync.common.testing.workspace_events import project_event
from worksync.work_items.models import IssueCounter, State
from worksync.work_items.testing import Api, World, issue_events

DEFAULT_SET = [
    ("Backlog", "backlog", True),
    ("Todo", "unstarted", False),
    ("In Progress", "started", False),
    ("Done", "completed", False),
    ("Cancelled", "cancelled", False),
]


def _summary(states: list[dict[str, Any]]) -> list[tuple[str, str, bool]]:
    return [(state["name"], state["group"], state["is_default"]) for state in states]


async def _state_rows(sessionmaker: async_sessionmaker[AsyncSession], project_id: Any) -> int:
    async with sessionmaker() as session:
        count = await session.scalar(
            select(func.count()).select_from(State).where(State.project_id == project_id)
        )
    return int(count or 0)


async def test_a_new_project_has_the_default_states_in_order(api: Api, world: World) -> None:
    page = await api.get(world.url("/states"), world.guest)
    assert _summary(page["items"]) == DEFAULT_SET
    assert page["next_cursor"] is None
    positions = [state["position"] for state in page["items"]]
    assert positions == sorted(positions)


async def test_a_project_known_through_the_fallback_gets_the_defaults_on_first_use(
    api: Api,
    client: httpx.AsyncClient,
    seeder: DirectorySeeder,
    workspace_api: FakeWorkspaceApi,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    workspace = await seeder.workspace()
    project_id = new_id()
    # The project exists upstream, but its event has not arrived yet.
    workspace_api.add_project(workspace.slug, project_id, workspace.id, "FBK")
    url = f"/api/v1/workspaces/{workspace.slug}/projects/{project_id}"
    # Several first uses at once: one sets the project up, the others wait and find it.
    responses = await asyncio.gather(
        *(client.get(f"{url}/states", headers=workspace.owner.headers) for _ in range(5))
    )
    for response in responses:
        assert response.status_code == 200, response.text
        assert _summary(response.json()["items"]) == DEFAULT_SET
    issue = await api.post(f"{url}/issues", workspace.owner, {"title": "First"})
    assert issue["key"] == "FBK-1"
    # The project's event arrives late: nothing is created twice.
    await seeder.deliver(
        project_event("created", project_id, workspace.id, sequence=1, identifier="FBK")
    )
    assert await _state_rows(sessionmaker, project_id) == len(DEFAULT_SET)


async def test_admins_create_change_and_delete_states(api: Api, world: World) -> None:
    created = await api.post(
        world.url("/states"), world.admin, {"name": "  Review ", "group": "started"}
    )
    assert created["name"] == "Review"
    assert created["colour"] == "#A3A3A3"
    assert created["is_default"] is False
    states = await api.states(world)
    assert created["position"] > states["Cancelled"]["position"]
    fetched = await api.get(world.url(f"/states/{created['id']}"), world.guest)
    assert fetched == created
    response = await api.client.patch(
        world.url(f"/states/{created['id']}"),
        json={"name": "In Review", "colour": "#112233", "position": 1500.5},
        headers=world.admin.headers,
    )
    assert response.status_code == 200, response.text
    assert response.json()["name"] == "In Review"
    assert response.json()["position"] == 1500.5
    by_position = await api.get(world.url("/states"), world.member)
    assert [state["name"] for state in by_position["items"]][:3] == [
        "Backlog",
        "In Review",
        "Todo",
    ]
    response = await api.client.delete(
        world.url(f"/states/{created['id']}"), headers=world.owner.headers
    )
    assert response.status_code == 204
    response = await api.client.get(
        world.url(f"/states/{created['id']}"), headers=world.owner.headers
    )
    assert_problem(response, 404, "state_not_found")


async def test_making_another_state_default_moves_the_default(api: Api, world: World) -> None:
    states = await api.states(world)
    response = await api.client.patch(
        world.url(f"/states/{states['Todo']['id']}"),
        json={"is_default": True},
        headers=world.admin.headers,
    )
    assert response.status_code == 200, response.text
    after = await api.states(world)
    assert [name for name, state in after.items() if state["is_default"]] == ["Todo"]
    issue = await api.issue(world)
    assert issue["state_id"] == states["Todo"]["id"]
    created = await api.post(
        world.url("/states"), world.admin, {"name": "Inbox", "group": "backlog", "is_default": True}
    )
    after = await api.states(world)
    assert [name for name, state in after.items() if state["is_default"]] == ["Inbox"]
    assert created["is_default"] is True


async def test_the_default_cannot_be_unset_or_deleted(
    api: Api, world: World, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    backlog = (await api.states(world))["Backlog"]
    url = world.url(f"/states/{backlog['id']}")
    response = await api.client.patch(url, json={"is_default": False}, headers=world.admin.headers)
    assert_problem(response, 422, "validation_failed", fields={"is_default"})
    response = await api.client.delete(url, headers=world.admin.headers)
    assert_problem(response, 409, "default_state_required")
    assert (await api.states(world))["Backlog"] == backlog


async def test_a_state_live_issues_are_in_cannot_be_deleted(
    api: Api, world: World, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    todo = (await api.states(world))["Todo"]
    issue = await api.issue(world, state_id=todo["id"])
    url = world.url(f"/states/{todo['id']}")
    response = await api.client.delete(url, headers=world.admin.headers)
    assert_problem(response, 409, "state_in_use")
    # Once the issue is deleted, the state may go; the deleted issue moves to the default.
    response = await api.client.delete(
        world.url(f"/issues/{issue['id']}"), headers=world.member.headers
    )
    assert response.status_code == 204
    response = await api.client.delete(url, headers=world.admin.headers)
    assert response.status_code == 204
    deleted = await api.get(world.url(f"/issues/{issue['id']}"), world.admin, include_deleted=True)
    assert deleted["state_id"] == (await api.states(world))["Backlog"]["id"]
    events = await issue_events(sessionmaker, issue["id"])
    assert [event["type"] for event in events][-1] == "workitems.issue.updated"
    assert events[-1]["data"]["state_group"] == "backlog"


async def test_changing_a_group_completes_its_issues(
    api: Api, world: World, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    review = await api.post(world.url("/states"), world.admin, {"name": "QA", "group": "started"})
    issue = await api.issue(world, state_id=review["id"])
    assert issue["completed_at"] is None
    response = await api.client.patch(
        world.url(f"/states/{review['id']}"),
        json={"group": "completed"},
        headers=world.admin.headers,
    )
    assert response.status_code == 200, response.text
    completed = await api.get(world.url(f"/issues/{issue['id']}"), world.member)
    assert completed["state_group"] == "completed"
    assert completed["completed_at"] is not None
    assert completed["version"] == 2
    events = await issue_events(sessionmaker, issue["id"])
    assert [(event["type"], event["sequence"]) for event in events] == [
        ("workitems.issue.created", 1),
        ("workitems.issue.updated", 2),
    ]
    assert events[-1]["data"]["state_group"] == "completed"


async def test_names_are_unique_per_project_ignoring_case(api: Api, world: World) -> None:
    response = await api.client.post(
        world.url("/states"), json={"name": "todo", "group": "started"}, headers=world.admin.headers
    )
    assert_problem(response, 409, "state_name_taken")
    review = await api.post(world.url("/states"), world.admin, {"name": "Rev", "group": "started"})
    response = await api.client.patch(
        world.url(f"/states/{review['id']}"), json={"name": "DONE"}, headers=world.admin.headers
    )
    assert_problem(response, 409, "state_name_taken")
    assert (await api.get(world.url(f"/states/{review['id']}"), world.admin))["name"] == "Rev"


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"group": "started"}, {"name"}),
        ({"name": " ", "group": "started"}, {"name"}),
        ({"name": "x" * 101, "group": "started"}, {"name"}),
        ({"name": "X", "group": "doing"}, {"group"}),
        ({"name": "X", "group": "started", "colour": "red"}, {"colour"}),
        ({"name": "X", "group": "started", "position": "far"}, {"position"}),
        ({"name": "X", "group": "started", "extra": 1}, {"extra"}),
    ],
)
async def test_bad_states_are_refused(
    api: Api,
    shared_world: World,
    sessionmaker: async_sessionmaker[AsyncSession],
    body: dict[str, Any],
    fields: set[str],
) -> None:
    response = await api.client.post(
        shared_world.url("/states"), json=body, headers=shared_world.admin.headers
    )
    assert_problem(response, 422, "validation_failed", fields=fields)
    assert await _state_rows(sessionmaker, shared_world.project.id) == len(DEFAULT_SET)


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"name": None}, {"name"}),
        ({"group": None}, {"group"}),
        ({"colour": "#12345"}, {"colour"}),
        ({"is_default": None}, {"is_default"}),
    ],
)
async def test_bad_state_changes_are_refused(
    api: Api, shared_world: World, body: dict[str, Any], fields: set[str]
) -> None:
    todo = (await api.states(shared_world))["Todo"]
    response = await api.client.patch(
        shared_world.url(f"/states/{todo['id']}"), json=body, headers=shared_world.admin.headers
    )
    assert_problem(response, 422, "validation_failed", fields=fields)
    assert (await api.states(shared_world))["Todo"] == todo


async def test_only_project_admins_write_states(api: Api, world: World) -> None:
    todo = (await api.states(world))["Todo"]
    for user in (world.member, world.guest, world.viewer):
        response = await api.client.post(
            world.url("/states"), json={"name": "Nope", "group": "started"}, headers=user.headers
        )
        assert_problem(response, 403, "insufficient_role")
        response = await api.client.patch(
            world.url(f"/states/{todo['id']}"), json={"name": "Nope"}, headers=user.headers
        )
        assert_problem(response, 403, "insufficient_role")
    assert "Nope" not in await api.states(world)


async def test_states_paginate_by_name(api: Api, world: World) -> None:
    first = await api.get(world.url("/states"), world.member, sort="name", limit=2)
    second = await api.get(
        world.url("/states"), world.member, sort="name", limit=2, cursor=first["next_cursor"]
    )
    third = await api.get(
        world.url("/states"), world.member, sort="name", limit=2, cursor=second["next_cursor"]
    )
    names = [state["name"] for page in (first, second, third) for state in page["items"]]
    assert names == sorted(name for name, _, _ in DEFAULT_SET)
    assert third["next_cursor"] is None


async def test_a_state_deleted_while_an_issue_is_put_into_it_is_no_500(
    api: Api,
    client: httpx.AsyncClient,
    world: World,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    review = await api.post(world.url("/states"), world.admin, {"name": "Rev", "group": "started"})
    url, body = world.url("/issues"), {"title": "Late", "state_id": review["id"]}
    # The issue's state was checked, then the state is deleted before the issue is written
    # (the issue waits for its number): the state is gone, as if it never existed.
    async with sessionmaker() as blocker:
        await blocker.execute(
            select(IssueCounter)
            .where(IssueCounter.project_id == world.project.id)
            .with_for_update()
        )
        create = asyncio.create_task(client.post(url, json=body, headers=world.member.headers))
        await eventually(lambda: someone_waits_for_a_lock(sessionmaker))
        deleted = await client.delete(
            world.url(f"/states/{review['id']}"), headers=world.admin.headers
        )
        assert deleted.status_code == 204, deleted.text
        await blocker.rollback()
    assert_problem(await create, 422, "unknown_reference", fields={"state_id"})
    # The other way round: the state's deletion found it empty, then an issue was put in.
    other = await api.post(world.url("/states"), world.admin, {"name": "QA", "group": "started"})
    async with sessionmaker() as blocker:
        await blocker.execute(
            select(State).where(State.project_id == world.project.id).with_for_update(read=True)
        )
        delete = asyncio.create_task(
            client.delete(world.url(f"/states/{other['id']}"), headers=world.admin.headers)
        )
        await eventually(lambda: someone_waits_for_a_lock(sessionmaker))
        await api.post(url, world.member, {**body, "state_id": other["id"]})
        await blocker.rollback()
    assert_problem(await delete, 409, "state_in_use")
