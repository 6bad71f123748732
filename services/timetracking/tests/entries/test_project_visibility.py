"""Time on public and private projects: on a public project every workspace member (not a
guest) records time; a private one is seen only by its project members and the workspace's
owners and admins, so to anyone else it does not exist (404 `project_not_found`) — for
entries, timers, worklogs and duplicates alike — and its time is not shown to them."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.testing.directory import DirectorySeeder, SeededUser
from worksync.common.testing.problems import assert_problem
from worksync.common.testing.workspace_api import FakeWorkspaceApi
from worksync.timetracking.testing import (
    Issues,
    World,
    arrange_team,
    arrange_world,
    create_entry,
    entries_of,
    outbox_size,
    rewind_timer,
)

A_DAY = {"work_date": "2024-05-06", "duration_seconds": 600}


async def record(
    client: httpx.AsyncClient, world: World, person: SeededUser, **body: Any
) -> httpx.Response:
    payload = {"project_id": str(world.project.id), **A_DAY, **body}
    return await client.post(f"{world.base}/time-entries", json=payload, headers=person.headers)


async def start_timer(
    client: httpx.AsyncClient, world: World, person: SeededUser
) -> httpx.Response:
    return await client.post(
        f"{world.base}/timer/start",
        json={"project_id": str(world.project.id)},
        headers=person.headers,
    )


async def log_work(client: httpx.AsyncClient, world: World, person: SeededUser) -> httpx.Response:
    return await client.post(
        f"{world.issue_url()}/worklogs", json={"duration_minutes": 5}, headers=person.headers
    )


async def test_on_a_public_project_every_member_records_time_and_guests_none(
    client: httpx.AsyncClient, seeder: DirectorySeeder, world: World
) -> None:
    # Carl belongs to the workspace, not to the (public) project.
    carl = await seeder.member(world.workspace, display_name="Carl Coder")

    assert (await record(client, world, carl)).status_code == 201
    assert (await log_work(client, world, carl)).status_code == 201
    assert (await start_timer(client, world, carl)).status_code == 201
    for refused in (
        await record(client, world, world.guest),
        await start_timer(client, world, world.guest),
        await log_work(client, world, world.guest),
    ):
        assert_problem(refused, 403, "insufficient_role")


async def test_on_a_private_project_only_its_members_and_the_workspace_admins_record_time(
    client: httpx.AsyncClient,
    seeder: DirectorySeeder,
    issues: Issues,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    world = await arrange_world(seeder, issues, visibility="private")
    carl = await seeder.member(world.workspace, display_name="Carl Coder")
    before = await outbox_size(sessionmaker)

    for refused in (
        await record(client, world, carl),
        await start_timer(client, world, carl),
        await log_work(client, world, carl),
        await client.get(f"{world.issue_url()}/worklogs", headers=carl.headers),
        await client.get(f"{world.base}/projects/{world.project.id}/budget", headers=carl.headers),
        await client.get(
            f"{world.base}/projects/{world.project.id}/worklogs/summary", headers=carl.headers
        ),
    ):
        assert_problem(refused, 404, "project_not_found")
    assert await entries_of(sessionmaker, carl.id) == []
    assert await outbox_size(sessionmaker) == before
    # Guests may do nothing here, project member or not.
    assert_problem(await record(client, world, world.guest), 403, "insufficient_role")

    # Its members and the workspace's admins (members of it or not) record time as before.
    assert (await record(client, world, world.ada)).status_code == 201
    assert (await log_work(client, world, world.ada)).status_code == 201
    assert (await start_timer(client, world, world.bob)).status_code == 201
    assert (await record(client, world, world.admin)).status_code == 201
    assert (await start_timer(client, world, world.owner)).status_code == 201


async def test_time_for_another_user_on_a_private_project_needs_them_to_see_it(
    client: httpx.AsyncClient,
    seeder: DirectorySeeder,
    issues: Issues,
    workspace_api: FakeWorkspaceApi,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    world = await arrange_world(seeder, issues, visibility="private")
    carl = await seeder.member(world.workspace, display_name="Carl Coder")
    dora = await seeder.member(world.workspace, display_name="Dora Designer")
    before = await outbox_size(sessionmaker)

    for_carl = await record(client, world, world.admin, user_id=str(carl.id))
    assert_problem(for_carl, 403, "not_project_member")
    assert await outbox_size(sessionmaker) == before

    assert (await record(client, world, world.admin, user_id=str(world.ada.id))).is_success
    assert (await record(client, world, world.admin, user_id=str(world.owner.id))).is_success
    # Added to the project a moment ago: the workspace API knows before the projection does.
    workspace_api.add_project_member(world.workspace.slug, world.project.id, dora.id, role="member")
    assert (await record(client, world, world.admin, user_id=str(dora.id))).is_success


async def test_a_project_turned_private_refuses_non_members_once_its_event_arrives(
    client: httpx.AsyncClient,
    seeder: DirectorySeeder,
    world: World,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    carl = await seeder.member(world.workspace, display_name="Carl Coder")
    carls = await create_entry(client, world, carl, **A_DAY)
    for_carl = await create_entry(client, world, world.admin, user_id=str(carl.id), **A_DAY)
    timer = await start_timer(client, world, carl)
    assert timer.status_code == 201
    await rewind_timer(sessionmaker, UUID(timer.json()["id"]), 60)

    await seeder.update_project(world.project, visibility="private")

    assert_problem(await record(client, world, carl), 404, "project_not_found")
    assert_problem(await log_work(client, world, carl), 404, "project_not_found")
    entry_url = f"{world.base}/time-entries/{carls['id']}"
    for refused in (
        await client.patch(entry_url, json={"description": "x"}, headers=carl.headers),
        await client.post(f"{entry_url}/duplicate", json={}, headers=carl.headers),
        await client.delete(entry_url, headers=carl.headers),
    ):
        assert_problem(refused, 404, "time_entry_not_found")
    duplicated = await client.post(
        f"{world.base}/time-entries/{for_carl['id']}/duplicate",
        json={},
        headers=world.admin.headers,
    )
    assert_problem(duplicated, 403, "not_project_member")
    # The timer started while Carl could still record time there may still be ended: the
    # work happened; nothing new starts.
    stopped = await client.post(f"{world.base}/timer/stop", headers=carl.headers)
    assert stopped.status_code == 200, stopped.text
    assert_problem(await start_timer(client, world, carl), 404, "project_not_found")
    # His own time stays his to see in his lists.
    listed = await client.get(f"{world.base}/time-entries", headers=carl.headers)
    assert {item["id"] for item in listed.json()["items"]} == {
        carls["id"],
        for_carl["id"],
        stopped.json()["id"],
    }

    await seeder.update_project(world.project, visibility="public")
    assert (await record(client, world, carl)).status_code == 201


async def test_a_team_lead_reads_members_time_only_on_projects_the_lead_sees(
    client: httpx.AsyncClient, seeder: DirectorySeeder, world: World, issues: Issues
) -> None:
    private = await seeder.project(world.workspace, name="Skunkworks", visibility="private")
    await seeder.project_member(private, world.bob)
    carl = await seeder.member(world.workspace, display_name="Carl Coder")
    await arrange_team(seeder, world.workspace, carl, [world.bob])
    public_entry = await create_entry(client, world, world.bob, **A_DAY)
    private_entry = await create_entry(
        client,
        world,
        world.bob,
        project_id=str(private.id),
        work_date="2024-05-07",
        duration_seconds=900,
    )

    listed = await client.get(f"{world.base}/time-entries", headers=carl.headers)
    assert [item["id"] for item in listed.json()["items"]] == [public_entry["id"]]
    hidden = await client.get(
        f"{world.base}/time-entries/{private_entry['id']}", headers=carl.headers
    )
    assert_problem(hidden, 404, "time_entry_not_found")
    exported = await client.get(f"{world.base}/time-entries/export", headers=carl.headers)
    assert public_entry["id"] in exported.text
    assert private_entry["id"] not in exported.text
    report = await client.get(
        f"{world.base}/time-tracking/report",
        params={"from": "2024-05-01", "to": "2024-05-31", "group_by": "project"},
        headers=carl.headers,
    )
    assert report.status_code == 200, report.text
    assert [row["group"]["key"] for row in report.json()["rows"]] == [str(world.project.id)]

    # Once the lead belongs to the project, its time of their team's members is theirs to read.
    await seeder.project_member(private, carl)
    listed = await client.get(f"{world.base}/time-entries", headers=carl.headers)
    assert {item["id"] for item in listed.json()["items"]} == {
        public_entry["id"],
        private_entry["id"],
    }


async def test_a_private_project_of_another_workspace_is_not_found(
    client: httpx.AsyncClient, seeder: DirectorySeeder, world: World
) -> None:
    elsewhere = await seeder.workspace()
    foreign = await seeder.project(elsewhere, visibility="private")
    for person in (world.owner, world.ada):
        refused = await client.post(
            f"{world.base}/time-entries",
            json={"project_id": str(foreign.id), **A_DAY},
            headers=person.headers,
        )
        assert_problem(refused, 404, "project_not_found")
