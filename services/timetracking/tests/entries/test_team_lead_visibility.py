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


async def test_readers_of_one_list_shape_each_see_their_own(
    client: httpx.AsyncClient, seeder: DirectorySeeder, world: World
) -> None:
    """The list's statement is built once per shape (filters given, cursor or not) with the
    reader's values bound: members asking the same shape in turn, page after page, each get
    what they may see and nothing another reader's request left behind."""
    carl = await seeder.member(world.workspace, display_name="Carl Coder")
    await arrange_team(seeder, world.workspace, carl, [world.bob])
    days = ["2024-05-06", "2024-05-07", "2024-05-08"]
    bobs = [
        (await create_entry(client, world, world.bob, work_date=day, duration_seconds=60))["id"]
        for day in days
    ]
    adas = [
        (await create_entry(client, world, world.ada, work_date=day, duration_seconds=60))["id"]
        for day in days
    ]

    async def listed(reader_headers: dict[str, str]) -> list[str]:
        seen: list[str] = []
        params = {"limit": "1", "sort": "work_date", "project_id": str(world.project.id)}
        while True:
            response = await client.get(
                f"{world.base}/time-entries", params=params, headers=reader_headers
            )
            assert response.status_code == 200, response.text
            page = response.json()
            seen += [item["id"] for item in page["items"]]
            if page["next_cursor"] is None:
                return seen
            params["cursor"] = page["next_cursor"]

    for _ in range(2):
        assert await listed(world.ada.headers) == adas
        assert await listed(carl.headers) == bobs
        assert await listed(world.bob.headers) == bobs
        assert await listed(world.admin.headers) == [
            entry for pair in zip(bobs, adas, strict=True) for entry in sorted(pair)
        ]
