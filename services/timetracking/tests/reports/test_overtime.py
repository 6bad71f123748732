"""The overtime endpoint: rounded worked time against the workspace's working hours (7.50 in
the test directory), per day with the balance, per week and in total; whose may be read."""

from __future__ import annotations

import httpx

from worksync.common.testing.directory import DirectorySeeder
from worksync.common.testing.problems import assert_problem
from worksync.timetracking.testing import (
    World,
    arrange_team,
    create_entry,
    rounding_rule,
    set_workspace_settings,
)

EXPECTED = int(7.5 * 3600)


async def test_a_week_of_overtime_counts_rounded_time(
    client: httpx.AsyncClient, seeder: DirectorySeeder, world: World
) -> None:
    await set_workspace_settings(
        seeder,
        world.workspace,
        rounding=rounding_rule(duration=(15, "up")),
    )
    await create_entry(
        client, world, world.ada, started_at="2024-05-06T08:00:00", ended_at="2024-05-06T16:50:00"
    )
    await create_entry(client, world, world.ada, work_date="2024-05-11", duration_seconds=3600)
    response = await client.get(
        f"{world.base}/time-tracking/overtime",
        params={"from": "2024-05-06", "to": "2024-05-13"},
        headers=world.ada.headers,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["user_id"], body["timezone"]) == (str(world.ada.id), "Europe/Berlin")
    monday = body["days"][0]
    assert monday == {
        "date": "2024-05-06",
        "expected_seconds": EXPECTED,
        "worked_seconds": 9 * 3600,
        "overtime_seconds": 9 * 3600 - EXPECTED,
        "balance_seconds": 9 * 3600 - EXPECTED,
    }
    saturday = body["days"][5]
    assert (saturday["expected_seconds"], saturday["worked_seconds"]) == (0, 3600)
    assert body["total"] == {
        "first_day": "2024-05-06",
        "last_day": "2024-05-13",
        "expected_seconds": 6 * EXPECTED,
        "worked_seconds": 10 * 3600,
        "overtime_seconds": 10 * 3600 - 6 * EXPECTED,
    }
    assert body["days"][-1]["balance_seconds"] == body["total"]["overtime_seconds"]
    assert [(w["first_day"], w["last_day"]) for w in body["weeks"]] == [
        ("2024-05-06", "2024-05-12"),
        ("2024-05-13", "2024-05-13"),
    ]


async def test_whose_overtime_may_be_read(
    client: httpx.AsyncClient, seeder: DirectorySeeder, world: World
) -> None:
    await arrange_team(seeder, world.workspace, world.bob, [world.ada])
    url = f"{world.base}/time-tracking/overtime"
    span = {"from": "2024-05-06", "to": "2024-05-12"}
    for person in (world.admin, world.owner, world.bob):
        response = await client.get(
            url, params={**span, "user_id": str(world.ada.id)}, headers=person.headers
        )
        assert response.status_code == 200, response.text
    assert_problem(
        await client.get(
            url, params={**span, "user_id": str(world.bob.id)}, headers=world.ada.headers
        ),
        403,
        "not_an_approver",
    )
    stranger = seeder.user("Stan Stranger")
    foreign = await client.get(
        url, params={**span, "user_id": str(stranger.id)}, headers=world.owner.headers
    )
    assert foreign.status_code == 404
    assert foreign.json()["code"] == "member_not_found"


async def test_bad_ranges_are_refused(client: httpx.AsyncClient, world: World) -> None:
    url = f"{world.base}/time-tracking/overtime"
    for params in (
        {"from": "2024-05-06"},
        {"from": "2024-05-13", "to": "2024-05-06"},
        {"from": "2024-01-01", "to": "2025-01-01"},
        {"from": "0001-01-01", "to": "0001-01-02"},
    ):
        response = await client.get(url, params=params, headers=world.ada.headers)
        assert response.status_code == 422, (params, response.text)
    year = await client.get(
        url, params={"from": "2024-01-01", "to": "2024-12-31"}, headers=world.ada.headers
    )
    assert len(year.json()["days"]) == 366
