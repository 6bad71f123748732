"""The entries list, the week and today answer straight from the rows (`RowAnswer`): each
answer is byte for byte what the model would write, and each entry in it what the entry's
own read (a validated `Entry`) answers."""

from __future__ import annotations

import json
from typing import Any

import httpx

from worksync.common.pagination import Page
from worksync.common.testing.answers import assert_written_as_by
from worksync.common.testing.directory import DirectorySeeder
from worksync.timetracking.entries.schemas import Entry
from worksync.timetracking.reports.schemas import Timesheet
from worksync.timetracking.testing import (
    World,
    create_entry,
    rounding_rule,
    set_workspace_settings,
)


async def arrange_entries(
    client: httpx.AsyncClient, seeder: DirectorySeeder, world: World
) -> list[dict[str, Any]]:
    """Entries of every shape an answer shows: timed and rounded at both ends, a duration on
    an issue, tagged, non-billable, at a rate with cents, without a rate, across midnight."""
    await set_workspace_settings(
        seeder, world.workspace, rounding=rounding_rule(begin=(15, "down"), end=(15, "up"))
    )
    created = [
        await create_entry(
            client,
            world,
            world.ada,
            started_at="2024-05-07T09:07:00",
            ended_at="2024-05-07T10:53:00",
            description="Rounded out",
            tags=["@home", "review"],
        ),
        await create_entry(
            client,
            world,
            world.ada,
            started_at="2024-05-08T22:00:00",
            ended_at="2024-05-09T01:30:00",
            billable=False,
        ),
    ]
    await set_workspace_settings(seeder, world.workspace, rounding=None)
    created.append(
        await create_entry(
            client,
            world,
            world.admin,
            work_date="2024-05-09",
            duration_seconds=1234,
            user_id=str(world.ada.id),
            issue_id=str(world.issue_id),
            hourly_rate="120.5",
        )
    )
    await seeder.update_project(world.project, default_hourly_rate=None)
    created.append(
        await create_entry(client, world, world.ada, work_date="2024-05-10", duration_seconds=60)
    )
    return created


async def test_lists_and_sheets_answer_what_their_models_would(
    client: httpx.AsyncClient, seeder: DirectorySeeder, world: World
) -> None:
    created = await arrange_entries(client, seeder, world)
    assert {entry["hourly_rate"] for entry in created} == {"80.00", "120.50", None}
    singles = {}
    for entry in created:
        read = await client.get(
            f"{world.base}/time-entries/{entry['id']}", headers=world.ada.headers
        )
        assert read.status_code == 200, read.text
        singles[entry["id"]] = read.content

    listed = await client.get(
        f"{world.base}/time-entries", params={"limit": 10}, headers=world.ada.headers
    )
    assert listed.status_code == 200, listed.text
    assert_written_as_by(listed.content, Page[Entry])
    items = listed.json()["items"]
    assert {item["id"] for item in items} == set(singles)
    for item in items:
        assert json.dumps(item, separators=(",", ":")).encode() == singles[item["id"]]

    week = await client.get(
        f"{world.base}/time-tracking/week", params={"date": "2024-05-08"}, headers=world.ada.headers
    )
    assert week.status_code == 200, week.text
    assert_written_as_by(week.content, Timesheet)
    sheet = week.json()
    assert len(sheet["entries"]) == 4
    for entry in sheet["entries"]:
        assert json.dumps(entry, separators=(",", ":")).encode() == singles[entry["id"]]

    today = await client.get(f"{world.base}/time-tracking/today", headers=world.ada.headers)
    assert today.status_code == 200, today.text
    assert_written_as_by(today.content, Timesheet)
