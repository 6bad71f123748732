"""Capacity profiles through the API: listing, creating, changing, with their events; every
bad input refused with nothing changed."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.directory import directory_handlers
from worksync.common.testing.directory import DirectorySeeder, SeededUser
from worksync.common.testing.problems import assert_problem
from worksync.common.testing.tokens import TokenMinter
from worksync.common.testing.workspace_api import FakeWorkspaceApi
from worksync.resources.models import directory_tables
from worksync.resources.testing import Team, outbox_events, profile_of


async def test_members_get_a_default_profile_when_they_join(
    client: httpx.AsyncClient, team: Team, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    response = await client.get(f"{team.base}/team-members", headers=team.member.headers)
    assert response.status_code == 200, response.text
    profiles = {p["user_id"]: p for p in response.json()["items"]}
    assert set(profiles) == {str(team.admin.id), str(team.member.id), str(team.guest.id)}
    mia = profiles[str(team.member.id)]
    assert mia["display_name"] == "Mia Member"
    assert mia["hours_per_week"] == 40
    assert mia["working_days"] == [1, 2, 3, 4, 5]
    assert mia["capacity_hours_per_day"] == 8
    assert (mia["skills"], mia["role"], mia["cost_rate"], mia["currency"]) == ([], None, None, None)
    assert (mia["is_active"], mia["version"]) == (True, 1)

    [created] = await outbox_events(sessionmaker, mia["id"])
    assert (created["type"], created["sequence"]) == ("resources.capacity_profile.created", 1)
    assert created["data"] == {
        "profile_id": mia["id"],
        "workspace_id": str(team.workspace.id),
        "user_id": str(team.member.id),
        "hours_per_week": "40.00",
        "role": None,
        "skills": [],
        "is_active": True,
    }
    response = await client.get(
        f"{team.base}/team-members/{mia['id']}", headers=team.member.headers
    )
    assert response.json() == mia


async def test_listing_pages_and_filters(client: httpx.AsyncClient, team: Team) -> None:
    first = await client.get(
        f"{team.base}/team-members", params={"limit": 2}, headers=team.admin.headers
    )
    assert len(first.json()["items"]) == 2
    second = await client.get(
        f"{team.base}/team-members",
        params={"limit": 2, "cursor": first.json()["next_cursor"]},
        headers=team.admin.headers,
    )
    assert len(second.json()["items"]) == 1
    assert second.json()["next_cursor"] is None
    inactive = await client.get(
        f"{team.base}/team-members", params={"is_active": "false"}, headers=team.admin.headers
    )
    assert inactive.json()["items"] == []
    assert_problem(
        await client.get(
            f"{team.base}/team-members", params={"cursor": "nonsense"}, headers=team.admin.headers
        ),
        400,
        "invalid_cursor",
    )


async def _member_without_profile(
    team: Team, sessionmaker: async_sessionmaker[AsyncSession], minter: TokenMinter
) -> SeededUser:
    """A member the directory knows without the profile handler having run (as when the
    directory learnt them from the workspace API)."""
    only_directory = DirectorySeeder(directory_handlers(directory_tables), sessionmaker, minter)
    return await only_directory.member(team.workspace, display_name="Nia New")


async def test_admins_create_a_profile_for_a_member_without_one(
    client: httpx.AsyncClient,
    team: Team,
    sessionmaker: async_sessionmaker[AsyncSession],
    minter: TokenMinter,
) -> None:
    newcomer = await _member_without_profile(team, sessionmaker, minter)
    body = {
        "user_id": str(newcomer.id),
        "role": " Designer ",
        "skills": ["Figma", "figma", "UX"],
        "hours_per_week": 30,
        "working_days": [4, 1, 2, 2],
        "cost_rate": "55.5",
        "currency": "EUR",
    }
    headers = {**team.admin.headers, "Idempotency-Key": "create-nia"}
    response = await client.post(f"{team.base}/team-members", json=body, headers=headers)
    assert response.status_code == 201, response.text
    profile = response.json()
    assert profile["display_name"] == "Nia New"
    assert (profile["role"], profile["skills"]) == ("Designer", ["Figma", "UX"])
    assert (profile["hours_per_week"], profile["working_days"]) == (30, [1, 2, 4])
    assert (profile["capacity_hours_per_day"], profile["cost_rate"]) == (10, "55.50")
    replay = await client.post(f"{team.base}/team-members", json=body, headers=headers)
    assert replay.status_code == 201
    assert replay.json() == profile
    [created] = await outbox_events(sessionmaker, profile["id"])
    assert created["actorid"] == str(team.admin.id)
    assert created["data"]["skills"] == ["Figma", "UX"]
    assert created["data"]["hours_per_week"] == "30.00"

    assert_problem(
        await client.post(
            f"{team.base}/team-members",
            json={"user_id": str(newcomer.id)},
            headers=team.admin.headers,
        ),
        409,
        "capacity_profile_exists",
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"hours_per_week": 0}, "hours_per_week"),
        ({"hours_per_week": 168.5}, "hours_per_week"),
        ({"hours_per_week": 40.125}, "hours_per_week"),
        ({"working_days": []}, "working_days"),
        ({"working_days": [0, 1]}, "working_days.0"),
        ({"working_days": [8]}, "working_days.0"),
        ({"skills": ["x" * 51]}, "skills.0"),
        ({"skills": [""]}, "skills.0"),
        ({"role": "x" * 101}, "role"),
        ({"cost_rate": "-1.00", "currency": "EUR"}, "cost_rate"),
        ({"cost_rate": "10.00", "currency": "eur"}, "currency"),
        ({"cost_rate": "10.00"}, "currency"),
        ({"color": "blue"}, "color"),
    ],
)
async def test_bad_profiles_are_refused(
    client: httpx.AsyncClient,
    team: Team,
    sessionmaker: async_sessionmaker[AsyncSession],
    minter: TokenMinter,
    body: dict[str, Any],
    field: str,
) -> None:
    newcomer = await _member_without_profile(team, sessionmaker, minter)
    response = await client.post(
        f"{team.base}/team-members",
        json={"user_id": str(newcomer.id), **body},
        headers=team.admin.headers,
    )
    assert_problem(response, 422, response.json()["code"], fields={field})
    profile = await profile_of(client, team, team.member)
    response = await client.patch(
        f"{team.base}/team-members/{profile['id']}", json=body, headers=team.admin.headers
    )
    assert_problem(response, 422, response.json()["code"], fields={field})
    assert await profile_of(client, team, team.member) == profile
    assert len(await outbox_events(sessionmaker, profile["id"])) == 1
    listed = await client.get(f"{team.base}/team-members", headers=team.admin.headers)
    assert str(newcomer.id) not in {p["user_id"] for p in listed.json()["items"]}


async def test_a_profile_needs_a_live_member(
    client: httpx.AsyncClient, team: Team, seeder: DirectorySeeder
) -> None:
    stranger = seeder.user("Stan Stranger")
    assert_problem(
        await client.post(
            f"{team.base}/team-members",
            json={"user_id": str(stranger.id)},
            headers=team.admin.headers,
        ),
        422,
        "unknown_reference",
        fields={"user_id"},
    )
    assert_problem(
        await client.post(f"{team.base}/team-members", json={}, headers=team.admin.headers),
        422,
        "validation_failed",
        fields={"user_id"},
    )


async def test_a_profile_for_a_member_added_a_moment_ago(
    client: httpx.AsyncClient, team: Team, seeder: DirectorySeeder, workspace_api: FakeWorkspaceApi
) -> None:
    # The workspace service has them; their event has not reached the projection yet.
    newcomer = seeder.user("Nia Newcomer")
    workspace_api.add_member(team.workspace, newcomer)
    response = await client.post(
        f"{team.base}/team-members",
        json={"user_id": str(newcomer.id), "hours_per_week": 20},
        headers=team.admin.headers,
    )
    assert response.status_code == 201, response.text
    created = response.json()
    assert (created["user_id"], created["display_name"]) == (str(newcomer.id), "Nia Newcomer")


async def test_admins_change_profiles_and_events_follow(
    client: httpx.AsyncClient, team: Team, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    profile = await profile_of(client, team, team.member)
    url = f"{team.base}/team-members/{profile['id']}"
    change = {
        "role": "Backend developer",
        "skills": ["Python", "SQL"],
        "hours_per_week": 32,
        "working_days": [1, 2, 3, 4],
        "cost_rate": "70.00",
        "currency": "EUR",
    }
    response = await client.patch(url, json=change, headers=team.admin.headers)
    assert response.status_code == 200, response.text
    changed = response.json()
    assert changed["version"] == 2
    assert {name: changed[name] for name in change} == {**change, "hours_per_week": 32}
    # The same values again change nothing.
    again = await client.patch(url, json=change, headers=team.admin.headers)
    assert again.json()["version"] == 2
    events = await outbox_events(sessionmaker, profile["id"])
    assert [(e["type"], e["sequence"]) for e in events] == [
        ("resources.capacity_profile.created", 1),
        ("resources.capacity_profile.updated", 2),
    ]
    assert events[1]["data"] == {
        "profile_id": profile["id"],
        "workspace_id": str(team.workspace.id),
        "user_id": str(team.member.id),
        "hours_per_week": "32.00",
        "role": "Backend developer",
        "skills": ["Python", "SQL"],
        "is_active": True,
    }
    response = await client.patch(
        url, json={"cost_rate": None, "currency": None, "role": None}, headers=team.admin.headers
    )
    assert (response.json()["cost_rate"], response.json()["role"]) == (None, None)
    assert_problem(
        await client.patch(url, json={"hours_per_week": None}, headers=team.admin.headers),
        422,
        "validation_failed",
        fields={"hours_per_week"},
    )


async def test_members_read_and_admins_write(client: httpx.AsyncClient, team: Team) -> None:
    profile = await profile_of(client, team, team.member)
    url = f"{team.base}/team-members/{profile['id']}"
    assert_problem(
        await client.patch(url, json={"skills": ["Go"]}, headers=team.member.headers),
        403,
        "insufficient_role",
    )
    assert_problem(
        await client.post(
            f"{team.base}/team-members",
            json={"user_id": str(team.member.id)},
            headers=team.member.headers,
        ),
        403,
        "insufficient_role",
    )
    assert_problem(await client.get(url, headers=team.guest.headers), 403, "insufficient_role")
    assert_problem(
        await client.get(f"{team.base}/team-members/{team.member.id}", headers=team.admin.headers),
        404,
        "capacity_profile_not_found",
    )
