"""Departments: fields, validation, uniqueness, roles, lists, soft delete and restore."""

from __future__ import annotations

import uuid

import httpx

from worksync.common.testing.problems import assert_problem
from worksync.workspace.testing import API, People, Workspaces


def _departments(slug: str) -> str:
    return f"{API}/workspaces/{slug}/departments"


async def test_a_department_with_every_field(
    client: httpx.AsyncClient, people: People, workspaces: Workspaces
) -> None:
    ada, bob, gus = [await people.register(n) for n in ("Ada", "Bob", "Gus")]
    slug = (await workspaces.create(ada))["slug"]
    await workspaces.add_member(slug, ada, bob)
    await workspaces.add_member(slug, ada, gus, role="guest")
    project = await workspaces.create_project(slug, ada)
    root = await workspaces.create_department(slug, ada, "ORG")
    body = {
        "name": "Platform engineering",
        "code": "eng.platform-1",
        "short_name": "PLAT2",
        "dept_code": "0420",
        "parent_id": root["id"],
        "manager_id": str(bob.id),
        "linked_project_id": project["id"],
        "is_active": False,
        "description": "Runs the platform",
    }
    created = await client.post(_departments(slug), json=body, headers=ada.headers)
    assert created.status_code == 201, created.text
    department = created.json()
    assert department | body == department
    assert (department["level"], department["version"], department["deleted_at"]) == (2, 1, None)
    # Members and guests read departments.
    for reader in (bob, gus):
        fetched = await client.get(
            f"{_departments(slug)}/{department['id']}", headers=reader.headers
        )
        assert fetched.json() == department


async def test_department_input_is_validated(
    client: httpx.AsyncClient, people: People, workspaces: Workspaces
) -> None:
    ada, gus = await people.register(), await people.register()
    slug = (await workspaces.create(ada))["slug"]
    await workspaces.add_member(slug, ada, gus, role="guest")
    bad = {
        "name": " ",
        "code": "-starts-with-a-dash",
        "short_name": "hr",
        "dept_code": "12345",
        "level": 3,
    }
    assert_problem(
        await client.post(_departments(slug), json=bad, headers=ada.headers),
        422,
        "validation_failed",
        fields={"name", "code", "short_name", "dept_code", "level"},
    )
    assert_problem(
        await client.post(
            _departments(slug),
            json={"name": "X", "code": "X", "short_name": "X", "dept_code": "12a4"},
            headers=ada.headers,
        ),
        422,
        "validation_failed",
        fields={"dept_code"},
    )
    valid = {"name": "X", "code": "X", "short_name": "X", "dept_code": "0001"}
    for field, value in (
        ("parent_id", str(uuid.uuid4())),
        ("manager_id", str(uuid.uuid4())),
        ("manager_id", str(gus.id)),  # guests do not manage departments
        ("linked_project_id", str(uuid.uuid4())),
    ):
        response = await client.post(
            _departments(slug), json={**valid, field: value}, headers=ada.headers
        )
        assert_problem(response, 422, "unknown_reference", fields={field})
    department = await workspaces.create_department(slug, ada, "OK")
    assert_problem(
        await client.patch(
            f"{_departments(slug)}/{department['id']}", json={"code": None}, headers=ada.headers
        ),
        422,
        "validation_failed",
        fields={"code"},
    )


