"""Labels: CRUD, unique names, nesting without loops, and deletion taking them off issues."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.ids import new_id
from worksync.common.testing.directory import DirectorySeeder
from worksync.common.testing.problems import assert_problem
from worksync.common.testing.waiting import eventually, someone_waits_for_a_lock
from worksync.work_items.models import IssueCounter, IssueLabel, Label
from worksync.work_items.testing import Api, World, arrange_world, issue_events


async def _label_count(sessionmaker: async_sessionmaker[AsyncSession], world: World) -> int:
    async with sessionmaker() as session:
        count = await session.scalar(
            select(func.count()).select_from(Label).where(Label.project_id == world.project.id)
        )
    return int(count or 0)


async def test_members_create_and_change_labels(api: Api, world: World) -> None:
    parent = await api.label(world, "Area")
    child = await api.label(world, " Backend ", colour="#00FF00", parent_id=parent["id"])
    assert child["name"] == "Backend"
    assert child["parent_id"] == parent["id"]
    assert await api.get(world.url(f"/labels/{child['id']}"), world.guest) == child
    response = await api.client.patch(
        world.url(f"/labels/{child['id']}"),
        json={"name": "Server", "parent_id": None},
        headers=world.member.headers,
    )
    assert response.status_code == 200, response.text
    assert response.json()["name"] == "Server"
    assert response.json()["parent_id"] is None
    page = await api.get(world.url("/labels"), world.guest)
    assert [label["name"] for label in page["items"]] == ["Area", "Server"]


async def test_labels_paginate(api: Api, world: World) -> None:
    for name in ("c", "a", "d", "b", "e"):
        await api.label(world, name)
    first = await api.get(world.url("/labels"), world.member, limit=3)
    second = await api.get(world.url("/labels"), world.member, limit=3, cursor=first["next_cursor"])
    assert [label["name"] for label in first["items"] + second["items"]] == list("abcde")
    assert second["next_cursor"] is None
    newest = await api.get(world.url("/labels"), world.member, sort="created_at", limit=100)
    assert [label["name"] for label in newest["items"]] == list("cadbe")


async def test_names_are_unique_per_project_ignoring_case(
    api: Api, world: World, seeder: DirectorySeeder
) -> None:
    await api.label(world, "Bug")
    response = await api.client.post(
        world.url("/labels"), json={"name": "BUG"}, headers=world.member.headers
    )
    assert_problem(response, 409, "label_name_taken")
    # Another project may use the name.
    await api.label(await arrange_world(seeder), "Bug")


async def test_a_label_is_not_renamed_to_a_name_taken_in_its_project(
    api: Api, world: World
) -> None:
    await api.label(world, "Bug")
    feature = await api.label(world, "Feature")
    url = world.url(f"/labels/{feature['id']}")
    response = await api.client.patch(url, json={"name": "bug"}, headers=world.member.headers)
    assert_problem(response, 409, "label_name_taken")
    assert await api.get(url, world.member) == feature


async def test_parents_stay_in_the_project_and_never_loop(
    api: Api, world: World, seeder: DirectorySeeder
) -> None:
    top = await api.label(world, "Top")
    middle = await api.label(world, "Middle", parent_id=top["id"])
    bottom = await api.label(world, "Bottom", parent_id=middle["id"])
    url = world.url(f"/labels/{top['id']}")
    for parent_id in (top["id"], bottom["id"]):
        response = await api.client.patch(
            url, json={"parent_id": parent_id}, headers=world.member.headers
        )
        assert_problem(response, 422, "validation_failed", fields={"parent_id"})
    theirs = await api.label(await arrange_world(seeder), "Theirs")
    for parent_id in (theirs["id"], str(new_id())):
        response = await api.client.post(
            world.url("/labels"),
            json={"name": "X", "parent_id": parent_id},
            headers=world.member.headers,
        )
        assert_problem(response, 422, "unknown_reference", fields={"parent_id"})
    assert (await api.get(url, world.member))["parent_id"] is None


async def test_two_labels_made_each_others_parent_at_once_form_no_loop(
    api: Api, world: World
) -> None:
    for n in range(3):
        first, second = await api.label(world, f"First {n}"), await api.label(world, f"Second {n}")
        responses = await asyncio.gather(
            *(
                api.client.patch(
                    world.url(f"/labels/{label['id']}"),
                    json={"parent_id": parent["id"]},
                    headers=world.member.headers,
                )
                for label, parent in ((first, second), (second, first))
            )
        )
        assert sorted(response.status_code for response in responses) == [200, 422]


async def test_a_label_deleted_while_an_issue_is_given_it_is_no_500(
    api: Api, world: World, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    label = await api.label(world, "Doomed")
    body = {"title": "Late", "label_ids": [label["id"]]}
    # The label was checked, then deleted before the issue is written (it waits for its
    # number): refused like a label that never existed.
    async with sessionmaker() as blocker:
        await blocker.execute(
            select(IssueCounter)
            .where(IssueCounter.project_id == world.project.id)
            .with_for_update()
        )
        create = asyncio.create_task(
            api.client.post(world.url("/issues"), json=body, headers=world.member.headers)
        )
        await eventually(lambda: someone_waits_for_a_lock(sessionmaker))
        deleted = await api.client.delete(
            world.url(f"/labels/{label['id']}"), headers=world.admin.headers
        )
        assert deleted.status_code == 204, deleted.text
        await blocker.rollback()
    assert_problem(await create, 422, "unknown_reference", fields={"label_ids"})


async def test_a_label_put_on_an_issue_while_it_is_deleted_comes_off_with_an_event(
    api: Api, world: World, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    label = await api.label(world, "Fleeting")
    issue = await api.issue(world)
    # A write putting the label on the issue, not yet committed when the deletion starts.
    async with sessionmaker() as writer:
        await writer.execute(
            insert(IssueLabel).values(
                issue_id=issue["id"], label_id=label["id"], project_id=world.project.id
            )
        )
        deletion = asyncio.create_task(
            api.client.delete(world.url(f"/labels/{label['id']}"), headers=world.admin.headers)
        )
        await eventually(lambda: someone_waits_for_a_lock(sessionmaker))
        await writer.commit()
    assert (await deletion).status_code == 204
    # The deletion saw the label on the issue: consumers hear that it came off.
    events = await issue_events(sessionmaker, issue["id"])
    assert events[-1]["type"] == "workitems.issue.updated"
    assert events[-1]["data"]["label_ids"] == []


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, {"name"}),
        ({"name": ""}, {"name"}),
        ({"name": "x" * 101}, {"name"}),
        ({"name": "X", "colour": "blue"}, {"colour"}),
        ({"name": "X", "parent_id": "nope"}, {"parent_id"}),
    ],
)
async def test_bad_labels_are_refused(
    api: Api,
    shared_world: World,
    sessionmaker: async_sessionmaker[AsyncSession],
    body: dict[str, Any],
    fields: set[str],
) -> None:
    response = await api.client.post(
        shared_world.url("/labels"), json=body, headers=shared_world.member.headers
    )
    assert_problem(response, 422, "validation_failed", fields=fields)
    assert await _label_count(sessionmaker, shared_world) == 0


async def test_who_may_write_labels(api: Api, world: World) -> None:
    label = await api.label(world, "Mine")
    url = world.url(f"/labels/{label['id']}")
    for user in (world.guest, world.viewer):
        response = await api.client.post(
            world.url("/labels"), json={"name": "No"}, headers=user.headers
        )
        assert_problem(response, 403, "insufficient_role")
    response = await api.client.delete(url, headers=world.member.headers)
    assert_problem(response, 403, "insufficient_role")
    assert await api.get(url, world.member) == label


async def test_deleting_a_label_takes_it_off_issues_and_children(
    api: Api, world: World, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    bug = await api.label(world, "Bug")
    ui = await api.label(world, "UI")
    child = await api.label(world, "Crash", parent_id=bug["id"])
    issue = await api.issue(world, label_ids=[bug["id"], ui["id"]])
    untouched = await api.issue(world, label_ids=[ui["id"]])
    response = await api.client.delete(
        world.url(f"/labels/{bug['id']}"), headers=world.admin.headers
    )
    assert response.status_code == 204
    after = await api.get(world.url(f"/issues/{issue['id']}"), world.member)
    assert after["label_ids"] == [ui["id"]]
    assert after["version"] == 2
    assert (await api.get(world.url(f"/labels/{child['id']}"), world.member))["parent_id"] is None
    events = await issue_events(sessionmaker, issue["id"])
    assert events[-1]["type"] == "workitems.issue.updated"
    assert events[-1]["data"]["label_ids"] == [ui["id"]]
    assert len(await issue_events(sessionmaker, untouched["id"])) == 1
    response = await api.client.get(world.url(f"/labels/{bug['id']}"), headers=world.admin.headers)
    assert_problem(response, 404, "label_not_found")
