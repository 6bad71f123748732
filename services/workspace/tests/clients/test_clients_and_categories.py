"""Clients and project categories: CRUD, unique names, and refusal while in use."""

from __future__ import annotations

import uuid

import httpx
import pytest

from worksync.common.testing.problems import assert_problem
from worksync.workspace.testing import API, People, Workspaces

# (path under the workspace, error-code name, longest name)
KINDS = [("clients", "client", 200), ("project-categories", "category", 100)]


@pytest.mark.parametrize(("path", "kind", "longest"), KINDS)
async def test_crud(
    client: httpx.AsyncClient,
    people: People,
    workspaces: Workspaces,
    path: str,
    kind: str,
    longest: int,
) -> None:
    ada, bob = await people.register(), await people.register()
    slug = (await workspaces.create(ada))["slug"]
    await workspaces.add_member(slug, ada, bob)
    url = f"{API}/workspaces/{slug}/{path}"
    created = await client.post(
        url, json={"name": " Initech ", "description": "d"}, headers=ada.headers
    )
    assert created.status_code == 201, created.text
    entry = created.json()
    assert (entry["name"], entry["description"]) == ("Initech", "d")
    assert (await client.get(f"{url}/{entry['id']}", headers=bob.headers)).json() == entry

    await client.post(url, json={"name": "Acme"}, headers=ada.headers)
    listed = await client.get(url, headers=bob.headers)
    assert [e["name"] for e in listed.json()["items"]] == ["Acme", "Initech"]
    searched = await client.get(url, params={"search": "INI"}, headers=bob.headers)
    assert [e["name"] for e in searched.json()["items"]] == ["Initech"]
    newest = await client.get(url, params={"sort": "-created_at", "limit": 1}, headers=bob.headers)
    assert [e["name"] for e in newest.json()["items"]] == ["Acme"]

    clash = await client.post(url, json={"name": "ACME"}, headers=ada.headers)
    assert_problem(clash, 409, f"{kind}_name_taken")
    renamed = await client.patch(
        f"{url}/{entry['id']}", json={"name": "Initrode", "description": None}, headers=ada.headers
    )
    assert (renamed.json()["name"], renamed.json()["description"]) == ("Initrode", None)
    rename_clash = await client.patch(
        f"{url}/{entry['id']}", json={"name": "acme"}, headers=ada.headers
    )
    assert_problem(rename_clash, 409, f"{kind}_name_taken")

    assert_problem(
        await client.post(url, json={"name": "x" * (longest + 1)}, headers=ada.headers),
        422,
        "validation_failed",
        fields={"name"},
    )
    assert_problem(
        await client.post(url, json={"name": "Bob's"}, headers=bob.headers),
        403,
        "insufficient_role",
    )
    assert_problem(
        await client.delete(f"{url}/{entry['id']}", headers=bob.headers), 403, "insufficient_role"
    )
    assert (await client.delete(f"{url}/{entry['id']}", headers=ada.headers)).status_code == 204
    assert_problem(
        await client.get(f"{url}/{entry['id']}", headers=ada.headers), 404, f"{kind}_not_found"
    )
    assert_problem(
        await client.patch(f"{url}/{uuid.uuid4()}", json={}, headers=ada.headers),
        404,
        f"{kind}_not_found",
    )


@pytest.mark.parametrize(
    ("path", "kind", "field"),
    [("clients", "client", "client_id"), ("project-categories", "category", "category_id")],
)
async def test_deleting_refused_while_a_live_project_uses_it(
    client: httpx.AsyncClient,
    people: People,
    workspaces: Workspaces,
    path: str,
    kind: str,
    field: str,
) -> None:
    ada = await people.register()
    slug = (await workspaces.create(ada))["slug"]
    entry = await workspaces.post(f"/workspaces/{slug}/{path}", ada, {"name": "Used"})
    live = await workspaces.create_project(slug, ada, **{field: entry["id"]})
    deleted = await workspaces.create_project(slug, ada, **{field: entry["id"]})
    projects = f"{API}/workspaces/{slug}/projects"
    await client.delete(f"{projects}/{deleted['id']}", headers=ada.headers)
    url = f"{API}/workspaces/{slug}/{path}/{entry['id']}"
    assert_problem(await client.delete(url, headers=ada.headers), 409, f"{kind}_in_use")
    await client.patch(f"{projects}/{live['id']}", json={field: None}, headers=ada.headers)
    assert (await client.delete(url, headers=ada.headers)).status_code == 204


async def test_guests_do_not_see_clients(
    client: httpx.AsyncClient, people: People, workspaces: Workspaces
) -> None:
    ada, guest = await people.register(), await people.register()
    slug = (await workspaces.create(ada))["slug"]
    await workspaces.add_member(slug, ada, guest, role="guest")
    for path in ("clients", "project-categories", "teams"):
        refused = await client.get(f"{API}/workspaces/{slug}/{path}", headers=guest.headers)
        assert_problem(refused, 403, "insufficient_role")


async def test_creating_is_idempotent(
    client: httpx.AsyncClient, people: People, workspaces: Workspaces
) -> None:
    ada = await people.register()
    slug = (await workspaces.create(ada))["slug"]
    for path in ("clients", "project-categories", "teams"):
        url = f"{API}/workspaces/{slug}/{path}"
        headers = {**ada.headers, "Idempotency-Key": f"{path}-1"}
        first = await client.post(url, json={"name": "Once"}, headers=headers)
        replay = await client.post(url, json={"name": "Once"}, headers=headers)
        assert first.status_code == replay.status_code == 201, (path, replay.text)
        assert first.json() == replay.json()
        assert len((await client.get(url, headers=ada.headers)).json()["items"]) == 1
