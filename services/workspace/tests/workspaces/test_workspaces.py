"""Workspaces: creating, listing, reading, changing settings, deleting."""

from __future__ import annotations

import uuid

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.testing.problems import assert_problem
from worksync.workspace.models import Membership
from worksync.workspace.testing import API, People, Workspaces, unique_slug


async def test_the_creator_becomes_the_owner(
    client: httpx.AsyncClient, people: People, workspaces: Workspaces
) -> None:
    ada = await people.register("Ada")
    slug = unique_slug()
    response = await client.post(
        f"{API}/workspaces",
        json={"slug": slug, "name": "  Acme  ", "description": "Our studio"},
        headers=ada.headers,
    )
    assert response.status_code == 201, response.text
    workspace = response.json()
    assert workspace["slug"] == slug
    assert workspace["name"] == "Acme"
    assert workspace["owner_id"] == str(ada.id)
    assert workspace["role"] == "owner"
    assert workspace["version"] == 1
    assert workspace["settings"] == {
        "timezone": "UTC",
        "week_start": "monday",
        "working_hours_per_day": 8.0,
        "currency": "USD",
        "rounding": {"begin": None, "end": None, "duration": None},
        "lockdown_date": None,
        "timesheet_period": "weekly",
    }
    me = await client.get(f"{API}/workspaces/{slug}/members/me", headers=ada.headers)
    assert me.json() == {
        "workspace_id": workspace["id"],
        "slug": slug,
        "user_id": str(ada.id),
        "role": "owner",
        "version": 1,
    }
    assert (await client.get(f"{API}/workspaces/{slug}", headers=ada.headers)).json() == workspace


async def test_a_creator_ahead_of_identitys_events_is_named_from_the_token(
    client: httpx.AsyncClient, people: People, workspaces: Workspaces
) -> None:
    grace = await people.register("Grace", announce=False)
    workspace = await workspaces.create(grace)
    members = await client.get(
        f"{API}/workspaces/{workspace['slug']}/members", headers=grace.headers
    )
    [member] = members.json()["items"]
    assert (member["email"], member["display_name"]) == (grace.email, "Grace")


async def test_settings_are_validated(client: httpx.AsyncClient, people: People) -> None:
    ada = await people.register()
    bad = {
        "timezone": "Mars/Olympus",
        "week_start": "someday",
        "working_hours_per_day": 25,
        "currency": "XYZ",
        "rounding": {
            "begin": {"step_minutes": 0, "mode": "up"},
            "end": {"step_minutes": 15, "mode": "sideways"},
            "lunch": {"step_minutes": 15, "mode": "up"},
        },
        "timesheet_period": "daily",
    }
    response = await client.post(
        f"{API}/workspaces",
        json={"slug": unique_slug(), "name": "Acme", "settings": bad},
        headers=ada.headers,
    )
    assert_problem(
        response,
        422,
        "validation_failed",
        fields={
            "settings.timezone",
            "settings.week_start",
            "settings.working_hours_per_day",
            "settings.currency",
            "settings.rounding.begin.step_minutes",
            "settings.rounding.end.mode",
            "settings.rounding.lunch",
            "settings.timesheet_period",
        },
    )
    for hours in (0, 8.555):
        response = await client.post(
            f"{API}/workspaces",
            json={"slug": unique_slug(), "name": "A", "settings": {"working_hours_per_day": hours}},
            headers=ada.headers,
        )
        assert_problem(
            response, 422, "validation_failed", fields={"settings.working_hours_per_day"}
        )


async def test_slugs_are_url_safe_unreserved_and_never_reused(
    client: httpx.AsyncClient, people: People, workspaces: Workspaces
) -> None:
    ada = await people.register()
    for slug in ("ab", "Upper-case", "under_score", "-leading", "double--hyphen", "x" * 49, "api"):
        response = await client.post(
            f"{API}/workspaces", json={"slug": slug, "name": "Acme"}, headers=ada.headers
        )
        assert_problem(response, 422, "validation_failed", fields={"slug"})
    workspace = await workspaces.create(ada)
    taken = await client.post(
        f"{API}/workspaces", json={"slug": workspace["slug"], "name": "Again"}, headers=ada.headers
    )
    assert_problem(taken, 409, "slug_taken")
    deleted = await client.delete(f"{API}/workspaces/{workspace['slug']}", headers=ada.headers)
    assert deleted.status_code == 204
    reused = await client.post(
        f"{API}/workspaces", json={"slug": workspace["slug"], "name": "Again"}, headers=ada.headers
    )
    assert_problem(reused, 409, "slug_taken")


async def test_the_list_holds_the_callers_live_workspaces(
    client: httpx.AsyncClient, people: People, workspaces: Workspaces
) -> None:
    ada, bob = await people.register(), await people.register()
    names = ["Charlie", "Alpha", "Bravo"]
    created = [await workspaces.create(ada, name=name) for name in names]
    await workspaces.add_member(created[0]["slug"], ada, bob, role="guest")
    await workspaces.create(bob, name="Bob's own")
    gone = await workspaces.create(ada, name="Gone")
    await client.delete(f"{API}/workspaces/{gone['slug']}", headers=ada.headers)

    first = await client.get(f"{API}/workspaces", params={"limit": 2}, headers=ada.headers)
    assert [w["name"] for w in first.json()["items"]] == ["Alpha", "Bravo"]
    rest = await client.get(
        f"{API}/workspaces",
        params={"limit": 2, "cursor": first.json()["next_cursor"]},
        headers=ada.headers,
    )
    assert [w["name"] for w in rest.json()["items"]] == ["Charlie"]
    assert rest.json()["next_cursor"] is None

    bobs = await client.get(
        f"{API}/workspaces", params={"sort": "-created_at"}, headers=bob.headers
    )
    assert [(w["name"], w["role"]) for w in bobs.json()["items"]] == [
        ("Bob's own", "owner"),
        ("Charlie", "guest"),
    ]
    other_sort = await client.get(
        f"{API}/workspaces",
        params={"sort": "created_at", "cursor": first.json()["next_cursor"]},
        headers=ada.headers,
    )
    assert_problem(other_sort, 400, "invalid_cursor")


