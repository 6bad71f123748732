"""A project's money (budget, budget hours, default rate) is shown to workspace admins and
the project's admins only: everyone else gets the same fields as null, on every read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from worksync.common.testing.directory import SeededUser
from worksync.workspace.projects.schemas import MONEY_FIELDS
from worksync.workspace.testing import API, People, Workspaces

MONEY = {"budget_amount": "25000.00", "budget_hours": 400.5, "default_hourly_rate": "95.00"}
HIDDEN = dict.fromkeys(MONEY_FIELDS)


@dataclass(frozen=True)
class Cast:
    """A workspace with a project, seen by someone in each role."""

    slug: str
    project: dict[str, Any]
    owner: SeededUser
    admin: SeededUser
    lead: SeededUser  # a workspace member who is the project's admin
    member: SeededUser  # a project member
    outsider: SeededUser  # a workspace member outside the project
    guest: SeededUser  # a workspace guest on the project

    @property
    def projects(self) -> str:
        return f"{API}/workspaces/{self.slug}/projects"

    @property
    def url(self) -> str:
        return f"{self.projects}/{self.project['id']}"


async def _cast(people: People, workspaces: Workspaces) -> Cast:
    owner = await people.register("Owen")
    slug = (await workspaces.create(owner))["slug"]
    admin, lead, member, outsider, guest = [await people.register() for _ in range(5)]
    await workspaces.add_member(slug, owner, admin, role="admin")
    for person in (lead, member, outsider):
        await workspaces.add_member(slug, owner, person)
    await workspaces.add_member(slug, owner, guest, role="guest")
    project = await workspaces.create_project(slug, owner, identifier="CASH", **MONEY)
    members = f"/workspaces/{slug}/projects/{project['id']}/members"
    for person, role in ((lead, "admin"), (member, "member"), (guest, "guest")):
        await workspaces.post(members, owner, {"user_id": str(person.id), "role": role})
    return Cast(slug, project, owner, admin, lead, member, outsider, guest)


def _money(project: dict[str, Any]) -> dict[str, Any]:
    return {name: project[name] for name in MONEY_FIELDS}


async def _listed(client: httpx.AsyncClient, cast: Cast, person: SeededUser) -> dict[str, Any]:
    """The money of each listed project, by identifier."""
    response = await client.get(cast.projects, headers=person.headers)
    assert response.status_code == 200, response.text
    return {p["identifier"]: _money(p) for p in response.json()["items"]}


async def test_admins_and_project_admins_see_the_money_others_see_null(
    client: httpx.AsyncClient, people: People, workspaces: Workspaces
) -> None:
    cast = await _cast(people, workspaces)
    assert _money(cast.project) == MONEY
    for person in (cast.owner, cast.admin, cast.lead):
        fetched = await client.get(cast.url, headers=person.headers)
        assert fetched.json() == cast.project
        assert (await _listed(client, cast, person))["CASH"] == MONEY
    for person in (cast.member, cast.outsider, cast.guest):
        fetched = await client.get(cast.url, headers=person.headers)
        assert fetched.status_code == 200, fetched.text
        # The same shape, the same other fields: only the money is null.
        assert fetched.json() == {**cast.project, **HIDDEN}
        assert (await _listed(client, cast, person))["CASH"] == HIDDEN


async def test_a_list_shows_the_money_of_the_projects_the_caller_administers(
    client: httpx.AsyncClient, people: People, workspaces: Workspaces
) -> None:
    cast = await _cast(people, workspaces)
    await workspaces.create_project(cast.slug, cast.owner, identifier="ELSE", **MONEY)
    own = await workspaces.create_project(cast.slug, cast.member, identifier="OWN", **MONEY)
    # Creating a project makes its creator the admin, who sees the money they set.
    assert _money(own) == MONEY
    assert await _listed(client, cast, cast.lead) == {"CASH": MONEY, "ELSE": HIDDEN, "OWN": HIDDEN}
    assert await _listed(client, cast, cast.member) == {
        "CASH": HIDDEN,
        "ELSE": HIDDEN,
        "OWN": MONEY,
    }
    assert await _listed(client, cast, cast.admin) == {"CASH": MONEY, "ELSE": MONEY, "OWN": MONEY}


async def test_project_admins_writes_answer_with_the_money(
    client: httpx.AsyncClient, people: People, workspaces: Workspaces
) -> None:
    cast = await _cast(people, workspaces)
    changed = await client.patch(
        cast.url, json={"budget_hours": 10, "name": "Cash"}, headers=cast.lead.headers
    )
    assert changed.status_code == 200, changed.text
    assert _money(changed.json()) == {**MONEY, "budget_hours": 10}
    archived = await client.post(f"{cast.url}/archive", headers=cast.lead.headers)
    assert _money(archived.json()) == {**MONEY, "budget_hours": 10}
    unarchived = await client.post(f"{cast.url}/unarchive", headers=cast.lead.headers)
    assert _money(unarchived.json()) == {**MONEY, "budget_hours": 10}
    # The member reads the change, without its money.
    fetched = await client.get(cast.url, headers=cast.member.headers)
    assert (fetched.json()["name"], _money(fetched.json())) == ("Cash", HIDDEN)


async def test_the_money_goes_with_the_project_admin_role(
    client: httpx.AsyncClient, people: People, workspaces: Workspaces
) -> None:
    cast = await _cast(people, workspaces)
    lead_membership = f"{cast.url}/members/{cast.lead.id}"
    demoted = await client.patch(
        lead_membership, json={"role": "member"}, headers=cast.owner.headers
    )
    assert demoted.status_code == 200, demoted.text
    assert _money((await client.get(cast.url, headers=cast.lead.headers)).json()) == HIDDEN
    assert (await _listed(client, cast, cast.lead))["CASH"] == HIDDEN

    promoted = await client.patch(
        lead_membership, json={"role": "admin"}, headers=cast.owner.headers
    )
    assert promoted.status_code == 200, promoted.text
    assert (await _listed(client, cast, cast.lead))["CASH"] == MONEY
    # Leaving the project ends it: the project is still listed (a workspace member sees
    # every project), its money no longer.
    left = await client.delete(lead_membership, headers=cast.lead.headers)
    assert left.status_code == 204, left.text
    assert _money((await client.get(cast.url, headers=cast.lead.headers)).json()) == HIDDEN
    assert (await _listed(client, cast, cast.lead))["CASH"] == HIDDEN


async def test_a_member_cannot_read_the_money_through_the_project_lead_field(
    client: httpx.AsyncClient, people: People, workspaces: Workspaces
) -> None:
    """`lead_id` is descriptive: naming someone lead does not make them an admin."""
    cast = await _cast(people, workspaces)
    changed = await client.patch(
        cast.url, json={"lead_id": str(cast.member.id)}, headers=cast.owner.headers
    )
    assert changed.status_code == 200, changed.text
    fetched = await client.get(cast.url, headers=cast.member.headers)
    assert (fetched.json()["lead_id"], _money(fetched.json())) == (str(cast.member.id), HIDDEN)
