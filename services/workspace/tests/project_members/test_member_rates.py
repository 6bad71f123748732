"""A project member's hourly rate is shown to workspace admins, project admins and the
member themself; to other members and guests it is null, in lists and single reads."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from worksync.common.testing.directory import SeededUser
from worksync.workspace.testing import API, People, Workspaces

RATES = {"lead": "120.00", "bob": "80.00", "cy": "70.00", "guest": "50.00"}


@dataclass(frozen=True)
class Cast:
    members: str  # the project's members URL
    owner: SeededUser
    admin: SeededUser  # a workspace admin, not on the project
    lead: SeededUser  # a workspace member who is the project's admin
    bob: SeededUser
    cy: SeededUser
    guest: SeededUser  # a workspace guest on the project

    def named(self) -> dict[str, SeededUser]:
        return {"lead": self.lead, "bob": self.bob, "cy": self.cy, "guest": self.guest}


async def _cast(people: People, workspaces: Workspaces) -> Cast:
    owner = await people.register("Owen")
    slug = (await workspaces.create(owner))["slug"]
    admin = await people.register("Adam")
    await workspaces.add_member(slug, owner, admin, role="admin")
    lead, bob, cy, guest = [await people.register(name) for name in ("Lea", "Bob", "Cy", "Gus")]
    for person in (lead, bob, cy):
        await workspaces.add_member(slug, owner, person)
    await workspaces.add_member(slug, owner, guest, role="guest")
    project = await workspaces.create_project(slug, owner)
    members = f"{API}/workspaces/{slug}/projects/{project['id']}/members"
    cast = Cast(members, owner, admin, lead, bob, cy, guest)
    roles = {"lead": "admin", "bob": "member", "cy": "member", "guest": "guest"}
    for name, person in cast.named().items():
        body = {"user_id": str(person.id), "role": roles[name], "hourly_rate": RATES[name]}
        await workspaces.post(f"/workspaces/{slug}/projects/{project['id']}/members", owner, body)
    return cast


async def _rates(
    client: httpx.AsyncClient, cast: Cast, person: SeededUser
) -> dict[str, str | None]:
    """The rates `person` sees, listed and one by one (which must agree), by name."""
    response = await client.get(cast.members, headers=person.headers)
    assert response.status_code == 200, response.text
    by_user = {m["user_id"]: m["hourly_rate"] for m in response.json()["items"]}
    listed = {name: by_user[str(user.id)] for name, user in cast.named().items()}
    for name, user in cast.named().items():
        one = await client.get(f"{cast.members}/{user.id}", headers=person.headers)
        assert one.status_code == 200, one.text
        assert one.json()["hourly_rate"] == listed[name]
    return listed


async def test_admins_see_every_rate_members_and_guests_their_own(
    client: httpx.AsyncClient, people: People, workspaces: Workspaces
) -> None:
    cast = await _cast(people, workspaces)
    for person in (cast.owner, cast.admin, cast.lead):
        assert await _rates(client, cast, person) == RATES
    nobody: dict[str, str | None] = dict.fromkeys(RATES)
    assert await _rates(client, cast, cast.bob) == {**nobody, "bob": "80.00"}
    assert await _rates(client, cast, cast.cy) == {**nobody, "cy": "70.00"}
    assert await _rates(client, cast, cast.guest) == {**nobody, "guest": "50.00"}


async def test_project_admins_writes_answer_with_the_rate(
    client: httpx.AsyncClient, people: People, workspaces: Workspaces
) -> None:
    cast = await _cast(people, workspaces)
    changed = await client.patch(
        f"{cast.members}/{cast.bob.id}", json={"hourly_rate": "85"}, headers=cast.lead.headers
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["hourly_rate"] == "85.00"
    assert (await _rates(client, cast, cast.cy))["bob"] is None
    assert (await _rates(client, cast, cast.bob))["bob"] == "85.00"


async def test_the_rates_go_with_the_project_admin_role(
    client: httpx.AsyncClient, people: People, workspaces: Workspaces
) -> None:
    cast = await _cast(people, workspaces)
    demoted = await client.patch(
        f"{cast.members}/{cast.lead.id}", json={"role": "member"}, headers=cast.owner.headers
    )
    assert demoted.status_code == 200, demoted.text
    # The answer to the owner carries the rate; the demoted lead sees only their own now.
    assert demoted.json()["hourly_rate"] == "120.00"
    assert await _rates(client, cast, cast.lead) == {**dict.fromkeys(RATES), "lead": "120.00"}
