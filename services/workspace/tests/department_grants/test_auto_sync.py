"""Auto-sync: a department's manager is an admin of the projects linked to the department
and to every department below it; whatever ends that takes back exactly what it gave."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import Integer, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.testing.directory import SeededUser
from worksync.workspace.models import messaging
from worksync.workspace.testing import (
    API,
    People,
    Workspaces,
    deliver,
    identity_event,
)


class Org:
    """A workspace with an owner and helpers to look at project memberships."""

    def __init__(
        self, client: httpx.AsyncClient, workspaces: Workspaces, owner: SeededUser
    ) -> None:
        self.client = client
        self.workspaces = workspaces
        self.owner = owner
        self.slug = ""

    async def start(self, *members: SeededUser) -> None:
        self.slug = (await self.workspaces.create(self.owner))["slug"]
        for member in members:
            await self.workspaces.add_member(self.slug, self.owner, member)

    async def project(self) -> str:
        project_id: str = (await self.workspaces.create_project(self.slug, self.owner))["id"]
        return project_id

    async def department(self, code: str, **body: Any) -> str:
        department = await self.workspaces.create_department(self.slug, self.owner, code, **body)
        department_id: str = department["id"]
        return department_id

    async def patch(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = await self.client.patch(
            f"{API}/workspaces/{self.slug}{path}", json=body, headers=self.owner.headers
        )
        assert response.status_code == 200, response.text
        changed: dict[str, Any] = response.json()
        return changed

    async def members(self, project_id: str) -> dict[str, tuple[str, str]]:
        """The project's members other than the owner: user id -> (role, source)."""
        response = await self.client.get(
            f"{API}/workspaces/{self.slug}/projects/{project_id}/members",
            headers=self.owner.headers,
        )
        return {
            member["user_id"]: (member["role"], member["source"])
            for member in response.json()["items"]
            if member["user_id"] != str(self.owner.id)
        }


GRANTED = ("admin", "department")


async def test_a_manager_is_admin_of_the_projects_linked_below_their_department(
    client: httpx.AsyncClient, people: People, workspaces: Workspaces
) -> None:
    bob = await people.register()
    org = Org(client, workspaces, await people.register())
    await org.start(bob)
    top, middle, bottom, elsewhere = [await org.project() for _ in range(4)]
    root = await org.department("ROOT", linked_project_id=top)
    child = await org.department("CHILD", parent_id=root, linked_project_id=middle)
    await org.department("GRAND", parent_id=child, linked_project_id=bottom)
    await org.department("SIDE", linked_project_id=elsewhere)
    staff = await workspaces.create_staff(org.slug, org.owner, bob, "B1")
    assert staff["is_department_manager"] is False

    await org.patch(f"/departments/{root}", {"manager_id": str(bob.id)})
    for project in (top, middle, bottom):
        assert await org.members(project) == {str(bob.id): GRANTED}
    assert await org.members(elsewhere) == {}
    profile = await client.get(
        f"{API}/workspaces/{org.slug}/staff/{staff['id']}", headers=bob.headers
    )
    assert profile.json()["is_department_manager"] is True
    managers = await client.get(
        f"{API}/workspaces/{org.slug}/staff",
        params={"is_department_manager": True},
        headers=bob.headers,
    )
    assert [item["staff_id"] for item in managers.json()["items"]] == ["B1"]

    # A manager of a sub-department reaches the projects below it only.
    cy = await people.register()
    await workspaces.add_member(org.slug, org.owner, cy)
    await org.patch(f"/departments/{child}", {"manager_id": str(cy.id)})
    assert str(cy.id) not in await org.members(top)
    assert (await org.members(bottom))[str(cy.id)] == GRANTED


