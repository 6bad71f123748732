"""Project visibility: public projects are seen by every workspace member, private ones only
by their project members and the workspace's owners and admins; to anyone else a private
project does not exist (404), in the list, by id and below it."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import Integer, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.testing.directory import SeededUser
from worksync.common.testing.problems import assert_problem
from worksync.workspace.models import messaging
from worksync.workspace.testing import API, People, Workspaces


def _projects(slug: str) -> str:
    return f"{API}/workspaces/{slug}/projects"


async def _listed(client: httpx.AsyncClient, slug: str, person: SeededUser) -> set[str]:
    response = await client.get(_projects(slug), headers=person.headers)
    assert response.status_code == 200, response.text
    return {project["identifier"] for project in response.json()["items"]}


async def test_visibility_defaults_to_public_and_only_its_values_are_accepted(
    client: httpx.AsyncClient, people: People, workspaces: Workspaces
) -> None:
    ada = await people.register()
    slug = (await workspaces.create(ada))["slug"]
    project = await workspaces.create_project(slug, ada)
    assert project["visibility"] == "public"

    bad = await client.post(
        _projects(slug),
        json={"identifier": "SEC", "name": "x", "visibility": "secret"},
        headers=ada.headers,
    )
    assert_problem(bad, 422, "validation_failed", fields={"visibility"})
    url = f"{_projects(slug)}/{project['id']}"
    for value in ("secret", None):
        refused = await client.patch(url, json={"visibility": value}, headers=ada.headers)
        assert_problem(refused, 422, "validation_failed", fields={"visibility"})
    unchanged = await client.get(url, headers=ada.headers)
    assert (unchanged.json()["visibility"], unchanged.json()["version"]) == ("public", 1)
    assert "SEC" not in await _listed(client, slug, ada)


async def test_a_private_project_is_seen_by_its_members_and_the_workspace_admins_only(
    client: httpx.AsyncClient, people: People, workspaces: Workspaces
) -> None:
    owner, admin, maker, insider, outsider, guest = [await people.register() for _ in range(6)]
    slug = (await workspaces.create(owner))["slug"]
    await workspaces.add_member(slug, owner, admin, role="admin")
    for person in (maker, insider, outsider):
        await workspaces.add_member(slug, owner, person)
    await workspaces.add_member(slug, owner, guest, role="guest")
    await workspaces.create_project(slug, owner, identifier="OPEN")
    secret = await workspaces.create_project(slug, maker, identifier="SECRET", visibility="private")
    assert secret["visibility"] == "private"
    url = f"{_projects(slug)}/{secret['id']}"
    for person, role in ((insider, "member"), (guest, "guest")):
        await workspaces.post(
            f"/workspaces/{slug}/projects/{secret['id']}/members",
            maker,
            {"user_id": str(person.id), "role": role},
        )

    # The creator administers it; owners and admins see every project.
    for person in (owner, admin, maker, insider):
        assert await _listed(client, slug, person) == {"OPEN", "SECRET"}
        assert (await client.get(url, headers=person.headers)).status_code == 200
    assert await _listed(client, slug, guest) == {"SECRET"}
    assert (await client.get(url, headers=guest.headers)).status_code == 200

    # A workspace member who does not belong to it learns nothing about it.
    assert await _listed(client, slug, outsider) == {"OPEN"}
    for path in ("", "/members", f"/members/{insider.id}", "/teams"):
        refused = await client.get(url + path, headers=outsider.headers)
        assert_problem(refused, 404, "project_not_found")
    join = await client.post(
        f"{url}/members", json={"user_id": str(outsider.id)}, headers=outsider.headers
    )
    assert_problem(join, 404, "project_not_found")


async def test_switching_visibility_takes_effect_at_once_and_is_published(
    client: httpx.AsyncClient,
    people: People,
    workspaces: Workspaces,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    owner, member = await people.register(), await people.register()
    slug = (await workspaces.create(owner))["slug"]
    await workspaces.add_member(slug, owner, member)
    project = await workspaces.create_project(slug, owner)
    url = f"{_projects(slug)}/{project['id']}"
    assert (await client.get(url, headers=member.headers)).status_code == 200
    # Only project admins change it: a member who sees the project is refused.
    by_member = await client.patch(url, json={"visibility": "private"}, headers=member.headers)
    assert_problem(by_member, 403, "insufficient_role")

    hidden = await client.patch(url, json={"visibility": "private"}, headers=owner.headers)
    assert (hidden.json()["visibility"], hidden.json()["version"]) == ("private", 2)
    assert_problem(await client.get(url, headers=member.headers), 404, "project_not_found")
    shown = await client.patch(url, json={"visibility": "public"}, headers=owner.headers)
    assert shown.json()["version"] == 3
    assert (await client.get(url, headers=member.headers)).status_code == 200

    async with sessionmaker() as session:
        rows = await session.scalars(
            select(messaging.outbox.c.envelope)
            .where(messaging.outbox.c.envelope["subject"].astext == project["id"])
            .order_by(messaging.outbox.c.envelope["sequence"].astext.cast(Integer))
        )
        events: list[dict[str, Any]] = list(rows)
    assert [(event["type"], event["data"]["visibility"]) for event in events] == [
        ("workspace.project.created", "public"),
        ("workspace.project.updated", "private"),
        ("workspace.project.updated", "public"),
    ]
