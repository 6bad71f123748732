"""Projects: every field, validation, who may do what, lists, archive, deletion."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from worksync.common.testing.directory import SeededUser
from worksync.common.testing.problems import assert_problem
from worksync.workspace.testing import API, People, Workspaces


def _projects(slug: str) -> str:
    return f"{API}/workspaces/{slug}/projects"


async def test_a_project_with_every_field(
    client: httpx.AsyncClient, people: People, workspaces: Workspaces
) -> None:
    ada, lead = await people.register(), await people.register()
    slug = (await workspaces.create(ada, settings={"currency": "EUR"}))["slug"]
    await workspaces.add_member(slug, ada, lead)
    client_id = (await workspaces.post(f"/workspaces/{slug}/clients", ada, {"name": "Initech"}))[
        "id"
    ]
    category_id = (
        await workspaces.post(f"/workspaces/{slug}/project-categories", ada, {"name": "Web"})
    )["id"]
    department_id = (
        await workspaces.post(
            f"/workspaces/{slug}/departments",
            ada,
            {"name": "Web", "code": "WEB", "short_name": "WEB", "dept_code": "0001"},
        )
    )["id"]
    body: dict[str, Any] = {
        "identifier": "WEB",
        "name": "Website relaunch",
        "description": "New site",
        "status": "planning",
        "priority": "high",
        "start_date": "2030-01-01",
        "end_date": "2030-06-30",
        "budget_amount": "25000.5",
        "budget_hours": 400.25,
        "default_hourly_rate": 95,
        "lead_id": str(lead.id),
        "client_id": client_id,
        "category_id": category_id,
        "is_time_tracking_enabled": False,
        "department_id": department_id,
    }
    response = await client.post(_projects(slug), json=body, headers=ada.headers)
    assert response.status_code == 201, response.text
    project = response.json()
    # Money comes back as decimal strings with two places.
    expected = {**body, "budget_amount": "25000.50", "default_hourly_rate": "95.00"}
    assert project | expected == project
    assert project["budget_hours"] == 400.25
    assert project["currency"] == "EUR"
    assert project["archived_at"] is None
    assert project["created_by_id"] == str(ada.id)
    assert project["version"] == 1
    fetched = await client.get(f"{_projects(slug)}/{project['id']}", headers=ada.headers)
    assert fetched.json() == project
    # The lead is a member, not the project's admin: the money is not theirs to see.
    by_lead = await client.get(f"{_projects(slug)}/{project['id']}", headers=lead.headers)
    assert by_lead.json() == {
        **project,
        "budget_amount": None,
        "budget_hours": None,
        "default_hourly_rate": None,
    }

    members = await client.get(f"{_projects(slug)}/{project['id']}/members", headers=ada.headers)
    assert [(m["user_id"], m["role"]) for m in members.json()["items"]] == [(str(ada.id), "admin")]


async def test_project_input_is_validated(
    client: httpx.AsyncClient, people: People, workspaces: Workspaces
) -> None:
    ada = await people.register()
    slug = (await workspaces.create(ada))["slug"]
    bad = {
        "identifier": "web1",
        "name": " ",
        "status": "dreaming",
        "priority": "urgent",
        "budget_amount": "-1",
        "budget_hours": "1.234",
        "default_hourly_rate": "ten",
        "currency": "EURO",
        "start_date": "2030-02-30",
        "color": "red",
    }
    response = await client.post(_projects(slug), json=bad, headers=ada.headers)
    assert_problem(
        response,
        422,
        "validation_failed",
        fields={
            "identifier",
            "name",
            "status",
            "priority",
            "budget_amount",
            "budget_hours",
            "default_hourly_rate",
            "currency",
            "start_date",
            "color",
        },
    )
    backwards = await client.post(
        _projects(slug),
        json={
            "identifier": "AB",
            "name": "x",
            "start_date": "2030-02-01",
            "end_date": "2030-01-31",
        },
        headers=ada.headers,
    )
    assert_problem(backwards, 422, "validation_failed", fields={"end_date"})
    for field in ("lead_id", "client_id", "category_id", "department_id"):
        unknown = await client.post(
            _projects(slug),
            json={"identifier": "AB", "name": "x", field: str(uuid.uuid4())},
            headers=ada.headers,
        )
        assert_problem(unknown, 422, "unknown_reference", fields={field})


async def test_identifiers_are_unique_among_live_projects(
    client: httpx.AsyncClient, people: People, workspaces: Workspaces
) -> None:
    ada = await people.register()
    slug = (await workspaces.create(ada))["slug"]
    other = (await workspaces.create(ada))["slug"]
    first = await workspaces.create_project(slug, ada, identifier="API")
    taken = await client.post(
        _projects(slug), json={"identifier": "API", "name": "Again"}, headers=ada.headers
    )
    assert_problem(taken, 409, "identifier_taken")
    await workspaces.create_project(other, ada, identifier="API")
    deleted = await client.delete(f"{_projects(slug)}/{first['id']}", headers=ada.headers)
    assert deleted.status_code == 204
    assert_problem(
        await client.get(f"{_projects(slug)}/{first['id']}", headers=ada.headers),
        404,
        "project_not_found",
    )
    await workspaces.create_project(slug, ada, identifier="API")


async def test_only_workspace_admins_change_the_identifier(
    client: httpx.AsyncClient, people: People, workspaces: Workspaces
) -> None:
    ada, maker = await people.register(), await people.register()
    slug = (await workspaces.create(ada))["slug"]
    await workspaces.add_member(slug, ada, maker)
    project = await workspaces.create_project(slug, maker, identifier="OLD")
    url = f"{_projects(slug)}/{project['id']}"
    refused = await client.patch(url, json={"identifier": "NEW"}, headers=maker.headers)
    assert_problem(refused, 403, "identifier_fixed")
    same = await client.patch(
        url, json={"identifier": "OLD", "name": "Renamed"}, headers=maker.headers
    )
    assert same.status_code == 200
    assert (same.json()["name"], same.json()["version"]) == ("Renamed", 2)
    changed = await client.patch(url, json={"identifier": "NEW"}, headers=ada.headers)
    assert (changed.json()["identifier"], changed.json()["version"]) == ("NEW", 3)
    other = await workspaces.create_project(slug, ada, identifier="TAKEN")
    clash = await client.patch(url, json={"identifier": "TAKEN"}, headers=ada.headers)
    assert_problem(clash, 409, "identifier_taken")
    assert other["identifier"] == "TAKEN"


async def test_updates_change_what_is_given(
    client: httpx.AsyncClient, people: People, workspaces: Workspaces
) -> None:
    ada, lead = await people.register(), await people.register()
    slug = (await workspaces.create(ada))["slug"]
    await workspaces.add_member(slug, ada, lead)
    project = await workspaces.create_project(
        slug, ada, start_date="2030-01-01", budget_amount="100", lead_id=str(lead.id)
    )
    url = f"{_projects(slug)}/{project['id']}"
    response = await client.patch(
        url,
        json={
            "budget_amount": None,
            "status": "on_hold",
            "end_date": "2030-03-01",
            "lead_id": None,
        },
        headers=ada.headers,
    )
    assert response.status_code == 200, response.text
    updated = response.json()
    assert (updated["budget_amount"], updated["status"], updated["lead_id"]) == (
        None,
        "on_hold",
        None,
    )
    assert (updated["start_date"], updated["end_date"]) == ("2030-01-01", "2030-03-01")
    unchanged = await client.patch(url, json={"status": "on_hold"}, headers=ada.headers)
    assert unchanged.json()["version"] == updated["version"]
    before_start = await client.patch(url, json={"end_date": "2029-12-31"}, headers=ada.headers)
    assert_problem(before_start, 422, "validation_failed", fields={"end_date"})
    nulls = await client.patch(url, json={"name": None, "status": None}, headers=ada.headers)
    assert_problem(nulls, 422, "validation_failed", fields={"name", "status"})


async def _list(
    client: httpx.AsyncClient, slug: str, person: SeededUser, **params: Any
) -> list[str]:
    response = await client.get(_projects(slug), params=params, headers=person.headers)
    assert response.status_code == 200, response.text
    return [p["identifier"] for p in response.json()["items"]]


async def test_lists_filter_search_and_sort(
    client: httpx.AsyncClient, people: People, workspaces: Workspaces
) -> None:
    ada, lead = await people.register(), await people.register()
    slug = (await workspaces.create(ada))["slug"]
    await workspaces.add_member(slug, ada, lead)
    acme = (await workspaces.post(f"/workspaces/{slug}/clients", ada, {"name": "Acme"}))["id"]
    web = (await workspaces.post(f"/workspaces/{slug}/project-categories", ada, {"name": "W"}))[
        "id"
    ]
    await workspaces.create_project(slug, ada, identifier="AAA", name="Zebra", status="planning")
    await workspaces.create_project(
        slug, ada, identifier="BBB", name="Yak", priority="critical", client_id=acme
    )
    await workspaces.create_project(
        slug, ada, identifier="CCC", name="Xerus_1", category_id=web, lead_id=str(lead.id)
    )
    archived = await workspaces.create_project(slug, ada, identifier="DDD", name="Wombat")
    await client.post(f"{_projects(slug)}/{archived['id']}/archive", headers=ada.headers)

    assert await _list(client, slug, ada) == ["CCC", "BBB", "AAA"]
    assert await _list(client, slug, ada, sort="created_at") == ["AAA", "BBB", "CCC"]
    assert await _list(client, slug, ada, sort="-created_at", limit=1) == ["CCC"]
    assert await _list(client, slug, ada, archived=True) == ["DDD"]
    assert await _list(client, slug, ada, status="planning") == ["AAA"]
    assert await _list(client, slug, ada, priority="critical") == ["BBB"]
    assert await _list(client, slug, ada, client_id=acme) == ["BBB"]
    assert await _list(client, slug, ada, category_id=web) == ["CCC"]
    assert await _list(client, slug, ada, lead_id=str(lead.id)) == ["CCC"]
    assert await _list(client, slug, ada, search="_") == ["CCC"]
    assert await _list(client, slug, ada, search="bb") == ["BBB"]
    bad = await client.get(_projects(slug), params={"status": "x"}, headers=ada.headers)
    assert_problem(bad, 422, "validation_failed", fields={"status"})


async def test_guests_see_only_their_projects_and_cannot_create(
    client: httpx.AsyncClient, people: People, workspaces: Workspaces
) -> None:
    ada, guest = await people.register(), await people.register()
    slug = (await workspaces.create(ada))["slug"]
    await workspaces.add_member(slug, ada, guest, role="guest")
    theirs = await workspaces.create_project(slug, ada, identifier="MINE")
    hidden = await workspaces.create_project(slug, ada, identifier="HID")
    await workspaces.post(
        f"/workspaces/{slug}/projects/{theirs['id']}/members",
        ada,
        {"user_id": str(guest.id), "role": "guest"},
    )
    assert await _list(client, slug, guest) == ["MINE"]
    assert (await client.get(f"{_projects(slug)}/{theirs['id']}", headers=guest.headers)).is_success
    assert_problem(
        await client.get(f"{_projects(slug)}/{hidden['id']}", headers=guest.headers),
        404,
        "project_not_found",
    )
    create = await client.post(
        _projects(slug), json={"identifier": "NOPE", "name": "x"}, headers=guest.headers
    )
    assert_problem(create, 403, "insufficient_role")
    edit = await client.patch(
        f"{_projects(slug)}/{theirs['id']}", json={"name": "x"}, headers=guest.headers
    )
    assert_problem(edit, 403, "insufficient_role")


async def test_members_create_and_administer_their_projects(
    client: httpx.AsyncClient, people: People, workspaces: Workspaces
) -> None:
    ada, maker, other = await people.register(), await people.register(), await people.register()
    slug = (await workspaces.create(ada))["slug"]
    await workspaces.add_member(slug, ada, maker)
    await workspaces.add_member(slug, ada, other)
    project = await workspaces.create_project(slug, maker)
    url = f"{_projects(slug)}/{project['id']}"
    assert (await client.patch(url, json={"name": "Mine"}, headers=maker.headers)).is_success
    assert (await client.get(url, headers=other.headers)).is_success
    assert_problem(
        await client.patch(url, json={"name": "Theirs"}, headers=other.headers),
        403,
        "insufficient_role",
    )
    assert_problem(await client.delete(url, headers=other.headers), 403, "insufficient_role")


async def test_archiving_and_unarchiving(
    client: httpx.AsyncClient, people: People, workspaces: Workspaces
) -> None:
    ada = await people.register()
    slug = (await workspaces.create(ada))["slug"]
    project = await workspaces.create_project(slug, ada)
    url = f"{_projects(slug)}/{project['id']}"
    archived = await client.post(f"{url}/archive", headers=ada.headers)
    assert archived.status_code == 200
    assert archived.json()["archived_at"] is not None
    assert archived.json()["version"] == 2
    assert_problem(
        await client.post(f"{url}/archive", headers=ada.headers), 409, "project_archived"
    )
    unarchived = await client.post(f"{url}/unarchive", headers=ada.headers)
    assert (unarchived.json()["archived_at"], unarchived.json()["version"]) == (None, 3)
    assert_problem(
        await client.post(f"{url}/unarchive", headers=ada.headers), 409, "project_not_archived"
    )


async def test_creating_a_project_is_idempotent(
    client: httpx.AsyncClient, people: People, workspaces: Workspaces
) -> None:
    ada = await people.register()
    slug = (await workspaces.create(ada))["slug"]
    headers = {**ada.headers, "Idempotency-Key": "project-1"}
    body = {"identifier": "IDEM", "name": "Once"}
    first = await client.post(_projects(slug), json=body, headers=headers)
    replay = await client.post(_projects(slug), json=body, headers=headers)
    assert first.status_code == replay.status_code == 201
    assert replay.json() == first.json()
    assert await _list(client, slug, ada) == ["IDEM"]