async def test_a_new_manager_takes_over_and_the_old_one_keeps_what_else_grants_them(
    client: httpx.AsyncClient,
    people: People,
    workspaces: Workspaces,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    bob, cy = await people.register("Bob"), await people.register("Cy")
    org = Org(client, workspaces, await people.register())
    await org.start(bob, cy)
    own, shared, manual = [await org.project() for _ in range(3)]
    root = await org.department("ROOT", linked_project_id=own)
    await org.department("CHILD", parent_id=root, linked_project_id=shared)
    await org.department("CHILD2", parent_id=root, linked_project_id=manual)
    side = await org.department("SIDE", linked_project_id=shared, manager_id=str(bob.id))
    # Bob is on `manual` by hand, as a plain member.
    await workspaces.post(
        f"/workspaces/{org.slug}/projects/{manual}/members", org.owner, {"user_id": str(bob.id)}
    )

    await org.patch(f"/departments/{root}", {"manager_id": str(bob.id)})
    assert (await org.members(own))[str(bob.id)] == GRANTED
    assert (await org.members(shared))[str(bob.id)] == GRANTED
    # Already a member: auto-sync leaves the membership as it was.
    assert (await org.members(manual))[str(bob.id)] == ("member", "manual")

    await org.patch(f"/departments/{root}", {"manager_id": str(cy.id)})
    assert await org.members(own) == {str(cy.id): GRANTED}
    assert await org.members(shared) == {str(bob.id): GRANTED, str(cy.id): GRANTED}
    assert await org.members(manual) == {
        str(bob.id): ("member", "manual"),
        str(cy.id): GRANTED,
    }

    await org.patch(f"/departments/{side}", {"manager_id": None})
    assert await org.members(shared) == {str(cy.id): GRANTED}
    assert (await org.members(manual))[str(bob.id)] == ("member", "manual")

    # Bob's membership of `own`: added, then removed, with rising sequences.
    async with sessionmaker() as session:
        envelopes = (
            await session.scalars(
                select(messaging.outbox.c.envelope)
                .where(
                    messaging.outbox.c.envelope["type"].astext.like("workspace.project_member.%"),
                    messaging.outbox.c.envelope["data"]["project_id"].astext == own,
                    messaging.outbox.c.envelope["data"]["user_id"].astext == str(bob.id),
                )
                .order_by(messaging.outbox.c.envelope["sequence"].astext.cast(Integer))
            )
        ).all()
    assert [(e["type"], e["sequence"], e["data"]["role"]) for e in envelopes] == [
        ("workspace.project_member.added", 1, "admin"),
        ("workspace.project_member.removed", 2, "admin"),
    ]


async def test_links_moves_deletions_and_departures_take_grants_back(
    client: httpx.AsyncClient, people: People, workspaces: Workspaces
) -> None:
    bob = await people.register()
    org = Org(client, workspaces, await people.register())
    await org.start(bob)
    first, second, below, spare = [await org.project() for _ in range(4)]
    root = await org.department("ROOT", linked_project_id=first, manager_id=str(bob.id))
    child = await org.department("CHILD", parent_id=root, linked_project_id=below)
    bob_granted = {str(bob.id): GRANTED}
    assert await org.members(first) == bob_granted

    await org.patch(f"/departments/{root}", {"linked_project_id": second})
    assert (await org.members(first), await org.members(second)) == ({}, bob_granted)

    await org.patch(f"/departments/{child}", {"parent_id": None})
    assert await org.members(below) == {}
    await org.patch(f"/departments/{child}", {"parent_id": root})
    assert await org.members(below) == bob_granted

    child_url = f"{API}/workspaces/{org.slug}/departments/{child}"
    assert (await client.delete(child_url, headers=org.owner.headers)).status_code == 204
    assert await org.members(below) == {}
    assert (await client.post(f"{child_url}/restore", headers=org.owner.headers)).status_code == 200
    assert await org.members(below) == bob_granted

    # Deleting a linked project unlinks it.
    spare_department = await org.department("SPARE", linked_project_id=spare)
    project_url = f"{API}/workspaces/{org.slug}/projects/{spare}"
    assert (await client.delete(project_url, headers=org.owner.headers)).status_code == 204
    spare_now = await client.get(
        f"{API}/workspaces/{org.slug}/departments/{spare_department}", headers=bob.headers
    )
    assert spare_now.json()["linked_project_id"] is None

    # A resignation ends department management and what it granted.
    staff = await workspaces.create_staff(org.slug, org.owner, bob, "B1")
    assert staff["is_department_manager"] is True
    resigned = await workspaces.post(
        f"/workspaces/{org.slug}/staff/{staff['id']}/deactivate", org.owner, {}
    )
    assert (resigned["employment_status"], resigned["is_department_manager"]) == (
        "resigned",
        False,
    )
    root_now = await client.get(
        f"{API}/workspaces/{org.slug}/departments/{root}", headers=bob.headers
    )
    assert root_now.json()["manager_id"] is None
    assert (await org.members(second), await org.members(below)) == ({}, {})


async def test_a_manager_leaving_the_workspace_leaves_their_departments(
    client: httpx.AsyncClient, people: People, workspaces: Workspaces
) -> None:
    bob = await people.register()
    org = Org(client, workspaces, await people.register())
    await org.start(bob)
    project = await org.project()
    root = await org.department("ROOT", linked_project_id=project, manager_id=str(bob.id))
    left = await client.delete(f"{API}/workspaces/{org.slug}/members/{bob.id}", headers=bob.headers)
    assert left.status_code == 204, left.text
    department = await client.get(
        f"{API}/workspaces/{org.slug}/departments/{root}", headers=org.owner.headers
    )
    assert department.json()["manager_id"] is None
    assert await org.members(project) == {}
    # Back in the workspace, bob is nobody's manager until made one again.
    await workspaces.add_member(org.slug, org.owner, bob)
    assert await org.members(project) == {}
    await org.patch(f"/departments/{root}", {"manager_id": str(bob.id)})
    assert await org.members(project) == {str(bob.id): GRANTED}


async def test_a_manager_made_guest_stops_managing(
    client: httpx.AsyncClient, people: People, workspaces: Workspaces
) -> None:
    bob = await people.register()
    org = Org(client, workspaces, await people.register())
    await org.start(bob)
    project = await org.project()
    root = await org.department("ROOT", linked_project_id=project, manager_id=str(bob.id))
    demoted = await client.patch(
        f"{API}/workspaces/{org.slug}/members/{bob.id}",
        json={"role": "guest"},
        headers=org.owner.headers,
    )
    assert demoted.status_code == 200, demoted.text
    department = await client.get(
        f"{API}/workspaces/{org.slug}/departments/{root}", headers=bob.headers
    )
    assert department.json()["manager_id"] is None
    assert await org.members(project) == {}


async def test_a_restored_department_lets_go_of_what_went_meanwhile(
    client: httpx.AsyncClient, people: People, workspaces: Workspaces
) -> None:
    bob = await people.register()
    org = Org(client, workspaces, await people.register())
    await org.start(bob)
    project = await org.project()
    root = await org.department("ROOT", linked_project_id=project, manager_id=str(bob.id))
    url = f"{API}/workspaces/{org.slug}/departments/{root}"
    assert (await client.delete(url, headers=org.owner.headers)).status_code == 204
    project_url = f"{API}/workspaces/{org.slug}/projects/{project}"
    assert (await client.delete(project_url, headers=org.owner.headers)).status_code == 204
    assert (
        await client.delete(f"{API}/workspaces/{org.slug}/members/{bob.id}", headers=bob.headers)
    ).status_code == 204
    restored = await client.post(f"{url}/restore", headers=org.owner.headers)
    assert restored.status_code == 200, restored.text
    assert (restored.json()["manager_id"], restored.json()["linked_project_id"]) == (None, None)


async def test_identity_deactivating_a_manager_releases_their_departments(
    client: httpx.AsyncClient,
    people: People,
    workspaces: Workspaces,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    bob = await people.register()
    org = Org(client, workspaces, await people.register())
    await org.start(bob)
    project = await org.project()
    root = await org.department("ROOT", linked_project_id=project, manager_id=str(bob.id))
    deactivated = identity_event("identity.user.deactivated", bob.id, 2)
    for _ in range(2):  # a redelivery changes nothing more
        await deliver(sessionmaker, deactivated)
    department = await client.get(
        f"{API}/workspaces/{org.slug}/departments/{root}", headers=org.owner.headers
    )
    assert (department.json()["manager_id"], department.json()["version"]) == (None, 2)
    assert await org.members(project) == {}
