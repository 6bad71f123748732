"""Today, week and the summaries: per local day in the caller's zone, aggregated in SQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import httpx
import pytest

from worksync.common.testing.directory import DirectorySeeder, SeededUser
from worksync.common.testing.problems import assert_problem
from worksync.timetracking.testing import (
    Issues,
    World,
    arrange_world,
    create_entry,
    issue_event,
    set_workspace_settings,
)


async def week(client: httpx.AsyncClient, world: World, person: SeededUser, day: str) -> Any:
    response = await client.get(
        f"{world.base}/time-tracking/week", params={"date": day}, headers=person.headers
    )
    assert response.status_code == 200, response.text
    return response.json()


async def test_an_entry_across_midnight_counts_on_both_days(
    client: httpx.AsyncClient, world: World
) -> None:
    night = await create_entry(
        client, world, world.ada, started_at="2024-05-07T22:00:00", ended_at="2024-05-08T02:00:00"
    )
    logged = await create_entry(
        client, world, world.ada, work_date="2024-05-08", duration_seconds=600
    )
    await create_entry(client, world, world.bob, work_date="2024-05-08", duration_seconds=999)
    sheet = await week(client, world, world.ada, "2024-05-09")
    assert (sheet["first_day"], sheet["last_day"]) == ("2024-05-06", "2024-05-12")
    assert sheet["timezone"] == "Europe/Berlin"
    days = {day["date"]: day["seconds"] for day in sheet["days"]}
    assert len(days) == 7
    assert days["2024-05-07"] == 7200
    assert days["2024-05-08"] == 7200 + 600
    assert sheet["total_seconds"] == 15000
    assert [e["id"] for e in sheet["entries"]] == [night["id"], logged["id"]]
    # The week before holds nothing; the week after starts on Monday 13th.
    assert (await week(client, world, world.ada, "2024-05-05"))["total_seconds"] == 0
    # In New York the same night is one day: 16:00-20:00 on the 7th.
    await client.put(
        f"{world.base}/time-tracking/settings",
        json={"timezone": "America/New_York"},
        headers=world.ada.headers,
    )
    there = await week(client, world, world.ada, "2024-05-07")
    there_days = {day["date"]: day["seconds"] for day in there["days"]}
    assert there_days["2024-05-07"] == 14400
    assert there_days["2024-05-08"] == 600


async def test_a_week_crossing_a_clock_change_and_sunday_weeks(
    client: httpx.AsyncClient, seeder: DirectorySeeder, issues: Issues
) -> None:
    world = await arrange_world(seeder, issues)
    await set_workspace_settings(seeder, world.workspace, week_start="sunday")
    await create_entry(
        client, world, world.ada, started_at="2024-10-26T23:00:00", ended_at="2024-10-27T04:00:00"
    )
    sheet = await week(client, world, world.ada, "2024-10-27")
    assert (sheet["first_day"], sheet["last_day"]) == ("2024-10-27", "2024-11-02")
    days = {day["date"]: day["seconds"] for day in sheet["days"]}
    # 23:00-24:00 belongs to Saturday (last week); midnight to 04:00 lasted five hours.
    assert days["2024-10-27"] == 18000
    assert sheet["total_seconds"] == 18000


async def test_today_counts_its_part_of_last_night(client: httpx.AsyncClient, world: World) -> None:
    local_today = datetime.now(UTC).astimezone(ZoneInfo("Europe/Berlin")).date()
    today, yesterday = local_today.isoformat(), (local_today - timedelta(days=1)).isoformat()
    night = await create_entry(
        client, world, world.ada, started_at=f"{yesterday}T23:00:00", ended_at=f"{today}T01:00:00"
    )
    await create_entry(client, world, world.ada, work_date=today, duration_seconds=1200)
    response = await client.get(f"{world.base}/time-tracking/today", headers=world.ada.headers)
    assert response.status_code == 200
    body = response.json()
    assert (body["first_day"], body["last_day"]) == (today, today)
    assert body["days"] == [{"date": today, "seconds": 3600 + 1200}]
    assert body["total_seconds"] == 4800
    assert body["entries"][0]["id"] == night["id"]
    assert_problem(
        await client.get(f"{world.base}/time-tracking/today", headers=world.guest.headers),
        403,
        "insufficient_role",
    )


async def test_the_projects_worklog_summary(
    client: httpx.AsyncClient, world: World, issues: Issues
) -> None:
    second_issue = await issues.create(world.workspace.id, world.project.id, estimate_minutes=None)
    for person, issue, minutes in (
        (world.ada, world.issue_id, 100),
        (world.bob, world.issue_id, 50.5),
        (world.ada, second_issue, 30),
    ):
        await create_entry(
            client,
            world,
            person,
            issue_id=str(issue),
            work_date="2024-05-06",
            duration_seconds=int(minutes * 60),
        )
    await create_entry(client, world, world.ada, work_date="2024-05-07", duration_seconds=600)
    await create_entry(
        client,
        world,
        world.ada,
        work_date="2024-06-01",
        duration_seconds=6000,
        issue_id=str(world.issue_id),
    )
    url = f"{world.base}/projects/{world.project.id}/worklogs/summary"
    response = await client.get(
        url, params={"from": "2024-05-01", "to": "2024-05-31"}, headers=world.admin.headers
    )
    assert response.status_code == 200, response.text
    summary = response.json()
    by_issue = {UUID(i["issue_id"]): i for i in summary["issues"]}
    first = by_issue[world.issue_id]
    assert (first["logged_minutes"], first["estimate_minutes"]) == (150, 120)
    assert (first["remaining_minutes"], first["over_estimate"]) == (0, True)
    assert first["key"].startswith("APL-")
    second = by_issue[second_issue]
    assert (second["logged_minutes"], second["remaining_minutes"], second["over_estimate"]) == (
        30,
        None,
        False,
    )
    members = {UUID(m["user_id"]): m for m in summary["members"]}
    assert members[world.ada.id] == {
        "user_id": str(world.ada.id),
        "display_name": "Ada Lovelace",
        "logged_minutes": 140,
    }
    assert members[world.bob.id]["logged_minutes"] == 50
    assert summary["total_minutes"] == 190
    assert summary["total_estimate_minutes"] == 120
    assert not first["deleted"]
    # A member sees the issues' time and, among the members, only their own.
    bobs = await client.get(
        url, params={"from": "2024-05-01", "to": "2024-05-31"}, headers=world.bob.headers
    )
    assert bobs.json() == {**summary, "members": [members[world.bob.id]]}

    # Deleted in work-items: its time still counts, its estimate leaves the total.
    await issues.deliver(
        issue_event(
            "deleted",
            world.issue_id,
            workspace_id=world.workspace.id,
            project_id=world.project.id,
            sequence=2,
            deleted_at=datetime.now(UTC),
        )
    )
    after = (
        await client.get(
            url, params={"from": "2024-05-01", "to": "2024-05-31"}, headers=world.bob.headers
        )
    ).json()
    assert after["total_minutes"] == 190
    assert after["total_estimate_minutes"] == 0
    assert {i["issue_id"]: i["deleted"] for i in after["issues"]} == {
        str(world.issue_id): True,
        str(second_issue): False,
    }
    everything = (await client.get(url, headers=world.admin.headers)).json()
    assert everything["total_minutes"] == 290
    assert_problem(await client.get(url, headers=world.guest.headers), 403, "insufficient_role")
    bad = await client.get(
        url, params={"from": "2024-05-02", "to": "2024-05-01"}, headers=world.ada.headers
    )
    assert_problem(bad, 422, "validation_failed", fields={"to"})


async def test_the_workspace_summary_shows_members_only_their_own(
    client: httpx.AsyncClient, world: World, seeder: DirectorySeeder
) -> None:
    other = await seeder.project(world.workspace, name="Gemini")
    await create_entry(
        client, world, world.ada, work_date="2024-05-06", duration_seconds=3600, billable=True
    )
    await create_entry(
        client,
        world,
        world.ada,
        project_id=str(other.id),
        work_date="2024-05-07",
        duration_seconds=1800,
    )
    await create_entry(client, world, world.bob, work_date="2024-05-07", duration_seconds=600)
    url = f"{world.base}/time-tracking/summary"
    admin_summary = (await client.get(url, headers=world.admin.headers)).json()
    assert (admin_summary["total_seconds"], admin_summary["billable_seconds"]) == (6000, 3600)
    projects = {p["project_id"]: (p["name"], p["seconds"]) for p in admin_summary["by_project"]}
    assert projects == {str(world.project.id): ("Apollo", 4200), str(other.id): ("Gemini", 1800)}
    assert {m["display_name"]: m["seconds"] for m in admin_summary["by_member"]} == {
        "Ada Lovelace": 5400,
        "Bob Builder": 600,
    }
    assert admin_summary["by_day"] == [
        {"date": "2024-05-06", "seconds": 3600, "billable_seconds": 3600},
        {"date": "2024-05-07", "seconds": 2400, "billable_seconds": 0},
    ]
    filtered = (
        await client.get(url, params={"project_id": str(other.id)}, headers=world.admin.headers)
    ).json()
    assert filtered["total_seconds"] == 1800
    ada_summary = (await client.get(url, headers=world.ada.headers)).json()
    assert ada_summary["total_seconds"] == 5400
    assert [m["user_id"] for m in ada_summary["by_member"]] == [str(world.ada.id)]
    spying = await client.get(url, params={"user_id": str(world.bob.id)}, headers=world.ada.headers)
    assert spying.json()["total_seconds"] == 0
    ranged = await client.get(url, params={"from": "2024-05-07"}, headers=world.admin.headers)
    assert ranged.json()["total_seconds"] == 2400


async def test_members_asking_one_summary_shape_in_turn_each_see_their_own(
    client: httpx.AsyncClient, world: World
) -> None:
    """The summary's statement is built once per shape, the reader and the range bound:
    readers and ranges of one shape asked in turn each get their own figures."""
    for person, seconds in ((world.ada, 60), (world.bob, 600)):
        for day in ("2024-04-30", "2024-05-15", "2024-06-01"):
            await create_entry(client, world, person, work_date=day, duration_seconds=seconds)
    url = f"{world.base}/time-tracking/summary"
    for _ in range(2):
        for person, expected in ((world.ada, 60), (world.bob, 600), (world.admin, 660)):
            for first, last, days in (
                ("2024-04-15", "2024-06-10", 3),
                ("2024-05-02", "2024-06-20", 2),
            ):
                summary = await client.get(
                    url, params={"from": first, "to": last}, headers=person.headers
                )
                assert summary.status_code == 200, summary.text
                assert summary.json()["total_seconds"] == days * expected


@pytest.mark.parametrize(
    "path",
    [
        "week?date=someday",
        "summary?from=2024-02-30",
        # A week past the ends of the calendar (was a 500).
        "week?date=9999-12-31",
        "week?date=0001-01-01",
    ],
)
async def test_bad_report_parameters(client: httpx.AsyncClient, world: World, path: str) -> None:
    response = await client.get(f"{world.base}/time-tracking/{path}", headers=world.ada.headers)
    assert_problem(response, 422, "validation_failed")


@pytest.mark.parametrize(
    ("first", "last"),
    [
        (None, None),
        ("2024-04-30", "2024-06-01"),
        ("2024-05-01", "2024-05-31"),
        ("2024-05-02", "2024-05-30"),
        ("2024-05-15", "2024-06-15"),
        (None, "2024-05-31"),
        ("2024-05-31", None),
    ],
)
async def test_the_workspace_summary_counts_whole_months_and_the_days_around_them(
    client: httpx.AsyncClient, world: World, first: str | None, last: str | None
) -> None:
    """Whole months come from the monthly totals, the days at the range's ends from the
    daily ones: every day in the range counts once, whatever its edges."""
    logged = {
        "2024-04-30": 60,
        "2024-05-01": 120,
        "2024-05-15": 240,
        "2024-05-31": 480,
        "2024-06-01": 960,
        "2024-06-15": 1920,
    }
    for day, seconds in logged.items():
        for person in (world.ada, world.bob):
            await create_entry(client, world, person, work_date=day, duration_seconds=seconds)
    params = {name: value for name, value in (("from", first), ("to", last)) if value}
    response = await client.get(
        f"{world.base}/time-tracking/summary", params=params, headers=world.admin.headers
    )
    assert response.status_code == 200, response.text
    summary = response.json()
    inside = {
        day: seconds
        for day, seconds in logged.items()
        if (first is None or day >= first) and (last is None or day <= last)
    }
    assert summary["total_seconds"] == 2 * sum(inside.values())
    assert summary["by_project"][0]["seconds"] == 2 * sum(inside.values())
    assert {member["seconds"] for member in summary["by_member"]} == {sum(inside.values())}
    assert {day["date"]: day["seconds"] for day in summary["by_day"]} == {
        day: 2 * seconds for day, seconds in inside.items()
    }
