"""Utilization per member and week or month: capacity, allocated and tracked hours."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
import pytest

from worksync.common.ids import new_id
from worksync.common.testing.directory import DirectorySeeder, SeededUser
from worksync.common.testing.problems import assert_problem
from worksync.common.testing.timetracking_events import entry_event
from worksync.resources.testing import Team, allocate, make_team, profile_of

HOUR = 3600


async def _track(
    seeder: DirectorySeeder, team: Team, user: SeededUser, *days: tuple[str, int]
) -> None:
    await seeder.deliver(
        entry_event(
            "created",
            entry_id=new_id(),
            workspace_id=team.workspace.id,
            user_id=user.id,
            project_id=team.project.id,
            days=[(date.fromisoformat(day), seconds) for day, seconds in days],
            sequence=1,
        )
    )


async def _report(
    client: httpx.AsyncClient, team: Team, viewer: SeededUser, **params: str
) -> list[dict[str, Any]]:
    response = await client.get(f"{team.base}/utilization", params=params, headers=viewer.headers)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def _numbers(period: dict[str, Any]) -> tuple[Any, ...]:
    return (
        period["period_start"],
        period["period_end"],
        period["capacity_hours"],
        period["allocated_hours"],
        period["actual_hours"],
        period["utilization_percent"],
        period["allocation_percent"],
    )


@pytest.fixture
async def planned(client: httpx.AsyncClient, team: Team, seeder: DirectorySeeder) -> Team:
    """Mia: 20 h/week on Apollo for two weeks, 8 h tracked in the first, 1.5 h in the second
    (an entry across midnight), and someone else's time that does not count for her."""
    await allocate(client, team, 20, "2026-01-05", "2026-01-16")
    await _track(seeder, team, team.member, ("2026-01-05", 4 * HOUR), ("2026-01-06", 4 * HOUR))
    await _track(seeder, team, team.member, ("2026-01-12", HOUR), ("2026-01-13", HOUR // 2))
    await _track(seeder, team, team.admin, ("2026-01-05", 10 * HOUR))
    return team


async def test_weekly_utilization(client: httpx.AsyncClient, planned: Team) -> None:
    team = planned
    weeks = await _report(client, team, team.member, **{"from": "2026-01-05", "to": "2026-01-18"})
    assert [_numbers(week) for week in weeks] == [
        ("2026-01-05", "2026-01-11", 40, 20, 8, 20, 50),
        ("2026-01-12", "2026-01-18", 40, 20, 1.5, 3.75, 50),
    ]
    assert {(w["user_id"], w["display_name"]) for w in weeks} == {
        (str(team.member.id), "Mia Member")
    }
    # Part of a week: only its days within the range count.
    [part] = await _report(client, team, team.member, **{"from": "2026-01-07", "to": "2026-01-09"})
    assert _numbers(part) == ("2026-01-05", "2026-01-11", 24, 12, 0, 0, 50)


async def test_time_off_lowers_capacity_but_not_allocations(
    client: httpx.AsyncClient, planned: Team
) -> None:
    team = planned
    profile = await profile_of(client, team, team.member)
    url = f"{team.base}/team-members/{profile['id']}/time-off"
    for start, end in (("2026-01-12", "2026-01-13"), ("2026-01-19", "2026-01-25")):
        response = await client.post(
            url, json={"start_date": start, "end_date": end}, headers=team.admin.headers
        )
        assert response.status_code == 201, response.text
    weeks = await _report(
        client,
        team,
        team.admin,
        **{"from": "2026-01-12", "to": "2026-01-25", "user_id": str(team.member.id)},
    )
    assert [_numbers(week) for week in weeks] == [
        ("2026-01-12", "2026-01-18", 24, 20, 1.5, 6.25, 83.33),
        ("2026-01-19", "2026-01-25", 0, 0, 0, None, None),
    ]


async def test_monthly_utilization_and_custom_capacity(
    client: httpx.AsyncClient, planned: Team
) -> None:
    team = planned
    months = await _report(
        client,
        team,
        team.member,
        **{"from": "2026-01-01", "to": "2026-02-28", "granularity": "month"},
    )
    assert [_numbers(month) for month in months] == [
        ("2026-01-01", "2026-01-31", 176, 40, 9.5, 5.4, 22.73),
        ("2026-02-01", "2026-02-28", 160, 0, 0, 0, 0),
    ]
    profile = await profile_of(client, team, team.member)
    response = await client.patch(
        f"{team.base}/team-members/{profile['id']}",
        json={"hours_per_week": 30, "working_days": [1, 2, 3]},
        headers=team.admin.headers,
    )
    assert response.status_code == 200, response.text
    [week] = await _report(client, team, team.member, **{"from": "2026-01-05", "to": "2026-01-11"})
    # Three working days of 10 h; the allocation spreads over those three days too.
    assert _numbers(week) == ("2026-01-05", "2026-01-11", 30, 20, 8, 26.67, 66.67)


async def test_weeks_start_on_the_workspaces_week_start(
    client: httpx.AsyncClient, seeder: DirectorySeeder
) -> None:
    workspace = await seeder.workspace(week_start="sunday")
    team = Team(
        workspace=workspace,
        admin=workspace.owner,
        member=workspace.owner,
        guest=workspace.owner,
        project=await seeder.project(workspace),
        other_project=await seeder.project(workspace),
    )
    weeks = await _report(client, team, team.admin, **{"from": "2026-01-05", "to": "2026-01-11"})
    assert [(w["period_start"], w["period_end"], w["capacity_hours"]) for w in weeks] == [
        ("2026-01-04", "2026-01-10", 40),
        ("2026-01-11", "2026-01-17", 0),
    ]


async def test_admins_see_everyone_and_members_themselves(
    client: httpx.AsyncClient, planned: Team, seeder: DirectorySeeder
) -> None:
    team = planned
    params = {"from": "2026-01-05", "to": "2026-01-11"}
    everyone = await _report(client, team, team.admin, **params)
    assert {w["user_id"] for w in everyone} == {
        str(team.admin.id),
        str(team.member.id),
        str(team.guest.id),
    }
    admin_week = next(w for w in everyone if w["user_id"] == str(team.admin.id))
    assert admin_week["actual_hours"] == 10
    mine = await _report(client, team, team.member, **params)
    assert {w["user_id"] for w in mine} == {str(team.member.id)}
    assert_problem(
        await client.get(
            f"{team.base}/utilization",
            params={**params, "user_id": str(team.admin.id)},
            headers=team.member.headers,
        ),
        403,
        "insufficient_role",
    )
    assert_problem(
        await client.get(f"{team.base}/utilization", params=params, headers=team.guest.headers),
        403,
        "insufficient_role",
    )
    # Another workspace's time never counts here.
    other = await make_team(seeder)
    await _track(seeder, other, team.member, ("2026-01-07", 5 * HOUR))
    assert await _report(client, team, team.member, **params) == mine


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2026-01-10", "to": "2026-01-09"}, "to"),
        ({"from": "2026-01-01", "to": "2027-01-02"}, "to"),
        ({"to": "2026-01-09"}, "from"),
        ({"from": "2026-01-01", "to": "someday"}, "to"),
        ({"from": "2026-01-01", "to": "2026-01-09", "granularity": "day"}, "granularity"),
        ({"from": "2026-01-01", "to": "2026-01-09", "user_id": "me"}, "user_id"),
        # Weeks reaching past the end of the calendar (was a 500).
        ({"from": "9999-12-01", "to": "9999-12-31"}, "from"),
    ],
)
async def test_bad_ranges_are_refused(
    client: httpx.AsyncClient, team: Team, params: dict[str, str], field: str
) -> None:
    assert_problem(
        await client.get(f"{team.base}/utilization", params=params, headers=team.admin.headers),
        422,
        "validation_failed",
        fields={field},
    )


async def test_a_whole_year_is_allowed(client: httpx.AsyncClient, team: Team) -> None:
    months = await _report(
        client,
        team,
        team.member,
        **{"from": "2028-01-01", "to": "2028-12-31", "granularity": "month"},
    )
    assert len(months) == 12
    assert sum(m["capacity_hours"] for m in months) == 260 * 8
