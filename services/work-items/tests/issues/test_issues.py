"""Issues: keys, fields and their rules, editing, deletion and restore, and who may."""

from __future__ import annotations

import asyncio
from typing import Any
from uuid import UUID

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.ids import new_id
from worksync.common.testing.directory import DirectorySeeder
from worksync.common.testing.problems import assert_problem
from worksync.common.testing.workspace_api import FakeWorkspaceApi
from worksync.work_items.boards.ranks import MAX_LENGTH
from worksync.work_items.models import Issue, IssueCounter
from worksync.work_items.testing import (
    Api,
    World,
    arrange_world,
    issue_events,
)


async def _issue_count(sessionmaker: async_sessionmaker[AsyncSession], project_id: UUID) -> int:
    async with sessionmaker() as session:
        count = await session.scalar(
            select(func.count()).select_from(Issue).where(Issue.project_id == project_id)
        )
    return int(count or 0)


async def _counter(sessionmaker: async_sessionmaker[AsyncSession], project_id: UUID) -> int:
    async with sessionmaker() as session:
        counter = await session.get(IssueCounter, project_id)
    assert counter is not None
    return counter.last_sequence_id


async def test_create_get_and_defaults(api: Api, world: World) -> None:
    states = await api.states(world)
    issue = await api.issue(world, title="  Launch the rocket  ")
    assert issue["title"] == "Launch the rocket"
    assert issue["key"] == f"{world.project.identifier}-1"
    assert issue["sequence_id"] == 1
    assert issue["state_id"] == states["Backlog"]["id"]
    assert issue["state_group"] == "backlog"
    assert issue["priority"] == "none"
    assert issue["assignee_ids"] == []
    assert issue["label_ids"] == []
    assert issue["description_format"] == "markdown"
    assert issue["logged_minutes"] == 0
    assert issue["created_by"] == str(world.member.id)
    assert issue["version"] == 1
    assert issue["deleted_at"] is None
    assert await api.get(world.url(f"/issues/{issue['id']}"), world.guest) == issue
    second = await api.issue(world)
    assert second["key"] == f"{world.project.identifier}-2"
    assert second["position"] > issue["position"]


async def test_every_field_is_stored(api: Api, world: World) -> None:
    states = await api.states(world)
    label = await api.label(world, "Bug")
    parent = await api.issue(world, title="Parent")
    body = {
        "title": "Child",
        "description": "# Heading\n<script>kept as text</script>",
        "state_id": states["In Progress"]["id"],
        "priority": "high",
        "assignee_ids": [str(world.member.id), str(world.guest.id)],
        "label_ids": [label["id"]],
        "parent_id": parent["id"],
        "start_date": "2030-01-01",
        "due_date": "2030-01-31",
        "estimate_minutes": 90,
    }
    issue = await api.issue(world, **body)
    for name, value in body.items():
        if name == "assignee_ids":
            assert sorted(issue[name]) == sorted(value)
        else:
            assert issue[name] == value, name
    assert issue["state_group"] == "started"


async def test_html_descriptions_are_sanitised(api: Api, world: World) -> None:
    issue = await api.issue(
        world,
        description='<p onclick="steal()">Hi <a href="javascript:x()">x</a><script>1</script></p>',
        description_format="html",
    )
    assert issue["description"] == '<p>Hi <a rel="noopener noreferrer">x</a></p>'
    response = await api.client.patch(
        world.url(f"/issues/{issue['id']}"),
        json={"description": "<b>bold</b><img src=x onerror=alert(1)>"},
        headers=world.member.headers,
    )
    assert response.json()["description"] == '<b>bold</b><img src="x">'


async def test_completion_follows_the_state_group(api: Api, world: World) -> None:
    states = await api.states(world)
    issue = await api.issue(world, state_id=states["Done"]["id"])
    assert issue["completed_at"] is not None
    url = world.url(f"/issues/{issue['id']}")
    response = await api.client.patch(
        url, json={"title": "Still done"}, headers=world.member.headers
    )
    assert response.json()["completed_at"] == issue["completed_at"]
    response = await api.client.patch(
        url, json={"state_id": states["Todo"]["id"]}, headers=world.member.headers
    )
    assert response.json()["completed_at"] is None
    assert response.json()["state_group"] == "unstarted"
    response = await api.client.patch(
        url, json={"state_id": states["Done"]["id"]}, headers=world.member.headers
    )
    assert response.json()["completed_at"] is not None


