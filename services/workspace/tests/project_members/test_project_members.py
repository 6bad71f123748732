"""Project members: adding workspace members, roles and rates, leaving, rejoining."""

from __future__ import annotations

import uuid

import httpx

from worksync.common.testing.problems import assert_problem
from worksync.workspace.testing import API, People, Workspaces


async def test_project_admins_manage_members(
    client: httpx.AsyncClient, people: People, workspaces: Workspaces
) -> None:
    ada, bob, cy = (
        await people.register("Ada"),
        await people.register("Bob"),
        await people.register(),
    )
    slug = (await workspaces.create(ada))["slug"]
    await workspaces.add_member(slug, ada, bob)
    await workspaces.add_member(slug, ada, cy)
    project = await workspaces.create_project(slug, ada)
    members = f"{API}/workspaces/{slug}/projects/{project['id']}/members"

    added = await client.post(
        members, json={"user_id": str(bob.id), "hourly_rate": "80.5"}, headers=ada.headers
    )
    assert added.status_code == 201, added.text
    assert {k: added.json()[k] for k in ("role", "hourly_rate", "display_name", "version")} == {
        "role": "member",
        "hourly_rate": "80.50",
        "display_name": "Bob",
        "version": 1,
    }
    again = await client.post(members, json={"user_id": str(bob.id)}, headers=ada.headers)
    assert_problem(again, 409, "already_member")
    stranger = await client.post(members, json={"user_id": str(uuid.uuid4())}, headers=ada.headers)
    assert_problem(stranger, 422, "unknown_reference", fields={"user_id"})
    by_member = await client.post(members, json={"user_id": str(cy.id)}, headers=bob.headers)
    assert_problem(by_member, 403, "insufficient_role")

    promoted = await client.patch(
        f"{members}/{bob.id}", json={"role": "admin", "hourly_rate": None}, headers=ada.headers
    )
    assert (promoted.json()["role"], promoted.json()["hourly_rate"]) == ("admin", None)
    assert promoted.json()["version"] == 2
    # A project admin (not a workspace admin) manages the project's members now.
    by_project_admin = await client.post(
        members, json={"user_id": str(cy.id), "role": "guest"}, headers=bob.headers
    )
    assert by_project_admin.status_code == 201
    listed = await client.get(members, params={"role": "admin"}, headers=cy.headers)
    assert [m["display_name"] for m in listed.json()["items"]] == ["Ada", "Bob"]
    invalid = await client.patch(
        f"{members}/{cy.id}", json={"role": "owner", "hourly_rate": "-1"}, headers=ada.headers
    )
    assert_problem(invalid, 422, "validation_failed", fields={"role", "hourly_rate"})
    one = await client.get(f"{members}/{bob.id}", headers=cy.headers)
    assert one.json() == promoted.json()
    missing = await client.patch(f"{members}/{uuid.uuid4()}", json={}, headers=ada.headers)
    assert_problem(missing, 404, "project_member_not_found")


async def test_members_leave_and_rejoin_with_a_rising_version(
    client: httpx.AsyncClient, people: People, workspaces: Workspaces
) -> None:
    ada, bob, cy = await people.register(), await people.register(), await people.register()
    slug = (await workspaces.create(ada))["slug"]
    await workspaces.add_member(slug, ada, bob)
    await workspaces.add_member(slug, ada, cy)
    project = await workspaces.create_project(slug, ada)
    members = f"{API}/workspaces/{slug}/projects/{project['id']}/members"
    first = (await client.post(members, json={"user_id": str(bob.id)}, headers=ada.headers)).json()
    await client.post(members, json={"user_id": str(cy.id)}, headers=ada.headers)
    removing_other = await client.delete(f"{members}/{cy.id}", headers=bob.headers)
    assert_problem(removing_other, 403, "insufficient_role")
    assert (await client.delete(f"{members}/{bob.id}", headers=bob.headers)).status_code == 204
    for method in ("GET", "DELETE"):
        gone = await client.request(method, f"{members}/{bob.id}", headers=ada.headers)
        assert_problem(gone, 404, "project_member_not_found")
    again = (await client.post(members, json={"user_id": str(bob.id)}, headers=ada.headers)).json()
    assert (again["id"], again["version"]) == (first["id"], 3)


async def test_workspace_guests_can_only_be_project_guests(
    client: httpx.AsyncClient, people: People, workspaces: Workspaces
) -> None:
    ada, guest = await people.register(), await people.register()
    slug = (await workspaces.create(ada))["slug"]
    await workspaces.add_member(slug, ada, guest, role="guest")
    project = await workspaces.create_project(slug, ada)
    members = f"{API}/workspaces/{slug}/projects/{project['id']}/members"
    as_member = await client.post(members, json={"user_id": str(guest.id)}, headers=ada.headers)
    assert_problem(as_member, 422, "validation_failed", fields={"role"})
    as_guest = await client.post(
        members, json={"user_id": str(guest.id), "role": "guest"}, headers=ada.headers
    )
    assert as_guest.status_code == 201
    promote = await client.patch(
        f"{members}/{guest.id}", json={"role": "admin"}, headers=ada.headers
    )
    assert_problem(promote, 422, "validation_failed", fields={"role"})


async def test_leaving_the_workspace_ends_project_and_team_places(
    client: httpx.AsyncClient, people: People, workspaces: Workspaces
) -> None:
    ada, bob = await people.register(), await people.register()
    slug = (await workspaces.create(ada))["slug"]
    await workspaces.add_member(slug, ada, bob)
    project = await workspaces.create_project(slug, ada, lead_id=str(bob.id))
    members = f"{API}/workspaces/{slug}/projects/{project['id']}/members"
    await client.post(members, json={"user_id": str(bob.id)}, headers=ada.headers)
    team = await workspaces.post(
        f"/workspaces/{slug}/teams", ada, {"name": "Core", "lead_id": str(bob.id)}
    )
    await workspaces.post(
        f"/workspaces/{slug}/teams/{team['id']}/members", ada, {"user_id": str(bob.id)}
    )

    assert (
        await client.delete(f"{API}/workspaces/{slug}/members/{bob.id}", headers=ada.headers)
    ).status_code == 204

    listed = await client.get(members, headers=ada.headers)
    assert [m["user_id"] for m in listed.json()["items"]] == [str(ada.id)]
    fetched = await client.get(
        f"{API}/workspaces/{slug}/projects/{project['id']}", headers=ada.headers
    )
    assert fetched.json()["lead_id"] is None
    team_now = await client.get(f"{API}/workspaces/{slug}/teams/{team['id']}", headers=ada.headers)
    assert team_now.json()["lead_id"] is None
    team_members = await client.get(
        f"{API}/workspaces/{slug}/teams/{team['id']}/members", headers=ada.headers
    )
    assert team_members.json()["items"] == []
