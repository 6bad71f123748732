"""Private projects in planning: their allocations and milestones are seen only by the
project's members and the workspace's owners and admins (and an allocated person sees their
own); to other members they do not exist."""

from __future__ import annotations

from typing import Any

import httpx

from worksync.common.testing.directory import DirectorySeeder, SeededUser
from worksync.common.testing.pages import pages_in_turn
from worksync.common.testing.problems import assert_problem
from worksync.resources.testing import Team


async def _allocate(
    client: httpx.AsyncClient, team: Team, user: SeededUser, project_id: Any
) -> dict[str, Any]:
    response = await client.post(
        f"{team.base}/allocations",
        json={
            "user_id": str(user.id),
            "project_id": str(project_id),
            "hours_per_week": 10,
            "start_date": "2026-03-02",
            "end_date": "2026-03-27",
        },
        headers=team.admin.headers,
    )
    assert response.status_code == 201, response.text
    allocation: dict[str, Any] = response.json()
    return allocation


async def _listed(
    client: httpx.AsyncClient, team: Team, person: SeededUser, **params: str
) -> set[str]:
    response = await client.get(f"{team.base}/allocations", params=params, headers=person.headers)
    assert response.status_code == 200, response.text
    return {item["id"] for item in response.json()["items"]}


async def test_a_private_projects_allocations_are_seen_by_its_members_and_admins_only(
    client: httpx.AsyncClient, seeder: DirectorySeeder, team: Team
) -> None:
    secret = await seeder.project(team.workspace, name="Skunkworks", visibility="private")
    insider = await seeder.member(team.workspace, display_name="Ida Insider")
    outsider = await seeder.member(team.workspace, display_name="Otto Outsider")
    await seeder.project_member(secret, insider)
    public = await _allocate(client, team, team.member, team.project.id)
    insiders = await _allocate(client, team, insider, secret.id)
    # Booked on it without belonging to it: his own allocation is his to see.
    outsiders = await _allocate(client, team, outsider, secret.id)
    every = {public["id"], insiders["id"], outsiders["id"]}

    assert await _listed(client, team, team.admin) == every
    assert await _listed(client, team, insider) == every
    assert await _listed(client, team, outsider) == {public["id"], outsiders["id"]}
    assert await _listed(client, team, outsider, project_id=str(secret.id)) == {outsiders["id"]}
    hidden = f"{team.base}/allocations/{insiders['id']}"
    assert_problem(await client.get(hidden, headers=outsider.headers), 404, "allocation_not_found")
    changed = await client.patch(hidden, json={"hours_per_week": 1}, headers=outsider.headers)
    assert_problem(changed, 404, "allocation_not_found")
    assert (await client.get(hidden, headers=insider.headers)).status_code == 200
    milestones = f"{team.base}/projects/{secret.id}/milestones"
    assert_problem(await client.get(milestones, headers=outsider.headers), 404, "project_not_found")
    assert (await client.get(milestones, headers=insider.headers)).status_code == 200

    # Made public, its allocations are every member's to see again.
    await seeder.update_project(secret, visibility="public")
    assert await _listed(client, team, outsider) == every
    assert (await client.get(hidden, headers=outsider.headers)).status_code == 200


async def test_members_paging_one_list_shape_in_turn_each_see_their_own(
    client: httpx.AsyncClient, seeder: DirectorySeeder, team: Team
) -> None:
    """The list's select is built once per shape with the reader bound: two members paging
    the same shape (with and without a filter) page after page, in turn, each see theirs."""
    secret = await seeder.project(team.workspace, name="Backroom", visibility="private")
    insider = await seeder.member(team.workspace, display_name="Ines Insider")
    outsider = await seeder.member(team.workspace, display_name="Olaf Outsider")
    await seeder.project_member(secret, insider)
    public = {(await _allocate(client, team, team.member, team.project.id))["id"]}
    hidden = {(await _allocate(client, team, insider, secret.id))["id"] for _ in range(2)}
    own = {(await _allocate(client, team, outsider, secret.id))["id"]}
    readers = {"insider": insider.headers, "outsider": outsider.headers}
    expected = {
        None: {"insider": public | hidden | own, "outsider": public | own},
        secret.id: {"insider": hidden | own, "outsider": own},
    }
    for project_id, seen_by in expected.items():
        shape = {} if project_id is None else {"project_id": str(project_id)}
        listed = await pages_in_turn(client, f"{team.base}/allocations", readers, shape)
        assert {name: set(ids) for name, ids in listed.items()} == seen_by, shape
