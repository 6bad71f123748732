"""Optimistic concurrency: entries, worklogs and timesheets answer their version as `ETag`;
their changes and deletions (and an approval) honour `If-Match`."""

from __future__ import annotations

import httpx

from worksync.common.testing.preconditions import (
    assert_delete_honours_if_match,
    assert_honours_if_match,
    version_of,
)
from worksync.common.testing.problems import assert_problem
from worksync.timetracking.testing import World, create_entry


async def test_entries(client: httpx.AsyncClient, world: World) -> None:
    entry = await create_entry(
        client, world, world.ada, work_date="2024-05-06", duration_seconds=60
    )
    url = f"{world.base}/time-entries/{entry['id']}"
    headers = world.ada.headers
    await assert_honours_if_match(client, url, headers, lambda n: {"description": f"Work {n}"})
    await assert_delete_honours_if_match(client, url, headers)


async def test_breaks_are_removed_at_a_version_of_their_entry(
    client: httpx.AsyncClient, world: World
) -> None:
    entry = await create_entry(
        client, world, world.ada, started_at="2024-05-06T09:00:00", ended_at="2024-05-06T12:00:00"
    )
    url = f"{world.base}/time-entries/{entry['id']}"
    headers = world.ada.headers
    added = await client.post(
        f"{url}/breaks",
        json={"started_at": "2024-05-06T10:00:00", "ended_at": "2024-05-06T10:20:00"},
        headers=headers,
    )
    assert added.status_code == 201, added.text
    break_url = f"{url}/breaks/{added.json()['breaks'][0]['id']}"
    await assert_delete_honours_if_match(client, break_url, headers, read_url=url)


async def test_worklogs(client: httpx.AsyncClient, world: World) -> None:
    created = await client.post(
        f"{world.issue_url()}/worklogs", json={"duration_minutes": 30}, headers=world.ada.headers
    )
    assert created.status_code == 201, created.text
    url = f"{world.issue_url()}/worklogs/{created.json()['id']}"
    headers = world.ada.headers
    await assert_honours_if_match(client, url, headers, lambda n: {"description": f"Log {n}"})
    await assert_delete_honours_if_match(client, url, headers)


async def test_an_approval_of_the_version_reviewed(client: httpx.AsyncClient, world: World) -> None:
    submitted = await client.post(
        f"{world.base}/timesheets/submit", json={"date": "2024-05-08"}, headers=world.ada.headers
    )
    assert submitted.status_code == 200, submitted.text
    url = f"{world.base}/timesheets/{submitted.json()['id']}"
    reviewed = await client.get(url, headers=world.admin.headers)
    assert version_of(reviewed) == reviewed.json()["version"]
    stale = {**world.admin.headers, "If-Match": f'"{version_of(reviewed) - 1}"'}
    assert_problem(await client.post(f"{url}/approve", headers=stale), 412, "precondition_failed")
    assert (await client.get(url, headers=world.admin.headers)).json()["state"] == "submitted"
    current = {**world.admin.headers, "If-Match": reviewed.headers["ETag"]}
    approved = await client.post(f"{url}/approve", headers=current)
    assert approved.status_code == 200, approved.text
    assert approved.json()["state"] == "approved"
    assert version_of(approved) == approved.json()["version"] > version_of(reviewed)


async def test_user_settings_from_none_stored(client: httpx.AsyncClient, world: World) -> None:
    url = f"{world.base}/time-tracking/settings"
    headers = world.ada.headers
    # `"0"`: only if none are stored yet; a second writer holding it is refused.
    first = await client.put(
        url, json={"timezone": "Asia/Tokyo"}, headers={**headers, "If-Match": '"0"'}
    )
    assert (first.status_code, first.headers["ETag"]) == (200, '"1"')
    again = await client.put(
        url, json={"timezone": "Europe/Oslo"}, headers={**headers, "If-Match": '"0"'}
    )
    assert_problem(again, 412, "precondition_failed")
    zones = ["UTC", "Asia/Tokyo", "Europe/Oslo", "America/Lima", "Africa/Cairo"]
    await assert_honours_if_match(
        client, url, headers, lambda n: {"timezone": zones[n]}, method="PUT"
    )
