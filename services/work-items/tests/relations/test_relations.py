"""Issue relations: each type seen from both issues, duplicates refused, "blocks" loops
refused (also when two people close one at once), events and activity, who may."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.ids import new_id
from worksync.common.testing.problems import assert_problem
from worksync.work_items.testing import Api, World, issue_events


async def relate(
    client: httpx.AsyncClient,
    world: World,
    issue: dict[str, Any],
    kind: str,
    other: dict[str, Any],
) -> httpx.Response:
    return await client.post(
        world.url(f"/issues/{issue['id']}/relations"),
        json={"type": kind, "issue_id": other["id"]},
        headers=world.member.headers,
    )


async def relations(api: Api, world: World, issue: dict[str, Any]) -> list[tuple[str, str]]:
    page = await api.get(world.url(f"/issues/{issue['id']}/relations"), world.guest)
    return [(item["type"], item["issue_id"]) for item in page["items"]]


async def test_each_type_is_seen_from_both_issues(
    api: Api, world: World, client: httpx.AsyncClient
) -> None:
    a, b, c, d = [await api.issue(world, title=title) for title in "abcd"]
    for issue, kind, other in (
        (a, "blocks", b),
        (a, "blocked_by", c),
        (b, "relates_to", a),
        (d, "duplicates", a),
    ):
        response = await relate(client, world, issue, kind, other)
        assert response.status_code == 201, response.text
        assert (response.json()["type"], response.json()["issue_id"]) == (kind, other["id"])
    assert await relations(api, world, a) == [
        ("blocks", b["id"]),
        ("blocked_by", c["id"]),
        ("relates_to", b["id"]),
        ("duplicated_by", d["id"]),
    ]
    assert await relations(api, world, b) == [("blocked_by", a["id"]), ("relates_to", a["id"])]
    assert await relations(api, world, c) == [("blocks", a["id"])]


async def test_refusals(api: Api, world: World, client: httpx.AsyncClient) -> None:
    a, b = await api.issue(world), await api.issue(world)
    assert (await relate(client, world, a, "relates_to", b)).status_code == 201
    # The same relation again, from either side.
    assert_problem(await relate(client, world, b, "relates_to", a), 409, "relation_exists")
    assert_problem(await relate(client, world, a, "relates_to", a), 422, "validation_failed")
    assert_problem(
        await relate(client, world, a, "blocks", {"id": str(new_id())}), 422, "unknown_reference"
    )
    assert_problem(await relate(client, world, a, "follows", b), 422, "validation_failed")
    response = await client.post(
        world.url(f"/issues/{a['id']}/relations"),
        json={"type": "blocks", "issue_id": b["id"]},
        headers=world.guest.headers,
    )
    assert_problem(response, 403, "insufficient_role")
    url = world.url(f"/issues/{a['id']}/relations/{new_id()}")
    assert_problem(
        await client.delete(url, headers=world.member.headers), 404, "relation_not_found"
    )


async def test_blocks_never_loops(api: Api, world: World, client: httpx.AsyncClient) -> None:
    a, b, c = [await api.issue(world, title=title) for title in "abc"]
    assert (await relate(client, world, a, "blocks", b)).status_code == 201
    assert (await relate(client, world, b, "blocks", c)).status_code == 201
    assert_problem(await relate(client, world, c, "blocks", a), 409, "blocks_cycle")
    assert_problem(await relate(client, world, a, "blocked_by", c), 409, "blocks_cycle")
    # Other kinds may point back.
    assert (await relate(client, world, c, "relates_to", a)).status_code == 201
    assert (await relate(client, world, c, "duplicates", a)).status_code == 201


async def test_two_people_closing_one_loop_at_once_one_wins(
    api: Api, world: World, client: httpx.AsyncClient
) -> None:
    for _ in range(3):
        a, b = await api.issue(world), await api.issue(world)
        responses = await asyncio.gather(
            relate(client, world, a, "blocks", b), relate(client, world, b, "blocks", a)
        )
        assert sorted(response.status_code for response in responses) == [201, 409]


async def test_events_activity_and_removal(
    api: Api,
    world: World,
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    a, b = await api.issue(world), await api.issue(world)
    created = (await relate(client, world, a, "blocked_by", b)).json()
    url = world.url(f"/issues/{b['id']}/relations/{created['id']}")
    assert (await client.delete(url, headers=world.member.headers)).status_code == 204
    assert await relations(api, world, a) == []
    events = await issue_events(sessionmaker, created["id"])
    assert [e["type"] for e in events] == [
        "workitems.relation.created",
        "workitems.relation.deleted",
    ]
    data = events[0]["data"]
    assert (data["issue_id"], data["related_id"], data["kind"]) == (b["id"], a["id"], "blocks")
    feed = await api.get(world.url(f"/issues/{a['id']}/activity"), world.member, sort="occurred_at")
    rows = [(row["kind"], row["new_value"]) for row in feed["items"][1:]]
    assert rows == [
        (
            "relation_added",
            {"relation_id": created["id"], "type": "blocked_by", "issue_id": b["id"]},
        ),
        (
            "relation_removed",
            {"relation_id": created["id"], "type": "blocked_by", "issue_id": b["id"]},
        ),
    ]
    other = await api.get(
        world.url(f"/issues/{b['id']}/activity"), world.member, kind="relation_added"
    )
    assert other["items"][0]["new_value"]["type"] == "blocks"
