"""Members: adding by id, listing, roles, leaving, and keeping an owner."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from worksync.common.testing.directory import SeededUser
from worksync.common.testing.problems import assert_problem
from worksync.workspace.testing import API, People, Workspaces


async def _members(
    client: httpx.AsyncClient, slug: str, person: SeededUser, **params: str
) -> list[dict[str, Any]]:
    response = await client.get(
        f"{API}/workspaces/{slug}/members", params=params, headers=person.headers
    )
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def test_admins_add_known_users_by_id(
    client: httpx.AsyncClient, people: People, workspaces: Workspaces
) -> None:
    ada, bob = await people.register("Ada"), await people.register("Bob")
    slug = (await workspaces.create(ada))["slug"]
    response = await client.post(
        f"{API}/workspaces/{slug}/members",
        json={"user_id": str(bob.id), "role": "admin"},
        headers=ada.headers,
    )
    assert response.status_code == 201, response.text
    member = response.json()
    assert member["user_id"] == str(bob.id)
    assert (member["role"], member["email"], member["display_name"]) == ("admin", bob.email, "Bob")
    assert member["version"] == 1
    again = await client.post(
        f"{API}/workspaces/{slug}/members", json={"user_id": str(bob.id)}, headers=ada.headers
    )
    assert_problem(again, 409, "already_member")
    unknown = await client.post(
        f"{API}/workspaces/{slug}/members", json={"user_id": str(uuid.uuid4())}, headers=ada.headers
    )
    assert_problem(unknown, 404, "user_not_found")
    invalid = await client.post(
        f"{API}/workspaces/{slug}/members",
        json={"user_id": "nope", "role": "king"},
        headers=ada.headers,
    )
    assert_problem(invalid, 422, "validation_failed", fields={"user_id", "role"})


async def test_members_cannot_manage_and_only_owners_make_owners(
    client: httpx.AsyncClient, people: People, workspaces: Workspaces
) -> None:
    ada, admin, member, newcomer = [await people.register() for _ in range(4)]
    slug = (await workspaces.create(ada))["slug"]
    await workspaces.add_member(slug, ada, admin, role="admin")
    await workspaces.add_member(slug, ada, member)
    by_member = await client.post(
        f"{API}/workspaces/{slug}/members",
        json={"user_id": str(newcomer.id)},
        headers=member.headers,
    )
    assert_problem(by_member, 403, "insufficient_role")
    owner_by_admin = await client.post(
        f"{API}/workspaces/{slug}/members",
        json={"user_id": str(newcomer.id), "role": "owner"},
        headers=admin.headers,
    )
    assert_problem(owner_by_admin, 403, "owner_required")
    promote = await client.patch(
        f"{API}/workspaces/{slug}/members/{member.id}",
        json={"role": "owner"},
        headers=admin.headers,
    )
    assert_problem(promote, 403, "owner_required")
    demote_owner = await client.patch(
        f"{API}/workspaces/{slug}/members/{ada.id}", json={"role": "member"}, headers=admin.headers
    )
    assert_problem(demote_owner, 403, "owner_required")
    remove_owner = await client.delete(
        f"{API}/workspaces/{slug}/members/{ada.id}", headers=admin.headers
    )
    assert_problem(remove_owner, 403, "owner_required")
    remove_other = await client.delete(
        f"{API}/workspaces/{slug}/members/{admin.id}", headers=member.headers
    )
    assert_problem(remove_other, 403, "insufficient_role")

    guest = await client.patch(
        f"{API}/workspaces/{slug}/members/{member.id}",
        json={"role": "guest"},
        headers=admin.headers,
    )
    assert guest.status_code == 200
    assert (guest.json()["role"], guest.json()["version"]) == ("guest", 2)


async def test_the_last_owner_can_neither_leave_nor_be_demoted(
    client: httpx.AsyncClient, people: People, workspaces: Workspaces
) -> None:
    ada, bob = await people.register(), await people.register()
    workspace = await workspaces.create(ada)
    slug = workspace["slug"]
    leave = await client.delete(f"{API}/workspaces/{slug}/members/{ada.id}", headers=ada.headers)
    assert_problem(leave, 409, "last_owner")
    demote = await client.patch(
        f"{API}/workspaces/{slug}/members/{ada.id}", json={"role": "admin"}, headers=ada.headers
    )
    assert_problem(demote, 409, "last_owner")

    await workspaces.add_member(slug, ada, bob, role="owner")
    stepped_down = await client.patch(
        f"{API}/workspaces/{slug}/members/{ada.id}", json={"role": "admin"}, headers=ada.headers
    )
    assert stepped_down.status_code == 200
    # The primary owner passes to the remaining owner.
    now = await client.get(f"{API}/workspaces/{slug}", headers=bob.headers)
    assert now.json()["owner_id"] == str(bob.id)
    assert now.json()["version"] == 2
    bob_leaves = await client.delete(
        f"{API}/workspaces/{slug}/members/{bob.id}", headers=bob.headers
    )
    assert_problem(bob_leaves, 409, "last_owner")


async def test_members_leave_and_rejoin_with_a_rising_version(
    client: httpx.AsyncClient, people: People, workspaces: Workspaces
) -> None:
    ada, bob = await people.register(), await people.register()
    slug = (await workspaces.create(ada))["slug"]
    added = await workspaces.add_member(slug, ada, bob)
    assert added["version"] == 1
    left = await client.delete(f"{API}/workspaces/{slug}/members/{bob.id}", headers=bob.headers)
    assert left.status_code == 204
    assert_problem(
        await client.get(f"{API}/workspaces/{slug}", headers=bob.headers),
        404,
        "workspace_not_found",
    )
    assert_problem(
        await client.delete(f"{API}/workspaces/{slug}/members/{bob.id}", headers=ada.headers),
        404,
        "member_not_found",
    )
    rejoined = await workspaces.add_member(slug, ada, bob, role="guest")
    assert (rejoined["id"], rejoined["version"], rejoined["role"]) == (added["id"], 3, "guest")
    me = await client.get(f"{API}/workspaces/{slug}/members/me", headers=bob.headers)
    assert (me.json()["role"], me.json()["version"]) == ("guest", 3)


async def test_the_list_filters_searches_and_pages(
    client: httpx.AsyncClient, people: People, workspaces: Workspaces
) -> None:
    ada = await people.register("Ada Lovelace")
    slug = (await workspaces.create(ada))["slug"]
    others = [await people.register(name) for name in ("Cy", "Bea 100%", "Dee")]
    for person, role in zip(others, ("member", "admin", "guest"), strict=True):
        await workspaces.add_member(slug, ada, person, role=role)

    names = [m["display_name"] for m in await _members(client, slug, ada)]
    assert names == ["Ada Lovelace", "Bea 100%", "Cy", "Dee"]
    admins = await _members(client, slug, ada, role="admin")
    assert [m["display_name"] for m in admins] == ["Bea 100%"]
    assert [m["display_name"] for m in await _members(client, slug, ada, search="100%")] == [
        "Bea 100%"
    ]
    by_email = await _members(client, slug, ada, search=others[2].email.upper())
    assert [m["display_name"] for m in by_email] == ["Dee"]
    assert [m["display_name"] for m in await _members(client, slug, ada, search="%")] == [
        "Bea 100%"
    ]
    page = await client.get(
        f"{API}/workspaces/{slug}/members",
        params={"limit": 3, "sort": "-joined_at"},
        headers=others[2].headers,
    )
    assert [m["display_name"] for m in page.json()["items"]] == ["Dee", "Bea 100%", "Cy"]
    rest = await client.get(
        f"{API}/workspaces/{slug}/members",
        params={"limit": 3, "sort": "-joined_at", "cursor": page.json()["next_cursor"]},
        headers=others[2].headers,
    )
    assert [m["display_name"] for m in rest.json()["items"]] == ["Ada Lovelace"]
    too_many = await client.get(
        f"{API}/workspaces/{slug}/members", params={"limit": 101}, headers=ada.headers
    )
    assert_problem(too_many, 422, "validation_failed", fields={"limit"})


async def test_any_member_reads_one_live_member_with_its_version(
    client: httpx.AsyncClient, people: People, workspaces: Workspaces
) -> None:
    ada, bob, guest, outsider = [await people.register() for _ in range(4)]
    slug = (await workspaces.create(ada))["slug"]
    added = await workspaces.add_member(slug, ada, bob)
    await workspaces.add_member(slug, ada, guest, role="guest")

    url = f"{API}/workspaces/{slug}/members/{bob.id}"
    read = await client.get(url, headers=guest.headers)
    assert read.status_code == 200, read.text
    assert read.json() == added
    listed = [m for m in await _members(client, slug, ada) if m["user_id"] == str(bob.id)]
    assert listed == [read.json()]

    assert_problem(await client.get(url, headers=outsider.headers), 404, "workspace_not_found")
    stranger = f"{API}/workspaces/{slug}/members/{outsider.id}"
    assert_problem(await client.get(stranger, headers=ada.headers), 404, "member_not_found")
    malformed = await client.get(f"{API}/workspaces/{slug}/members/nope", headers=ada.headers)
    assert_problem(malformed, 422, "validation_failed", fields={"user_id"})

    left = await client.delete(url, headers=bob.headers)
    assert left.status_code == 204
    assert_problem(await client.get(url, headers=ada.headers), 404, "member_not_found")
    rejoined = await workspaces.add_member(slug, ada, bob, role="admin")
    again = await client.get(url, headers=ada.headers)
    assert (again.json()["role"], again.json()["version"]) == ("admin", rejoined["version"])
    assert rejoined["version"] == 3


async def test_the_list_answers_several_named_users_at_once(
    client: httpx.AsyncClient, people: People, workspaces: Workspaces
) -> None:
    ada, bob, cy, leaver, outsider = [await people.register() for _ in range(5)]
    slug = (await workspaces.create(ada))["slug"]
    await workspaces.add_member(slug, ada, bob)
    await workspaces.add_member(slug, ada, cy, role="guest")
    await workspaces.add_member(slug, ada, leaver)
    left = await client.delete(
        f"{API}/workspaces/{slug}/members/{leaver.id}", headers=leaver.headers
    )
    assert left.status_code == 204
    unknown = [uuid.uuid4() for _ in range(95)]
    named = [bob.id, cy.id, leaver.id, outsider.id, *unknown]
    url = f"{API}/workspaces/{slug}/members"
    response = await client.get(
        url, params={"user_id": [str(i) for i in named], "limit": 100}, headers=cy.headers
    )
    assert response.status_code == 200, response.text
    found = {m["user_id"]: m["role"] for m in response.json()["items"]}
    assert found == {str(bob.id): "member", str(cy.id): "guest"}
    assert response.json()["next_cursor"] is None

    too_many = [str(uuid.uuid4()) for _ in range(101)]
    refused = await client.get(url, params={"user_id": too_many}, headers=ada.headers)
    assert_problem(refused, 422, "validation_failed", fields={"user_id"})
    malformed = await client.get(url, params={"user_id": "nope"}, headers=ada.headers)
    assert_problem(malformed, 422, "validation_failed", fields={"user_id.0"})
    stranger = await client.get(url, params={"user_id": str(bob.id)}, headers=outsider.headers)
    assert_problem(stranger, 404, "workspace_not_found")
