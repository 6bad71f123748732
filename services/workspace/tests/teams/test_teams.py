"""Teams: CRUD, members with allocations, assignment to projects."""

from __future__ import annotations

import uuid

import httpx

from worksync.common.testing.problems import assert_problem
from worksync.workspace.testing import API, People, Workspaces


async def test_team_crud_and_members(
    client: httpx.AsyncClient, people: People, workspaces: Workspaces
) -> None:
    ada, bob, cy = (
        await people.register("Ada"),
        await people.register("Bob"),
        await people.register("Cy"),
    )
    slug = (await workspaces.create(ada))["slug"]
    await workspaces.add_member(slug, ada, bob)
    await workspaces.add_member(slug, ada, cy)
    teams = f"{API}/workspaces/{slug}/teams"
    created = await client.post(
        teams,
        json={"name": "Core", "description": "d", "lead_id": str(bob.id)},
        headers=ada.headers,
    )
    assert created.status_code == 201, created.text
    team = created.json()
    assert (team["name"], team["lead_id"], team["version"]) == ("Core", str(bob.id), 1)
    assert_problem(
        await client.post(teams, json={"name": "core"}, headers=ada.headers), 409, "team_name_taken"
    )
    assert_problem(
        await client.post(
            teams, json={"name": "X", "lead_id": str(uuid.uuid4())}, headers=ada.headers
        ),
        422,
        "unknown_reference",
        fields={"lead_id"},
    )
    assert_problem(
        await client.post(teams, json={"name": "Mine"}, headers=bob.headers),
        403,
        "insufficient_role",
    )

    members = f"{teams}/{team['id']}/members"
    added = await client.post(
        members, json={"user_id": str(bob.id), "allocation_percent": 50}, headers=ada.headers
    )
    assert added.status_code == 201, added.text
    assert {k: added.json()[k] for k in ("user_id", "allocation_percent", "display_name")} == {
        "user_id": str(bob.id),
        "allocation_percent": 50,
        "display_name": "Bob",
    }
    await client.post(members, json={"user_id": str(cy.id)}, headers=ada.headers)
    assert_problem(
        await client.post(members, json={"user_id": str(cy.id)}, headers=ada.headers),
        409,
        "already_member",
    )
    assert_problem(
        await client.post(members, json={"user_id": str(uuid.uuid4())}, headers=ada.headers),
        422,
        "unknown_reference",
        fields={"user_id"},
    )
    assert_problem(
        await client.post(
            members, json={"user_id": str(cy.id), "allocation_percent": 101}, headers=ada.headers
        ),
        422,
        "validation_failed",
        fields={"allocation_percent"},
    )
    changed = await client.patch(
        f"{members}/{cy.id}", json={"allocation_percent": 20}, headers=ada.headers
    )
    assert changed.json()["allocation_percent"] == 20
    listed = await client.get(members, headers=bob.headers)
    assert [(m["display_name"], m["allocation_percent"]) for m in listed.json()["items"]] == [
        ("Bob", 50),
        ("Cy", 20),
    ]
    assert (await client.delete(f"{members}/{bob.id}", headers=ada.headers)).status_code == 204
    assert_problem(
        await client.delete(f"{members}/{bob.id}", headers=ada.headers),
        404,
        "team_member_not_found",
    )

    renamed = await client.patch(
        f"{teams}/{team['id']}", json={"name": "Platform", "lead_id": None}, headers=ada.headers
    )
    assert (renamed.json()["name"], renamed.json()["lead_id"]) == ("Platform", None)
    # created, two members added, one updated, one removed, renamed.
    assert renamed.json()["version"] == 6
    listed_teams = await client.get(teams, params={"search": "plat"}, headers=cy.headers)
    assert [t["name"] for t in listed_teams.json()["items"]] == ["Platform"]
    assert (await client.delete(f"{teams}/{team['id']}", headers=ada.headers)).status_code == 204
    assert_problem(
        await client.get(f"{teams}/{team['id']}", headers=ada.headers), 404, "team_not_found"
    )
    assert_problem(await client.get(members, headers=ada.headers), 404, "team_not_found")


async def test_a_team_is_not_renamed_to_another_teams_name(
    client: httpx.AsyncClient, people: People, workspaces: Workspaces
) -> None:
    ada = await people.register("Ada")
    slug = (await workspaces.create(ada))["slug"]
    await workspaces.post(f"/workspaces/{slug}/teams", ada, {"name": "Core"})
    platform = await workspaces.post(f"/workspaces/{slug}/teams", ada, {"name": "Platform"})
    url = f"{API}/workspaces/{slug}/teams/{platform['id']}"
    assert_problem(
        await client.patch(url, json={"name": "CORE"}, headers=ada.headers),
        409,
        "team_name_taken",
    )
    assert (await client.get(url, headers=ada.headers)).json() == platform


async def test_assigning_a_team_makes_its_members_project_members(
    client: httpx.AsyncClient, people: People, workspaces: Workspaces
) -> None:
    ada, bob, guest, late = [await people.register(n) for n in ("Ada", "Bob", "Gus", "Lee")]
    slug = (await workspaces.create(ada))["slug"]
    await workspaces.add_member(slug, ada, bob)
    await workspaces.add_member(slug, ada, guest, role="guest")
    await workspaces.add_member(slug, ada, late)
    team = await workspaces.post(f"/workspaces/{slug}/teams", ada, {"name": "Core"})
    team_members = f"/workspaces/{slug}/teams/{team['id']}/members"
    for person in (ada, bob, guest):
        await workspaces.post(team_members, ada, {"user_id": str(person.id)})
    project = await workspaces.create_project(slug, ada)
    assignments = f"{API}/workspaces/{slug}/projects/{project['id']}/teams"

    assigned = await client.post(f"{assignments}/{team['id']}", headers=ada.headers)
    assert assigned.status_code == 200, assigned.text
    assert sorted(assigned.json()["added_user_ids"]) == sorted([str(bob.id), str(guest.id)])
    roles = await client.get(
        f"{API}/workspaces/{slug}/projects/{project['id']}/members", headers=ada.headers
    )
    assert {m["display_name"]: m["role"] for m in roles.json()["items"]} == {
        "Ada": "admin",
        "Bob": "member",
        "Gus": "guest",
    }
    listed = await client.get(assignments, headers=bob.headers)
    assert [t["name"] for t in listed.json()["items"]] == ["Core"]

    await workspaces.post(team_members, ada, {"user_id": str(late.id)})
    again = await client.post(f"{assignments}/{team['id']}", headers=ada.headers)
    assert again.json()["added_user_ids"] == [str(late.id)]

    assert (
        await client.delete(f"{assignments}/{team['id']}", headers=ada.headers)
    ).status_code == 204
    assert (await client.get(assignments, headers=ada.headers)).json()["items"] == []
    assert_problem(
        await client.delete(f"{assignments}/{team['id']}", headers=ada.headers),
        404,
        "team_assignment_not_found",
    )
    still = await client.get(
        f"{API}/workspaces/{slug}/projects/{project['id']}/members", headers=ada.headers
    )
    assert len(still.json()["items"]) == 4
    by_member = await client.post(f"{assignments}/{team['id']}", headers=bob.headers)
    assert_problem(by_member, 403, "insufficient_role")
