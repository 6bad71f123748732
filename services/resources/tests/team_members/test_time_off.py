"""Time off through the API: periods of one member never overlap; bad input changes nothing."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from worksync.common.testing.problems import assert_problem
from worksync.resources.testing import Team, profile_of


async def _time_off(client: httpx.AsyncClient, team: Team, url: str) -> list[dict[str, Any]]:
    response = await client.get(url, headers=team.member.headers)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def test_time_off_is_added_listed_and_removed(client: httpx.AsyncClient, team: Team) -> None:
    profile = await profile_of(client, team, team.member)
    url = f"{team.base}/team-members/{profile['id']}/time-off"
    summer = {"start_date": "2026-08-03", "end_date": "2026-08-14", "reason": "Summer"}
    winter = {"start_date": "2026-02-16", "end_date": "2026-02-16"}
    created = []
    for body in (summer, winter):
        response = await client.post(url, json=body, headers=team.admin.headers)
        assert response.status_code == 201, response.text
        created.append(response.json())
    assert created[1]["reason"] is None
    assert [p["start_date"] for p in await _time_off(client, team, url)] == [
        "2026-02-16",
        "2026-08-03",
    ]
    # Adjacent is fine; overlapping, even by a day, is not.
    adjacent = await client.post(
        url, json={"start_date": "2026-08-15", "end_date": "2026-08-16"}, headers=team.admin.headers
    )
    assert adjacent.status_code == 201, adjacent.text
    assert_problem(
        await client.post(
            url,
            json={"start_date": "2026-08-14", "end_date": "2026-08-20"},
            headers=team.admin.headers,
        ),
        409,
        "time_off_overlaps",
    )
    response = await client.delete(f"{url}/{created[0]['id']}", headers=team.admin.headers)
    assert response.status_code == 204
    assert_problem(
        await client.delete(f"{url}/{created[0]['id']}", headers=team.admin.headers),
        404,
        "time_off_not_found",
    )
    assert len(await _time_off(client, team, url)) == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"start_date": "2026-03-10", "end_date": "2026-03-09"}, "end_date"),
        ({"start_date": "2026-03-10"}, "end_date"),
        ({"start_date": "not a date", "end_date": "2026-03-09"}, "start_date"),
        ({"start_date": "2026-03-10", "end_date": "2026-03-10", "reason": "x" * 501}, "reason"),
        ({"start_date": "9999-12-30", "end_date": "9999-12-31"}, "end_date"),
    ],
)
async def test_bad_time_off_is_refused(
    client: httpx.AsyncClient, team: Team, body: dict[str, Any], field: str
) -> None:
    profile = await profile_of(client, team, team.member)
    url = f"{team.base}/team-members/{profile['id']}/time-off"
    assert_problem(
        await client.post(url, json=body, headers=team.admin.headers),
        422,
        "validation_failed",
        fields={field},
    )
    assert await _time_off(client, team, url) == []


async def test_only_admins_plan_time_off(client: httpx.AsyncClient, team: Team) -> None:
    profile = await profile_of(client, team, team.member)
    url = f"{team.base}/team-members/{profile['id']}/time-off"
    body = {"start_date": "2026-03-10", "end_date": "2026-03-11"}
    assert_problem(
        await client.post(url, json=body, headers=team.member.headers), 403, "insufficient_role"
    )
    assert_problem(await client.get(url, headers=team.guest.headers), 403, "insufficient_role")
    assert await _time_off(client, team, url) == []
