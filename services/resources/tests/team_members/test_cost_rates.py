"""Cost rates (and their currency) are shown to workspace admins and to the profile's own
member; other members, project admins among them, get null, in lists and single reads."""

from __future__ import annotations

import httpx

from worksync.common.testing.directory import DirectorySeeder, SeededUser
from worksync.common.testing.problems import assert_problem
from worksync.resources.testing import Team, profile_of

MIA = {"cost_rate": "70.00", "currency": "EUR"}
LEA = {"cost_rate": "95.50", "currency": "CHF"}
HIDDEN = {"cost_rate": None, "currency": None}


async def _set_cost(
    client: httpx.AsyncClient, team: Team, user: SeededUser, cost: dict[str, str]
) -> None:
    profile = await profile_of(client, team, user)
    response = await client.patch(
        f"{team.base}/team-members/{profile['id']}", json=cost, headers=team.admin.headers
    )
    assert response.status_code == 200, response.text
    assert {name: response.json()[name] for name in cost} == cost


async def _costs(
    client: httpx.AsyncClient, team: Team, person: SeededUser
) -> dict[str, dict[str, str | None]]:
    """Cost rate and currency of every profile as `person` sees them, by user id; each
    read one by one as well, which must agree with the list."""
    response = await client.get(
        f"{team.base}/team-members", params={"limit": 100}, headers=person.headers
    )
    assert response.status_code == 200, response.text
    costs = {}
    for profile in response.json()["items"]:
        cost = {"cost_rate": profile["cost_rate"], "currency": profile["currency"]}
        one = await client.get(f"{team.base}/team-members/{profile['id']}", headers=person.headers)
        assert one.status_code == 200, one.text
        assert one.json() == profile
        costs[profile["user_id"]] = cost
    return costs


async def test_admins_see_every_cost_rate_members_only_their_own(
    client: httpx.AsyncClient, team: Team, seeder: DirectorySeeder
) -> None:
    lead = await seeder.member(team.workspace, display_name="Lea Lead")
    await seeder.project_member(team.project, lead, role="admin")
    await _set_cost(client, team, team.member, MIA)
    await _set_cost(client, team, lead, LEA)
    await _set_cost(client, team, team.guest, {"cost_rate": "40.00", "currency": "EUR"})
    mia, lea, gus, owner = (str(u.id) for u in (team.member, lead, team.guest, team.admin))
    every = {mia: MIA, lea: LEA, gus: {"cost_rate": "40.00", "currency": "EUR"}, owner: HIDDEN}
    assert await _costs(client, team, team.admin) == every  # the owner's own profile has none
    # A workspace admin who is no owner sees them as well (their own profile has none).
    admin = await seeder.member(team.workspace, role="admin", display_name="Adam Admin")
    assert await _costs(client, team, admin) == {**every, str(admin.id): HIDDEN}

    hidden = dict.fromkeys([mia, lea, gus, owner, str(admin.id)], HIDDEN)
    assert await _costs(client, team, team.member) == {**hidden, mia: MIA}
    # A project admin plans allocations of their project, not what people cost.
    assert await _costs(client, team, lead) == {**hidden, lea: LEA}
    # Guests read no profiles at all, their own included.
    assert_problem(
        await client.get(f"{team.base}/team-members", headers=team.guest.headers),
        403,
        "insufficient_role",
    )