async def test_admins_change_settings_piece_by_piece(
    client: httpx.AsyncClient, people: People, workspaces: Workspaces
) -> None:
    ada, bob, cy = await people.register(), await people.register(), await people.register()
    workspace = await workspaces.create(ada)
    slug = workspace["slug"]
    await workspaces.add_member(slug, ada, bob, role="admin")
    await workspaces.add_member(slug, ada, cy, role="member")

    changes = {
        "name": "Acme Studio",
        "settings": {
            "timezone": "Europe/Berlin",
            "working_hours_per_day": "7.5",
            "rounding": {"duration": {"step_minutes": 15, "mode": "nearest"}},
            "lockdown_date": "2030-01-31",
        },
    }
    response = await client.patch(f"{API}/workspaces/{slug}", json=changes, headers=bob.headers)
    assert response.status_code == 200, response.text
    updated = response.json()
    assert updated["name"] == "Acme Studio"
    assert updated["role"] == "admin"
    assert updated["version"] == 2
    assert updated["settings"]["timezone"] == "Europe/Berlin"
    assert updated["settings"]["working_hours_per_day"] == 7.5
    assert updated["settings"]["rounding"] == {
        "begin": None,
        "end": None,
        "duration": {"step_minutes": 15, "mode": "nearest"},
    }
    assert updated["settings"]["lockdown_date"] == "2030-01-31"
    assert updated["settings"]["currency"] == "USD"

    unchanged = await client.patch(
        f"{API}/workspaces/{slug}", json={"name": "Acme Studio"}, headers=bob.headers
    )
    assert unchanged.json()["version"] == 2
    lifted = await client.patch(
        f"{API}/workspaces/{slug}", json={"settings": {"lockdown_date": None}}, headers=ada.headers
    )
    assert lifted.json()["settings"]["lockdown_date"] is None

    refused = await client.patch(f"{API}/workspaces/{slug}", json={"name": "x"}, headers=cy.headers)
    assert_problem(refused, 403, "insufficient_role")
    nulls = await client.patch(
        f"{API}/workspaces/{slug}",
        json={"name": None, "settings": {"timezone": None}, "slug": "new-slug"},
        headers=ada.headers,
    )
    assert_problem(nulls, 422, "validation_failed", fields={"name", "settings.timezone", "slug"})


async def test_only_owners_delete_and_deletion_ends_every_membership(
    client: httpx.AsyncClient,
    people: People,
    workspaces: Workspaces,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    ada, bob = await people.register(), await people.register()
    workspace = await workspaces.create(ada)
    slug = workspace["slug"]
    await workspaces.add_member(slug, ada, bob, role="admin")
    assert_problem(
        await client.delete(f"{API}/workspaces/{slug}", headers=bob.headers),
        403,
        "insufficient_role",
    )
    assert (await client.delete(f"{API}/workspaces/{slug}", headers=ada.headers)).status_code == 204
    for person in (ada, bob):
        gone = await client.get(f"{API}/workspaces/{slug}", headers=person.headers)
        assert_problem(gone, 404, "workspace_not_found")
    async with sessionmaker() as session:
        memberships = (
            await session.scalars(
                select(Membership).where(Membership.workspace_id == uuid.UUID(workspace["id"]))
            )
        ).all()
    assert len(memberships) == 2
    assert all(m.removed_at is not None for m in memberships)


async def test_creating_a_workspace_is_idempotent(
    client: httpx.AsyncClient, people: People
) -> None:
    ada = await people.register()
    body = {"slug": unique_slug(), "name": "Acme"}
    headers = {**ada.headers, "Idempotency-Key": str(uuid.uuid4())}
    first = await client.post(f"{API}/workspaces", json=body, headers=headers)
    replay = await client.post(f"{API}/workspaces", json=body, headers=headers)
    assert first.status_code == replay.status_code == 201
    assert replay.json() == first.json()
    assert replay.headers["Idempotent-Replayed"] == "true"
    other_body = await client.post(
        f"{API}/workspaces", json={**body, "name": "Other"}, headers=headers
    )
    assert_problem(other_body, 422, "idempotency_key_reused")
    listed = await client.get(f"{API}/workspaces", headers=ada.headers)
    assert [w["slug"] for w in listed.json()["items"]] == [body["slug"]]


async def test_requests_need_a_valid_token(client: httpx.AsyncClient) -> None:
    assert_problem(await client.get(f"{API}/workspaces"), 401, "unauthorized")
    forged = {"Authorization": "Bearer not-a-token"}
    assert_problem(await client.get(f"{API}/workspaces", headers=forged), 401, "invalid_token")