async def test_codes_short_names_and_numbers_are_unique_among_live_departments(
    client: httpx.AsyncClient, people: People, workspaces: Workspaces
) -> None:
    ada = await people.register()
    slug = (await workspaces.create(ada))["slug"]
    first = {"name": "HR", "code": "HR-1", "short_name": "HR", "dept_code": "0100"}
    created = await client.post(_departments(slug), json=first, headers=ada.headers)
    assert created.status_code == 201
    clashes = [
        ({"code": "hr-1"}, "department_code_taken"),  # codes ignore case
        ({"short_name": "HR"}, "short_name_taken"),
        ({"dept_code": "0100"}, "dept_code_taken"),
    ]
    for clash, code in clashes:
        body = {"name": "Other", "code": "OTHER", "short_name": "OTH", "dept_code": "0200", **clash}
        response = await client.post(_departments(slug), json=body, headers=ada.headers)
        assert_problem(response, 409, code)
    other = await workspaces.create_department(slug, ada, "OTHER")
    assert_problem(
        await client.patch(
            f"{_departments(slug)}/{other['id']}", json={"short_name": "HR"}, headers=ada.headers
        ),
        409,
        "short_name_taken",
    )
    # Deleting frees the codes; restoring while they are taken again is refused.
    url = f"{_departments(slug)}/{created.json()['id']}"
    assert (await client.delete(url, headers=ada.headers)).status_code == 204
    only_the_code = {**first, "short_name": "HR2", "dept_code": "0101"}
    again = await client.post(_departments(slug), json=only_the_code, headers=ada.headers)
    assert again.status_code == 201, again.text
    assert_problem(
        await client.post(f"{url}/restore", headers=ada.headers), 409, "department_code_taken"
    )
    # Another workspace may use the same codes.
    elsewhere = (await workspaces.create(ada))["slug"]
    assert (
        await client.post(_departments(elsewhere), json=first, headers=ada.headers)
    ).status_code == 201


async def test_only_admins_and_owners_change_departments(
    client: httpx.AsyncClient, people: People, workspaces: Workspaces
) -> None:
    ada, adam, bob, gus = [await people.register() for _ in range(4)]
    slug = (await workspaces.create(ada))["slug"]
    await workspaces.add_member(slug, ada, adam, role="admin")
    await workspaces.add_member(slug, ada, bob)
    await workspaces.add_member(slug, ada, gus, role="guest")
    department = await workspaces.create_department(slug, adam, "BYADMIN")
    url = f"{_departments(slug)}/{department['id']}"
    body = {"name": "N", "code": "N", "short_name": "N", "dept_code": "0999"}
    for person in (bob, gus):
        for response in (
            await client.post(_departments(slug), json=body, headers=person.headers),
            await client.patch(url, json={"name": "Mine"}, headers=person.headers),
            await client.delete(url, headers=person.headers),
            await client.post(f"{url}/restore", headers=person.headers),
        ):
            assert_problem(response, 403, "insufficient_role")
        assert_problem(
            await client.get(
                _departments(slug), params={"include_deleted": True}, headers=person.headers
            ),
            403,
            "insufficient_role",
        )
    renamed = await client.patch(url, json={"name": "Renamed"}, headers=adam.headers)
    assert (renamed.json()["name"], renamed.json()["version"]) == ("Renamed", 2)


