"""Moving cards: to a column or state between neighbours, ranks that keep order however
often one gap is split, WIP limits (also under 20 concurrent moves), events and activity."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.ids import new_id
from worksync.common.testing.problems import assert_problem
from worksync.work_items.testing import Api, World, issue_events


async def _board(api: Api, world: World, **columns: Any) -> dict[str, Any]:
    states = await api.states(world)
    return await api.post(
        world.url("/boards"),
        world.admin,
        {
            "name": "Flow",
            "columns": [
                {"name": "To do", "state_ids": [states["Backlog"]["id"], states["Todo"]["id"]]},
                {
                    "name": "Doing",
                    "state_ids": [states["In Progress"]["id"]],
                    "wip_limit": columns.get("wip_limit", 2),
                },
                {"name": "Done", "state_ids": [states["Done"]["id"]], "is_done": True},
            ],
        },
    )


async def _move(
    client: httpx.AsyncClient, world: World, issue: dict[str, Any], user: Any = None, **body: Any
) -> httpx.Response:
    return await client.post(
        world.url(f"/issues/{issue['id']}/move"),
        json={k: str(v) if hasattr(v, "hex") else v for k, v in body.items()},
        headers=(user or world.member).headers,
    )


async def _column_ids(api: Api, world: World, board: dict[str, Any], index: int) -> list[str]:
    view = await api.get(world.url(f"/boards/{board['id']}"), world.member, limit=100)
    return [card["id"] for card in view["columns"][index]["cards"]]


async def test_moves_within_and_across_columns_between_neighbours(
    api: Api, world: World, client: httpx.AsyncClient
) -> None:
    board = await _board(api, world)
    doing = board["columns"][1]
    a, b, c = [await api.issue(world, title=title) for title in "abc"]
    assert await _column_ids(api, world, board, 0) == [a["id"], b["id"], c["id"]]
    # Reorder: c between a and b; then a after c (the last before b).
    assert (await _move(client, world, c, after_id=a["id"], before_id=b["id"])).status_code == 200
    assert await _column_ids(api, world, board, 0) == [a["id"], c["id"], b["id"]]
    assert (await _move(client, world, a, before_id=b["id"])).status_code == 200
    assert await _column_ids(api, world, board, 0) == [c["id"], a["id"], b["id"]]
    # To another column: the column's first state.
    moved = await _move(client, world, b, column_id=doing["id"])
    assert moved.status_code == 200, moved.text
    assert moved.json()["state_id"] == doing["state_ids"][0]
    assert moved.json()["state_group"] == "started"
    assert await _column_ids(api, world, board, 1) == [b["id"]]
    moved = await _move(client, world, a, column_id=doing["id"], before_id=b["id"])
    assert await _column_ids(api, world, board, 1) == [a["id"], b["id"]]
    # By state, to the end.
    done = await _move(client, world, c, state_id=board["columns"][2]["state_ids"][0])
    assert done.json()["completed_at"] is not None
    view = await api.get(world.url(f"/boards/{board['id']}"), world.member)
    assert [column["issue_count"] for column in view["columns"]] == [0, 2, 1]


async def test_move_refusals(api: Api, world: World, client: httpx.AsyncClient) -> None:
    await _board(api, world)
    first, second = await api.issue(world), await api.issue(world)
    other = await api.issue(world)
    assert (
        await client.delete(world.url(f"/issues/{other['id']}"), headers=world.admin.headers)
    ).status_code == 204
    cases: list[tuple[dict[str, Any], int, str, str | None]] = [
        ({"column_id": new_id()}, 422, "unknown_reference", "column_id"),
        ({"state_id": new_id()}, 422, "unknown_reference", "state_id"),
        ({"after_id": new_id()}, 422, "unknown_reference", "after_id"),
        ({"before_id": other["id"]}, 422, "unknown_reference", "before_id"),
        ({"after_id": first["id"]}, 422, "validation_failed", "after_id"),
        (
            {"after_id": second["id"], "before_id": second["id"]},
            422,
            "validation_failed",
            "before_id",
        ),
        ({"column_id": new_id(), "state_id": new_id()}, 422, "validation_failed", None),
        ({"surprise": 1}, 422, "validation_failed", None),
    ]
    for body, status, code, field in cases:
        response = await _move(client, world, first, **body)
        assert_problem(response, status, code, fields={field} if field else None)
    for user in (world.guest, world.viewer):
        assert_problem(await _move(client, world, first, user), 403, "insufficient_role")
    assert_problem(await _move(client, world, {"id": new_id()}), 404, "issue_not_found")


async def test_wip_limit_refuses_unless_an_admin_forces(
    api: Api, world: World, client: httpx.AsyncClient
) -> None:
    board = await _board(api, world, wip_limit=1)
    doing = board["columns"][1]
    first, second = await api.issue(world), await api.issue(world)
    assert (await _move(client, world, first, column_id=doing["id"])).status_code == 200
    # Moving inside the column is no new card.
    assert (await _move(client, world, first, column_id=doing["id"])).status_code == 200
    assert_problem(
        await _move(client, world, second, column_id=doing["id"]), 409, "wip_limit_reached"
    )
    assert_problem(
        await _move(client, world, second, column_id=doing["id"], force=True),
        403,
        "insufficient_role",
    )
    forced = await _move(client, world, second, world.admin, column_id=doing["id"], force=True)
    assert forced.status_code == 200
    view = await api.get(world.url(f"/boards/{board['id']}"), world.member)
    assert view["columns"][1]["issue_count"] == 2


async def test_twenty_concurrent_moves_into_one_free_slot_one_wins(
    api: Api, world: World, client: httpx.AsyncClient
) -> None:
    board = await _board(api, world, wip_limit=3)
    doing = board["columns"][1]
    for _ in range(2):
        issue = await api.issue(world)
        assert (await _move(client, world, issue, column_id=doing["id"])).status_code == 200
    contenders = [await api.issue(world, title=f"Contender {n}") for n in range(20)]
    responses = await asyncio.gather(
        *(_move(client, world, issue, column_id=doing["id"]) for issue in contenders)
    )
    codes = sorted(response.status_code for response in responses)
    assert codes == [200] + [409] * 19, codes
    view = await api.get(world.url(f"/boards/{board['id']}"), world.member)
    assert view["columns"][1]["issue_count"] == 3


async def test_concurrent_reorders_of_one_column_keep_a_strict_order(
    api: Api, world: World, client: httpx.AsyncClient
) -> None:
    board = await _board(api, world)
    cards = [await api.issue(world, title=f"Card {n}") for n in range(8)]
    anchor = cards[0]
    # Everyone puts their card right after the same anchor at once.
    responses = await asyncio.gather(
        *(_move(client, world, card, after_id=anchor["id"]) for card in cards[1:])
    )
    assert all(response.status_code == 200 for response in responses)
    order = await _column_ids(api, world, board, 0)
    assert order[0] == anchor["id"]
    assert sorted(order) == sorted(card["id"] for card in cards)


async def test_many_moves_into_the_same_gap_keep_order_across_rebalances(
    api: Api, world: World, client: httpx.AsyncClient
) -> None:
    board = await _board(api, world)
    first, last = await api.issue(world, title="first"), await api.issue(world, title="last")
    moved: list[dict[str, Any]] = []
    # Each new card lands right after `first`, before the one moved there last: ranks
    # grow a digit every few moves, and get spread out again past their length limit.
    for n in range(300):
        card = await api.issue(world, title=f"Card {n}")
        neighbour = moved[-1] if moved else last
        response = await _move(client, world, card, after_id=first["id"], before_id=neighbour["id"])
        assert response.status_code == 200, response.text
        moved.append(card)
    order: list[str] = []
    url = world.url(f"/boards/{board['id']}/columns/{board['columns'][0]['id']}/cards")
    cursor = None
    while True:
        page = await api.get(url, world.member, limit=100, **({"cursor": cursor} if cursor else {}))
        order += [card["id"] for card in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    expected = [first["id"], *(card["id"] for card in reversed(moved)), last["id"]]
    assert order == expected


async def test_a_state_change_records_the_issue_event_and_activity(
    api: Api,
    world: World,
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    board = await _board(api, world)
    issue, other = await api.issue(world), await api.issue(world)
    # A reorder only: no issue event, a `moved` entry.
    assert (await _move(client, world, issue, after_id=other["id"])).status_code == 200
    assert (
        await _move(client, world, issue, column_id=board["columns"][1]["id"])
    ).status_code == 200
    events = await issue_events(sessionmaker, issue["id"])
    assert [e["type"] for e in events] == ["workitems.issue.created", "workitems.issue.updated"]
    assert events[1]["data"]["state_group"] == "started"
    feed = await api.get(
        world.url(f"/issues/{issue['id']}/activity"), world.member, sort="occurred_at"
    )
    rows = [(row["kind"], row["field"]) for row in feed["items"]]
    assert rows[0] == ("created", None)
    assert ("moved", None) in rows[1:3]
    assert rows.count(("moved", None)) == 2
    assert ("updated", "state_id") in rows
    moved = [row for row in feed["items"] if row["kind"] == "moved"][-1]
    assert moved["new_value"]["column_id"] == board["columns"][1]["id"]


async def test_a_move_between_states_of_one_group_records_the_update(
    api: Api,
    world: World,
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    states = await api.states(world)
    review = await api.post(
        world.url("/states"), world.admin, {"name": "Review", "group": "started"}
    )
    issue = await api.issue(world, state_id=states["In Progress"]["id"])
    moved = await _move(client, world, issue, state_id=review["id"])
    assert moved.status_code == 200
    assert moved.json()["version"] == 2
    events = await issue_events(sessionmaker, issue["id"])
    assert events[-1]["type"] == "workitems.issue.updated"
    assert events[-1]["data"]["state_id"] == review["id"]


async def test_a_patch_of_the_state_respects_wip_limits_too(
    api: Api, world: World, client: httpx.AsyncClient
) -> None:
    board = await _board(api, world, wip_limit=1)
    doing = board["columns"][1]
    in_progress = doing["state_ids"][0]
    for _ in range(3):
        first, second = await api.issue(world), await api.issue(world)
        # A move and a PATCH race for the last slot: one wins.
        move, patch = await asyncio.gather(
            _move(client, world, first, column_id=doing["id"]),
            client.patch(
                world.url(f"/issues/{second['id']}"),
                json={"state_id": in_progress},
                headers=world.member.headers,
            ),
        )
        assert sorted([move.status_code, patch.status_code]) == [200, 409]
        loser = patch if patch.status_code == 409 else move
        assert loser.json()["code"] == "wip_limit_reached"
        view = await api.get(world.url(f"/boards/{board['id']}"), world.member)
        assert view["columns"][1]["issue_count"] == 1
        # Free the slot for the next round.
        winner = first if move.status_code == 200 else second
        done = board["columns"][2]["state_ids"][0]
        response = await _move(client, world, winner, state_id=done)
        assert response.status_code == 200
