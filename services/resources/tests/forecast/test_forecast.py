"""The capacity forecast: per member and per skill, per week from the current one on."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest
from fastapi import FastAPI

from worksync.common.clock import request_time
from worksync.common.ids import new_id
from worksync.common.testing.directory import DirectorySeeder, SeededUser
from worksync.common.testing.problems import assert_problem
from worksync.resources.forecast.schemas import CapacityForecast
from worksync.resources.testing import Team, allocate, profile_of, staff_event

# Wednesday 7 January 2026: the current week starts on Monday 5 January.
NOW = datetime(2026, 1, 7, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_clock(app: FastAPI) -> Iterator[None]:
    app.dependency_overrides[request_time] = lambda: NOW
    yield
    app.dependency_overrides.pop(request_time)


async def _skills(
    client: httpx.AsyncClient, team: Team, user: SeededUser, skills: list[str]
) -> None:
    profile = await profile_of(client, team, user)
    response = await client.patch(
        f"{team.base}/team-members/{profile['id']}",
        json={"skills": skills},
        headers=team.admin.headers,
    )
    assert response.status_code == 200, response.text


async def test_capacity_allocated_and_free_per_member_and_skill(
    client: httpx.AsyncClient, team: Team
) -> None:
    await _skills(client, team, team.member, ["Python", "SQL"])
    await _skills(client, team, team.admin, ["python"])
    # The member: 30 h in week 1, 50 h in week 2 (over-booked by 10).
    await allocate(client, team, 30, "2026-01-05", "2026-01-16")
    await allocate(client, team, 20, "2026-01-12", "2026-01-16", other_project=True)
    profile = await profile_of(client, team, team.member)
    await client.post(
        f"{team.base}/team-members/{profile['id']}/time-off",
        json={"start_date": "2026-01-19", "end_date": "2026-01-19"},
        headers=team.admin.headers,
    )
    response = await client.get(
        f"{team.base}/capacity-forecast", params={"weeks": 3}, headers=team.admin.headers
    )
    assert response.status_code == 200, response.text
    forecast = response.json()
    assert (forecast["from_date"], forecast["to_date"]) == ("2026-01-05", "2026-01-25")
    users = {u["user_id"]: u for u in forecast["users"]}
    member = users[str(team.member.id)]
    assert member["skills"] == ["Python", "SQL"]
    assert [
        (w["week_start"], w["capacity_hours"], w["allocated_hours"], w["free_hours"])
        for w in member["weeks"]
    ] == [
        ("2026-01-05", 40, 30, 10),
        ("2026-01-12", 40, 50, -10),
        ("2026-01-19", 32, 0, 32),
    ]
    skills = {s["skill"]: s for s in forecast["skills"]}
    assert set(skills) == {"Python", "SQL"}
    assert sorted(skills["Python"]["user_ids"]) == sorted([str(team.member.id), str(team.admin.id)])
    assert [w["free_hours"] for w in skills["Python"]["weeks"]] == [50, 30, 72]
    assert [w["free_hours"] for w in skills["SQL"]["weeks"]] == [10, -10, 32]

    only_sql = await client.get(
        f"{team.base}/capacity-forecast",
        params={"weeks": 1, "skill": "sql"},
        headers=team.admin.headers,
    )
    assert [u["user_id"] for u in only_sql.json()["users"]] == [str(team.member.id)]
    assert [s["skill"] for s in only_sql.json()["skills"]] == ["SQL"]


async def test_members_see_themselves_and_bad_input_is_refused(
    client: httpx.AsyncClient, team: Team
) -> None:
    response = await client.get(
        f"{team.base}/capacity-forecast", params={"weeks": 2}, headers=team.member.headers
    )
    assert [u["user_id"] for u in response.json()["users"]] == [str(team.member.id)]
    for params in ({"weeks": 0}, {"weeks": 53}, {"skill": "x" * 51}):
        assert_problem(
            await client.get(
                f"{team.base}/capacity-forecast", params=params, headers=team.admin.headers
            ),
            422,
            "validation_failed",
        )
    assert_problem(
        await client.get(f"{team.base}/capacity-forecast", headers=team.guest.headers),
        403,
        "insufficient_role",
    )


async def test_the_answer_is_what_the_documented_model_serialises(
    client: httpx.AsyncClient, team: Team
) -> None:
    """The forecast is serialised once from plain values: read back into `CapacityForecast`
    it serialises to the same bytes."""
    await _skills(client, team, team.member, ["Python"])
    await allocate(client, team, 10.01, "2026-01-05", "2026-01-16")
    response = await client.get(
        f"{team.base}/capacity-forecast", params={"weeks": 3}, headers=team.admin.headers
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.content
    assert CapacityForecast.model_validate_json(body).model_dump_json().encode() == body
    weeks = {u["user_id"]: u for u in response.json()["users"]}[str(team.member.id)]["weeks"]
    assert [w["allocated_hours"] for w in weeks] == [10.01, 10.01, 0]


async def test_a_skill_known_only_from_a_staff_profile_counts(
    client: httpx.AsyncClient, team: Team, seeder: DirectorySeeder
) -> None:
    """Staff skills join the capacity profile's; a staff profile alone adds no member (one
    who is not, or no longer, a member of the workspace)."""
    await _skills(client, team, team.member, ["Python"])
    await seeder.deliver(
        staff_event(
            "created",
            staff_profile_id=new_id(),
            workspace_id=team.workspace.id,
            user_id=team.member.id,
            skills=["Rust", "python"],
            sequence=1,
        )
    )
    await seeder.deliver(
        staff_event(
            "created",
            staff_profile_id=new_id(),
            workspace_id=team.workspace.id,
            user_id=new_id(),
            skills=["Rust"],
            sequence=1,
        )
    )
    await allocate(client, team, 30, "2026-01-05", "2026-01-09")
    response = await client.get(
        f"{team.base}/capacity-forecast",
        params={"weeks": 1, "skill": "rust"},
        headers=team.admin.headers,
    )
    assert response.status_code == 200, response.text
    forecast = response.json()
    assert [(u["user_id"], u["skills"]) for u in forecast["users"]] == [
        (str(team.member.id), ["Python", "Rust"])
    ]
    assert [(s["skill"], s["user_ids"]) for s in forecast["skills"]] == [
        ("Rust", [str(team.member.id)])
    ]
    assert [w["free_hours"] for w in forecast["skills"][0]["weeks"]] == [10]
