"""Team leads read the time of their teams' members (lists, single entries, export), and
change none of it."""

from __future__ import annotations

import httpx

from worksync.common.testing.directory import DirectorySeeder
from worksync.timetracking.testing import World, arrange_team, create_entry


async def test_a_team_lead_reads_but_does_not_change_members_time(
    client: httpx.AsyncClient, seeder: DirectorySeeder, world: World
) -> None:
    carl = await seeder.member(world.workspace, display_name="Carl Coder")
    bobs = await create_entry(client, world, world.bob, work_date="2024-05-06", duration_seconds=60)
    adas = await create_entry(client, world, world.ada, work_date="2024-05-06", duration_seconds=60)
    url = f"{world.base}/time-entries/{bobs['id']}"
    assert (await client.get(url, headers=carl.headers)).status_code == 404
    await arrange_team(seeder, world.workspace, carl, [world.bob])
    assert (await client.get(url, headers=carl.headers)).status_code == 200
    listed = await client.get(f"{world.base}/time-entries", headers=carl.headers)
    assert [item["id"] for item in listed.json()["items"]] == [bobs["id"]]
    exported = await client.get(f"{world.base}/time-entries/export", headers=carl.headers)
    assert bobs["id"] in exported.text
    assert adas["id"] not in exported.text
    assert (
        await client.get(f"{world.base}/time-entries/{adas['id']}", headers=carl.headers)
    ).status_code == 404
    changed = await client.patch(url, json={"description": "x"}, headers=carl.headers)
    assert changed.status_code == 404
    assert (await client.delete(url, headers=carl.headers)).status_code == 404
