"""Staff profiles: fields, validation, uniqueness, roles and private fields, lists, stats."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from worksync.common.testing.problems import assert_problem
from worksync.workspace.testing import API, People, Workspaces


def _staff(slug: str) -> str:
    return f"{API}/workspaces/{slug}/staff"


async def test_a_staff_profile_with_every_field_and_who_sees_what(
    client: httpx.AsyncClient, people: People, workspaces: Workspaces
) -> None:
    ada, bob, cy = [await people.register(n) for n in ("Ada", "Bob", "Cy")]
    slug = (await workspaces.create(ada))["slug"]
    await workspaces.add_member(slug, ada, bob)
    await workspaces.add_member(slug, ada, cy)
    department = await workspaces.create_department(slug, ada, "ENG")
    body: dict[str, Any] = {
        "user_id": str(bob.id),
        "staff_id": "E0042",
        "department_id": department["id"],
        "position": "Engineer",
        "job_grade": "L4",
        "phone": "+49 (30) 123-456",
        "date_of_joining": "2024-01-15",
        "date_of_leaving": "2030-12-31",
        "employment_status": "probation",
        "notes": "Speaks French",
    }
    created = await client.post(_staff(slug), json=body, headers=ada.headers)
    assert created.status_code == 201, created.text
    profile = created.json()
    assert profile | body == profile
    assert (profile["display_name"], profile["email"]) == ("Bob", bob.email)
    assert (profile["is_department_manager"], profile["version"]) == (False, 1)
    url = f"{_staff(slug)}/{profile['id']}"
    # Bob sees his own private fields; Cy, a member, does not.
    assert (await client.get(url, headers=bob.headers)).json() == profile
    seen_by_cy = (await client.get(url, headers=cy.headers)).json()
    assert (seen_by_cy["phone"], seen_by_cy["notes"], seen_by_cy["position"]) == (
        None,
        None,
        "Engineer",
    )
    listed = await client.get(_staff(slug), headers=cy.headers)
    assert listed.json()["items"][0]["phone"] is None

    changed = await client.patch(
        url,
        json={"position": "Lead", "phone": None, "employment_status": "active"},
        headers=ada.headers,
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["position"], changed.json()["phone"], changed.json()["version"]) == (
        "Lead",
        None,
        2,
    )
    unchanged = await client.patch(url, json={"position": "Lead"}, headers=ada.headers)
    assert unchanged.json()["version"] == 2
    assert (await client.delete(url, headers=ada.headers)).status_code == 204
    assert_problem(await client.get(url, headers=ada.headers), 404, "staff_profile_not_found")
    # The member may get a new profile, even with the old staff id.
    again = await workspaces.create_staff(slug, ada, bob, "E0042")
    assert again["id"] != profile["id"]


async def test_staff_input_is_validated(
    client: httpx.AsyncClient, people: People, workspaces: Workspaces
) -> None:
    ada, bob = await people.register(), await people.register()
    slug = (await workspaces.create(ada))["slug"]
    await workspaces.add_member(slug, ada, bob)
    bad = {
        "user_id": str(bob.id),
        "staff_id": "e-42",
        "phone": "call me",
        "date_of_joining": "2024-02-30",
        "employment_status": "retired",
        "is_department_manager": True,
    }
    assert_problem(
        await client.post(_staff(slug), json=bad, headers=ada.headers),
        422,
        "validation_failed",
        fields={
            "staff_id",
            "phone",
            "date_of_joining",
            "employment_status",
            "is_department_manager",
        },
    )
    for staff_id, phone in (("TOOLONG99", "123456"), ("OK", "12345"), ("OK", "1" * 21)):
        response = await client.post(
            _staff(slug),
            json={"user_id": str(bob.id), "staff_id": staff_id, "phone": phone},
            headers=ada.headers,
        )
        assert_problem(response, 422, "validation_failed")
    backwards = {
        "user_id": str(bob.id),
        "staff_id": "B1",
        "date_of_joining": "2024-02-01",
        "date_of_leaving": "2024-01-31",
    }
    assert_problem(
        await client.post(_staff(slug), json=backwards, headers=ada.headers),
        422,
        "validation_failed",
        fields={"date_of_leaving"},
    )
    for field, value in (("user_id", str(uuid.uuid4())), ("department_id", str(uuid.uuid4()))):
        body = {"user_id": str(bob.id), "staff_id": "B1", field: value}
        response = await client.post(_staff(slug), json=body, headers=ada.headers)
        assert_problem(response, 422, "unknown_reference", fields={field})
    profile = await workspaces.create_staff(slug, ada, bob, "B1", date_of_joining="2024-02-01")
    url = f"{_staff(slug)}/{profile['id']}"
    department = await workspaces.create_department(slug, ada, "ENG")
    # Departments change by transfer only.
    assert_problem(
        await client.patch(url, json={"department_id": department["id"]}, headers=ada.headers),
        422,
        "validation_failed",
        fields={"department_id"},
    )
    assert_problem(
        await client.patch(url, json={"date_of_leaving": "2024-01-01"}, headers=ada.headers),
        422,
        "validation_failed",
        fields={"date_of_leaving"},
    )


async def test_staff_ids_and_profiles_are_unique_per_workspace(
    client: httpx.AsyncClient, people: People, workspaces: Workspaces
) -> None:
    ada, bob, cy = [await people.register() for _ in range(3)]
    slug = (await workspaces.create(ada))["slug"]
    await workspaces.add_member(slug, ada, bob)
    await workspaces.add_member(slug, ada, cy)
    first = await workspaces.create_staff(slug, ada, bob, "S1")
    taken = await client.post(
        _staff(slug), json={"user_id": str(cy.id), "staff_id": "S1"}, headers=ada.headers
    )
    assert_problem(taken, 409, "staff_id_taken")
    second = await client.post(
        _staff(slug), json={"user_id": str(bob.id), "staff_id": "S2"}, headers=ada.headers
    )
    assert_problem(second, 409, "staff_profile_exists")
    cys = await workspaces.create_staff(slug, ada, cy, "S2")
    assert_problem(
        await client.patch(
            f"{_staff(slug)}/{cys['id']}", json={"staff_id": "S1"}, headers=ada.headers
        ),
        409,
        "staff_id_taken",
    )
    elsewhere = (await workspaces.create(ada))["slug"]
    await workspaces.add_member(elsewhere, ada, bob)
    assert (await workspaces.create_staff(elsewhere, ada, bob, "S1"))["id"] != first["id"]


async def test_only_admins_change_staff_and_guests_see_none(
    client: httpx.AsyncClient, people: People, workspaces: Workspaces
) -> None:
    ada, bob, gus = [await people.register() for _ in range(3)]
    slug = (await workspaces.create(ada))["slug"]
    await workspaces.add_member(slug, ada, bob)
    await workspaces.add_member(slug, ada, gus, role="guest")
    profile = await workspaces.create_staff(slug, ada, bob, "B1")
    url = f"{_staff(slug)}/{profile['id']}"
    for response in (
        await client.post(
            _staff(slug), json={"user_id": str(bob.id), "staff_id": "X"}, headers=bob.headers
        ),
        await client.patch(url, json={"position": "Boss"}, headers=bob.headers),
        await client.delete(url, headers=bob.headers),
        await client.post(f"{url}/deactivate", json={}, headers=bob.headers),
        await client.get(f"{_staff(slug)}/export", headers=bob.headers),
        await client.get(url, headers=gus.headers),
        await client.get(_staff(slug), headers=gus.headers),
        await client.get(f"{_staff(slug)}/stats", headers=gus.headers),
    ):
        assert_problem(response, 403, "insufficient_role")


async def test_lists_filter_search_and_paginate(
    client: httpx.AsyncClient, people: People, workspaces: Workspaces
) -> None:
    ada = await people.register("Ada")
    slug = (await workspaces.create(ada))["slug"]
    org = await workspaces.create_department(slug, ada, "ORG")
    sales = await workspaces.create_department(slug, ada, "SALES", parent_id=org["id"])
    emea = await workspaces.create_department(slug, ada, "EMEA", parent_id=sales["id"])
    placed = [("Bob", "S1", org, "CEO"), ("Cy", "S2", sales, "Seller"), ("Zoe", "S3", emea, None)]
    for name, staff_id, department, position in placed:
        person = await people.register(name)
        await workspaces.add_member(slug, ada, person)
        await workspaces.create_staff(
            slug, ada, person, staff_id, department_id=department["id"], position=position
        )
    eve = await people.register("Eve")
    await workspaces.add_member(slug, ada, eve)
    await workspaces.create_staff(slug, ada, eve, "S4", employment_status="suspended")

    async def staff_ids(**params: str | bool) -> list[str]:
        response = await client.get(_staff(slug), params=params, headers=ada.headers)
        assert response.status_code == 200, response.text
        return [item["staff_id"] for item in response.json()["items"]]

    assert await staff_ids() == ["S1", "S2", "S3", "S4"]
    assert await staff_ids(department_id=sales["id"]) == ["S2"]
    assert await staff_ids(department_id=sales["id"], include_sub_departments=True) == [
        "S2",
        "S3",
    ]
    assert await staff_ids(department_id=org["id"], include_sub_departments=True) == [
        "S1",
        "S2",
        "S3",
    ]
    assert await staff_ids(employment_status="suspended") == ["S4"]
    assert await staff_ids(search="sell") == ["S2"]
    assert await staff_ids(search="zoe") == ["S3"]
    assert await staff_ids(search="s4") == ["S4"]
    assert await staff_ids(sort="-created_at") == ["S4", "S3", "S2", "S1"]
    assert_problem(
        await client.get(
            _staff(slug), params={"include_sub_departments": True}, headers=ada.headers
        ),
        422,
        "validation_failed",
        fields={"include_sub_departments"},
    )
    first = (await client.get(_staff(slug), params={"limit": 3}, headers=ada.headers)).json()
    rest = await client.get(
        _staff(slug), params={"limit": 3, "cursor": first["next_cursor"]}, headers=ada.headers
    )
    assert [item["staff_id"] for item in first["items"] + rest.json()["items"]] == [
        "S1",
        "S2",
        "S3",
        "S4",
    ]
    assert rest.json()["next_cursor"] is None


async def test_stats_count_per_department_and_status(
    client: httpx.AsyncClient, people: People, workspaces: Workspaces
) -> None:
    ada = await people.register()
    slug = (await workspaces.create(ada))["slug"]
    eng = await workspaces.create_department(slug, ada, "ENG")
    hr = await workspaces.create_department(slug, ada, "HR")
    placements = [
        (eng, "active"),
        (eng, "active"),
        (eng, "probation"),
        (hr, "resigned"),
        (None, "active"),
    ]
    for number, (department, status) in enumerate(placements):
        person = await people.register()
        await workspaces.add_member(slug, ada, person)
        await workspaces.create_staff(
            slug,
            ada,
            person,
            f"N{number}",
            department_id=department["id"] if department else None,
            employment_status=status,
        )
    stats = await client.get(f"{_staff(slug)}/stats", headers=ada.headers)
    assert stats.status_code == 200, stats.text
    body = stats.json()
    assert body["total"] == 5
    assert body["by_status"] == {
        "active": 3,
        "probation": 1,
        "resigned": 1,
        "suspended": 0,
        "transferred": 0,
    }
    assert [
        (d["code"], d["total"], d["by_status"]["active"], d["by_status"]["resigned"])
        for d in body["by_department"]
    ] == [("ENG", 3, 2, 0), ("HR", 1, 0, 1), (None, 1, 1, 0)]