async def test_patch_changes_and_clears_fields(
    api: Api, world: World, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    label = await api.label(world, "Feature")
    issue = await api.issue(
        world, due_date="2030-05-01", estimate_minutes=30, assignee_ids=[str(world.member.id)]
    )
    url = world.url(f"/issues/{issue['id']}")
    response = await api.client.patch(
        url,
        json={
            "due_date": None,
            "estimate_minutes": None,
            "assignee_ids": [str(world.admin.id)],
            "label_ids": [label["id"]],
            "priority": "urgent",
            "position": 12.5,
        },
        headers=world.admin.headers,
    )
    assert response.status_code == 200, response.text
    changed = response.json()
    assert changed["due_date"] is None
    assert changed["estimate_minutes"] is None
    assert changed["assignee_ids"] == [str(world.admin.id)]
    assert changed["label_ids"] == [label["id"]]
    assert changed["priority"] == "urgent"
    assert changed["position"] == 12.5
    assert changed["version"] == 2
    assert await api.get(url, world.guest) == changed


async def test_a_patch_that_changes_nothing_records_nothing(
    api: Api, world: World, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    issue = await api.issue(world, priority="low", assignee_ids=[str(world.member.id)])
    response = await api.client.patch(
        world.url(f"/issues/{issue['id']}"),
        json={"priority": "low", "title": issue["title"], "assignee_ids": [str(world.member.id)]},
        headers=world.member.headers,
    )
    assert response.status_code == 200
    assert response.json() == issue
    assert len(await issue_events(sessionmaker, issue["id"])) == 1


async def test_parents_stay_in_the_project_and_never_loop(
    api: Api, world: World, seeder: DirectorySeeder
) -> None:
    grandparent = await api.issue(world)
    parent = await api.issue(world, parent_id=grandparent["id"])
    child = await api.issue(world, parent_id=parent["id"])
    url = world.url(f"/issues/{grandparent['id']}")
    for parent_id in (grandparent["id"], child["id"], parent["id"]):
        response = await api.client.patch(
            url, json={"parent_id": parent_id}, headers=world.member.headers
        )
        assert_problem(response, 422, "validation_failed", fields={"parent_id"})
    other = await arrange_world(seeder)
    foreign = await api.issue(other)
    for parent_id in (foreign["id"], str(new_id())):
        response = await api.client.patch(
            url, json={"parent_id": parent_id}, headers=world.member.headers
        )
        assert_problem(response, 422, "unknown_reference", fields={"parent_id"})
    assert (await api.get(url, world.member))["parent_id"] is None


async def test_two_issues_made_each_others_parent_at_once_give_one_loop_error(
    api: Api, world: World
) -> None:
    # Each change alone passes the loop check; together they would close a loop (and their
    # row locks used to deadlock into a 500).
    for _ in range(3):
        first, second = await api.issue(world), await api.issue(world)
        responses = await asyncio.gather(
            *(
                api.client.patch(
                    world.url(f"/issues/{issue['id']}"),
                    json={"parent_id": parent["id"]},
                    headers=world.member.headers,
                )
                for issue, parent in ((first, second), (second, first))
            )
        )
        assert sorted(response.status_code for response in responses) == [200, 422]


async def test_assignees_must_be_live_members(
    api: Api, world: World, seeder: DirectorySeeder, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    leaver = await seeder.member(world.workspace)
    await seeder.set_member(world.workspace, leaver, role="member", verb="removed")
    stranger = await seeder.member(await seeder.workspace())
    for user_id in (leaver.id, stranger.id, new_id()):
        response = await api.client.post(
            world.url("/issues"),
            json={"title": "T", "assignee_ids": [str(user_id)]},
            headers=world.member.headers,
        )
        assert_problem(response, 422, "unknown_reference", fields={"assignee_ids"})
    assert await _counter(sessionmaker, world.project.id) == 0
    # Someone assigned while a member stays assigned after leaving, until changed.
    colleague = await seeder.member(world.workspace)
    issue = await api.issue(world, assignee_ids=[str(colleague.id)])
    await seeder.set_member(world.workspace, colleague, role="member", verb="removed")
    response = await api.client.patch(
        world.url(f"/issues/{issue['id']}"),
        json={"assignee_ids": [str(colleague.id), str(world.member.id)]},
        headers=world.member.headers,
    )
    assert response.status_code == 200, response.text
    assert len(response.json()["assignee_ids"]) == 2


async def test_a_member_added_a_moment_ago_is_assigned_at_once(
    api: Api, world: World, seeder: DirectorySeeder, workspace_api: FakeWorkspaceApi
) -> None:
    # The workspace service has them; their event has not reached the projection yet.
    newcomer, other = seeder.user("Nia Newcomer"), seeder.user("Oz Other")
    workspace_api.add_member(world.workspace, newcomer)
    workspace_api.add_member(world.workspace, other, role="guest")
    issue = await api.issue(world, assignee_ids=[str(newcomer.id), str(world.member.id)])
    assert sorted(issue["assignee_ids"]) == sorted([str(newcomer.id), str(world.member.id)])
    changed = await api.client.patch(
        world.url(f"/issues/{issue['id']}"),
        json={"assignee_ids": [str(newcomer.id), str(other.id)]},
        headers=world.member.headers,
    )
    assert changed.status_code == 200, changed.text
    assert sorted(changed.json()["assignee_ids"]) == sorted([str(newcomer.id), str(other.id)])


async def test_labels_and_states_must_be_the_projects(
    api: Api, world: World, seeder: DirectorySeeder, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    other = await arrange_world(seeder)
    their_label = await api.label(other, "Theirs")
    their_state = (await api.states(other))["Todo"]
    response = await api.client.post(
        world.url("/issues"),
        json={"title": "T", "label_ids": [their_label["id"]]},
        headers=world.member.headers,
    )
    assert_problem(response, 422, "unknown_reference", fields={"label_ids"})
    response = await api.client.post(
        world.url("/issues"),
        json={"title": "T", "state_id": their_state["id"]},
        headers=world.member.headers,
    )
    assert_problem(response, 422, "unknown_reference", fields={"state_id"})
    assert await _issue_count(sessionmaker, world.project.id) == 0


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, {"title"}),
        ({"title": "   "}, {"title"}),
        ({"title": "x" * 256}, {"title"}),
        ({"title": "T", "priority": "asap"}, {"priority"}),
        ({"title": "T", "description_format": "rtf"}, {"description_format"}),
        ({"title": "T", "estimate_minutes": -1}, {"estimate_minutes"}),
        ({"title": "T", "start_date": "2030-02-01", "due_date": "2030-01-01"}, {"due_date"}),
        ({"title": "T", "due_date": "someday"}, {"due_date"}),
        # Strict JSON types, as the document states them: no number for a date, no string
        # for a number.
        ({"title": "T", "start_date": 0}, {"start_date"}),
        ({"title": "T", "estimate_minutes": "30"}, {"estimate_minutes"}),
        ({"title": "T", "state_id": "not-a-uuid"}, {"state_id"}),
        ({"title": "T", "logged_minutes": 5}, {"logged_minutes"}),
        ({"title": "T", "assignee_ids": "me"}, {"assignee_ids"}),
    ],
)
async def test_bad_issues_are_refused_and_take_no_number(
    api: Api,
    shared_world: World,
    sessionmaker: async_sessionmaker[AsyncSession],
    body: dict[str, Any],
    fields: set[str],
) -> None:
    project_id = shared_world.project.id
    before = (
        await _issue_count(sessionmaker, project_id),
        await _counter(sessionmaker, project_id),
    )
    response = await api.client.post(
        shared_world.url("/issues"), json=body, headers=shared_world.member.headers
    )
    assert_problem(response, 422, "validation_failed", fields=fields)
    after = (await _issue_count(sessionmaker, project_id), await _counter(sessionmaker, project_id))
    assert after == before


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"title": None}, {"title"}),
        ({"title": ""}, {"title"}),
        ({"state_id": None}, {"state_id"}),
        ({"priority": None}, {"priority"}),
        ({"assignee_ids": None}, {"assignee_ids"}),
        ({"position": "first"}, {"position"}),
        ({"position": "1.5"}, {"position"}),
        ({"start_date": "2031-01-01"}, {"due_date"}),
        ({"estimate_minutes": -5}, {"estimate_minutes"}),
        ({"sequence_id": 7}, {"sequence_id"}),
    ],
)
async def test_bad_changes_are_refused_and_change_nothing(
    api: Api,
    shared_world: World,
    sessionmaker: async_sessionmaker[AsyncSession],
    body: dict[str, Any],
    fields: set[str],
) -> None:
    issue = await api.issue(shared_world, due_date="2030-06-30")
    url = shared_world.url(f"/issues/{issue['id']}")
    response = await api.client.patch(url, json=body, headers=shared_world.member.headers)
    assert_problem(response, 422, "validation_failed", fields=fields)
    assert await api.get(url, shared_world.member) == issue
    assert len(await issue_events(sessionmaker, issue["id"])) == 1