async def test_lists_filter_search_and_paginate(
    client: httpx.AsyncClient, people: People, workspaces: Workspaces
) -> None:
    ada, bob = await people.register(), await people.register()
    slug = (await workspaces.create(ada))["slug"]
    await workspaces.add_member(slug, ada, bob)
    root = await workspaces.create_department(slug, ada, "ROOT")
    sales = await workspaces.create_department(
        slug, ada, "SALES", parent_id=root["id"], manager_id=str(bob.id)
    )
    support = await workspaces.create_department(
        slug, ada, "SUPPORT", parent_id=root["id"], is_active=False
    )
    await workspaces.create_department(slug, ada, "EMEA", parent_id=sales["id"])

    async def names(**params: str | int | bool) -> list[str]:
        response = await client.get(_departments(slug), params=params, headers=bob.headers)
        assert response.status_code == 200, response.text
        return [item["name"] for item in response.json()["items"]]

    assert await names() == ["Emea", "Root", "Sales", "Support"]
    assert await names(parent_id=root["id"]) == ["Sales", "Support"]
    assert await names(level=3) == ["Emea"]
    assert await names(is_active=False) == ["Support"]
    assert await names(manager_id=str(bob.id)) == ["Sales"]
    assert await names(search="SUP") == ["Support"]
    assert await names(sort="-created_at") == ["Emea", "Support", "Sales", "Root"]
    assert_problem(
        await client.get(_departments(slug), params={"level": 6}, headers=bob.headers),
        422,
        "validation_failed",
        fields={"level"},
    )

    seen: list[str] = []
    cursor: str | None = None
    while True:
        params: dict[str, str | int] = {"limit": 3, "sort": "code"}
        if cursor:
            params["cursor"] = cursor
        page = (await client.get(_departments(slug), params=params, headers=bob.headers)).json()
        seen += [item["code"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == ["EMEA", "ROOT", "SALES", "SUPPORT"]

    url = f"{_departments(slug)}/{support['id']}"
    assert (await client.delete(url, headers=ada.headers)).status_code == 204
    assert "Support" not in await names()
    with_deleted = await client.get(
        _departments(slug), params={"include_deleted": True}, headers=ada.headers
    )
    deleted = [item for item in with_deleted.json()["items"] if item["name"] == "Support"]
    assert deleted[0]["deleted_at"] is not None
    # Admins see a deleted department; others do not.
    assert (await client.get(url, headers=ada.headers)).json()["deleted_at"] is not None
    assert_problem(await client.get(url, headers=bob.headers), 404, "department_not_found")


async def test_deleting_and_restoring(
    client: httpx.AsyncClient, people: People, workspaces: Workspaces
) -> None:
    ada, bob = await people.register(), await people.register()
    slug = (await workspaces.create(ada))["slug"]
    await workspaces.add_member(slug, ada, bob)
    root = await workspaces.create_department(slug, ada, "ROOT")
    child = await workspaces.create_department(slug, ada, "CHILD", parent_id=root["id"])
    grandchild = await workspaces.create_department(slug, ada, "GRAND", parent_id=child["id"])
    root_url = f"{_departments(slug)}/{root['id']}"

    assert_problem(
        await client.delete(root_url, headers=ada.headers), 409, "department_has_children"
    )
    staff = await workspaces.create_staff(slug, ada, bob, "B1", department_id=grandchild["id"])
    cascade = {"cascade": True}
    assert_problem(
        await client.delete(root_url, params=cascade, headers=ada.headers),
        409,
        "department_has_staff",
    )
    # Staff who left do not hold a department back.
    await workspaces.post(f"/workspaces/{slug}/staff/{staff['id']}/deactivate", ada, {})
    deleted = await client.delete(root_url, params=cascade, headers=ada.headers)
    assert deleted.status_code == 204, deleted.text
    assert_problem(await client.get(root_url, headers=bob.headers), 404, "department_not_found")
    assert (await client.get(_departments(slug), headers=ada.headers)).json()["items"] == []
    assert_problem(
        await client.patch(root_url, json={"name": "x"}, headers=ada.headers),
        404,
        "department_not_found",
    )
    assert_problem(await client.delete(root_url, headers=ada.headers), 404, "department_not_found")

    child_url = f"{_departments(slug)}/{child['id']}"
    assert_problem(
        await client.post(f"{child_url}/restore", headers=ada.headers), 409, "parent_deleted"
    )
    restored = await client.post(f"{root_url}/restore", headers=ada.headers)
    assert restored.status_code == 200, restored.text
    assert (restored.json()["deleted_at"], restored.json()["level"]) == (None, 1)
    assert_problem(
        await client.post(f"{root_url}/restore", headers=ada.headers),
        409,
        "department_not_deleted",
    )
    # Restoring brings back one department; its sub-departments follow one by one.
    assert (await client.post(f"{child_url}/restore", headers=ada.headers)).status_code == 200
    listed = await client.get(_departments(slug), headers=bob.headers)
    assert [item["code"] for item in listed.json()["items"]] == ["CHILD", "ROOT"]