async def test_guests_and_outsiders_of_the_project_only_read(api: Api, world: World) -> None:
    issue = await api.issue(world)
    url = world.url(f"/issues/{issue['id']}")
    for user in (world.guest, world.viewer):
        response = await api.client.post(
            world.url("/issues"), json={"title": "T"}, headers=user.headers
        )
        assert_problem(response, 403, "insufficient_role")
        response = await api.client.patch(url, json={"title": "Mine"}, headers=user.headers)
        assert_problem(response, 403, "insufficient_role")
        response = await api.client.delete(url, headers=user.headers)
        assert_problem(response, 403, "insufficient_role")
    # A workspace member outside the project still reads it.
    assert (await api.get(url, world.viewer))["title"] == issue["title"]


async def test_delete_and_restore(
    api: Api, world: World, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    issue = await api.issue(world, user=world.member)
    url = world.url(f"/issues/{issue['id']}")
    # Someone who is neither its creator nor a project admin may not delete it.
    response = await api.client.delete(url, headers=world.viewer.headers)
    assert_problem(response, 403, "insufficient_role")
    response = await api.client.delete(url, headers=world.member.headers)
    assert response.status_code == 204
    assert_problem(await api.client.get(url, headers=world.member.headers), 404, "issue_not_found")
    response = await api.client.get(
        url, params={"include_deleted": True}, headers=world.member.headers
    )
    assert_problem(response, 403, "insufficient_role")
    deleted = await api.get(url, world.admin, include_deleted="true")
    assert deleted["deleted_at"] is not None
    response = await api.client.patch(url, json={"title": "X"}, headers=world.admin.headers)
    assert_problem(response, 404, "issue_not_found")
    response = await api.client.delete(url, headers=world.admin.headers)
    assert_problem(response, 404, "issue_not_found")
    restored = await api.post(f"{url}/restore", world.member, {})
    assert restored["deleted_at"] is None
    assert restored["version"] == 3
    response = await api.client.post(f"{url}/restore", headers=world.admin.headers)
    assert_problem(response, 409, "issue_not_deleted")
    events = await issue_events(sessionmaker, issue["id"])
    assert [(event["type"], event["sequence"]) for event in events] == [
        ("workitems.issue.created", 1),
        ("workitems.issue.deleted", 2),
        ("workitems.issue.restored", 3),
    ]
    assert events[1]["data"]["deleted_at"] is not None
    assert events[2]["data"]["deleted_at"] is None


async def test_admins_delete_and_restore_issues_of_others(api: Api, world: World) -> None:
    issue = await api.issue(world, user=world.member)
    url = world.url(f"/issues/{issue['id']}")
    assert (await api.client.delete(url, headers=world.admin.headers)).status_code == 204
    response = await api.client.post(f"{url}/restore", headers=world.viewer.headers)
    assert_problem(response, 403, "insufficient_role")
    assert (await api.client.post(f"{url}/restore", headers=world.owner.headers)).status_code == 200


async def test_numbers_are_never_reused(
    api: Api, world: World, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    first = await api.issue(world)
    second = await api.issue(world)
    for issue in (first, second):
        response = await api.client.delete(
            world.url(f"/issues/{issue['id']}"), headers=world.admin.headers
        )
        assert response.status_code == 204
    third = await api.issue(world)
    assert third["sequence_id"] == 3


async def test_concurrent_creates_get_distinct_consecutive_keys(api: Api, world: World) -> None:
    created = await asyncio.gather(*(api.issue(world, title=f"Issue {n}") for n in range(20)))
    numbers = sorted(issue["sequence_id"] for issue in created)
    assert numbers == list(range(1, 21))
    assert len({issue["key"] for issue in created}) == 20
    # Taking turns on the counter also orders the board.
    by_number = sorted(created, key=lambda issue: issue["sequence_id"])
    positions = [issue["position"] for issue in by_number]
    assert positions == sorted(positions)
    assert len(set(positions)) == 20


async def test_idempotent_create(api: Api, world: World) -> None:
    headers = {**world.member.headers, "Idempotency-Key": f"k-{new_id()}"}
    first = await api.client.post(world.url("/issues"), json={"title": "Once"}, headers=headers)
    again = await api.client.post(world.url("/issues"), json={"title": "Once"}, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    page = await api.get(world.url("/issues"), world.member)
    assert len(page["items"]) == 1


async def test_a_new_issue_after_a_last_rank_with_no_room_rebalances_the_ranks(
    api: Api, world: World, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    first = await api.issue(world)
    async with sessionmaker() as session, session.begin():
        # The greatest rank a column holds before a rebalance: nothing fits after it.
        await session.execute(
            update(Issue).where(Issue.id == UUID(first["id"])).values(rank="z" * MAX_LENGTH)
        )
    second = await api.issue(world)
    async with sessionmaker() as session:
        rows = await session.execute(
            select(Issue.id, Issue.rank).where(Issue.project_id == world.project.id)
        )
        ranks = {row.id: row.rank for row in rows}
    assert len(ranks[UUID(first["id"])]) < MAX_LENGTH
    assert ranks[UUID(first["id"])] < ranks[UUID(second["id"])]
    assert second["position"] > first["position"]
