"""Boards: columns mapped to states, CRUD and reorder, the board read with cards and counts,
filters, who may do what, and the board's events."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.ids import new_id
from worksync.common.testing.directory import DirectorySeeder
from worksync.common.testing.problems import assert_problem
from worksync.work_items.testing import Api, World, issue_events


async def board(api: Api, world: World, **body: Any) -> dict[str, Any]:
    return await api.post(world.url("/boards"), world.admin, {"name": "Team board", **body})


async def test_default_board_has_a_column_per_state_with_cards_and_counts(
    api: Api, world: World
) -> None:
    states = await api.states(world)
    first, second = await api.issue(world, title="One"), await api.issue(world, title="Two")
    await api.issue(world, state_id=states["Done"]["id"])
    created = await board(api, world)
    names = [column["name"] for column in created["columns"]]
    assert names == ["Backlog", "Todo", "In Progress", "Done", "Cancelled"]
    assert [column["position"] for column in created["columns"]] == [0, 1, 2, 3, 4]
    assert [column["is_done"] for column in created["columns"]] == [
        False,
        False,
        False,
        True,
        False,
    ]
    assert [column["issue_count"] for column in created["columns"]] == [2, 0, 0, 1, 0]
    view = await api.get(world.url(f"/boards/{created['id']}"), world.guest)
    backlog = view["columns"][0]
    assert [card["id"] for card in backlog["cards"]] == [first["id"], second["id"]]
    assert backlog["next_cursor"] is None
    listed = await api.get(world.url("/boards"), world.viewer)
    assert [b["id"] for b in listed["items"]] == [created["id"]]


async def test_cards_page_per_column(api: Api, world: World) -> None:
    issues = [await api.issue(world, title=f"Card {n}") for n in range(5)]
    created = await board(api, world)
    view = await api.get(world.url(f"/boards/{created['id']}"), world.member, limit=2)
    backlog = view["columns"][0]
    assert backlog["issue_count"] == 5
    seen = [card["id"] for card in backlog["cards"]]
    cursor = backlog["next_cursor"]
    url = world.url(f"/boards/{created['id']}/columns/{backlog['id']}/cards")
    while cursor:
        page = await api.get(url, world.member, limit=2, cursor=cursor)
        seen += [card["id"] for card in page["items"]]
        cursor = page["next_cursor"]
    assert seen == [issue["id"] for issue in issues]


async def test_a_board_filtered_by_label_or_assignee(api: Api, world: World) -> None:
    label = await api.label(world, "Frontend")
    labelled = await api.issue(world, label_ids=[label["id"]])
    mine = await api.issue(world, assignee_ids=[str(world.member.id)])
    await api.issue(world)
    by_label = await board(api, world, name="Frontend", label_id=label["id"])
    view = await api.get(world.url(f"/boards/{by_label['id']}"), world.member)
    assert [card["id"] for card in view["columns"][0]["cards"]] == [labelled["id"]]
    assert view["columns"][0]["issue_count"] == 1
    by_person = await board(api, world, name="Mia", assignee_id=str(world.member.id))
    view = await api.get(world.url(f"/boards/{by_person['id']}"), world.member)
    assert [card["id"] for card in view["columns"][0]["cards"]] == [mine["id"]]


async def test_columns_crud_reorder_and_refusals(
    api: Api, world: World, client: httpx.AsyncClient
) -> None:
    states = await api.states(world)
    created = await board(
        api,
        world,
        columns=[
            {"name": "To do", "state_ids": [states["Backlog"]["id"], states["Todo"]["id"]]},
            {"name": "Doing", "state_ids": [states["In Progress"]["id"]], "wip_limit": 3},
        ],
    )
    url = world.url(f"/boards/{created['id']}/columns")
    headers = world.admin.headers
    todo, doing = created["columns"]
    assert todo["state_ids"] == [states["Backlog"]["id"], states["Todo"]["id"]]
    added = await client.post(
        url,
        json={
            "name": "Done",
            "state_ids": [states["Done"]["id"]],
            "is_done": True,
            "colour": "#22C55E",
        },
        headers=headers,
    )
    assert added.status_code == 201, added.text
    done = added.json()["columns"][2]
    assert (done["position"], done["is_done"], done["colour"]) == (2, True, "#22C55E")
    # A state is in one column of a board at most; names are unique on the board.
    refused = await client.post(
        url, json={"name": "Again", "state_ids": [states["Todo"]["id"]]}, headers=headers
    )
    assert_problem(refused, 409, "state_in_another_column")
    refused = await client.post(
        url, json={"name": "doing", "state_ids": [states["Cancelled"]["id"]]}, headers=headers
    )
    assert_problem(refused, 409, "column_name_taken")
    for body in (
        {"name": "X", "state_ids": [str(new_id())]},
        {"name": "X", "state_ids": []},
        {"name": "X", "state_ids": [states["Cancelled"]["id"]], "wip_limit": 0},
        {"name": "X", "state_ids": [states["Cancelled"]["id"]], "colour": "red"},
        {"name": " ", "state_ids": [states["Cancelled"]["id"]]},
    ):
        response = await client.post(url, json=body, headers=headers)
        assert response.status_code == 422, (body, response.text)
    changed = await client.patch(
        f"{url}/{doing['id']}", json={"wip_limit": None, "name": "In flight"}, headers=headers
    )
    assert changed.status_code == 200
    assert changed.json()["columns"][1]["wip_limit"] is None
    reordered = await client.post(
        f"{url}/reorder",
        json={"column_ids": [done["id"], todo["id"], doing["id"]]},
        headers=headers,
    )
    assert reordered.status_code == 200, reordered.text
    assert [c["name"] for c in reordered.json()["columns"]] == ["Done", "To do", "In flight"]
    for ids in ([todo["id"], doing["id"]], [todo["id"], todo["id"], doing["id"]]):
        response = await client.post(f"{url}/reorder", json={"column_ids": ids}, headers=headers)
        assert_problem(response, 422, "validation_failed", fields={"column_ids"})
    assert (await client.delete(f"{url}/{todo['id']}", headers=headers)).status_code == 204
    after = await api.get(world.url(f"/boards/{created['id']}"), world.member)
    assert [(c["name"], c["position"]) for c in after["columns"]] == [("Done", 0), ("In flight", 1)]
    assert_problem(
        await client.delete(f"{url}/{todo['id']}", headers=headers), 404, "column_not_found"
    )


async def test_boards_and_columns_are_not_renamed_to_taken_names(
    api: Api, world: World, client: httpx.AsyncClient
) -> None:
    await board(api, world)
    other = await board(api, world, name="Release board")
    url = world.url(f"/boards/{other['id']}")
    headers = world.admin.headers
    renamed = await client.patch(url, json={"name": "TEAM board"}, headers=headers)
    assert_problem(renamed, 409, "board_name_taken")
    backlog, todo = other["columns"][:2]
    renamed = await client.patch(
        f"{url}/columns/{todo['id']}", json={"name": backlog["name"].upper()}, headers=headers
    )
    assert_problem(renamed, 409, "column_name_taken")
    unchanged = await api.get(url, world.admin)
    assert (unchanged["name"], unchanged["version"]) == ("Release board", other["version"])
    assert [c["name"] for c in unchanged["columns"]] == [c["name"] for c in other["columns"]]


async def test_board_refusals_and_permissions(
    api: Api, world: World, client: httpx.AsyncClient, seeder: DirectorySeeder
) -> None:
    created = await board(api, world)
    url = world.url("/boards")
    assert_problem(
        await client.post(url, json={"name": "team BOARD"}, headers=world.admin.headers),
        409,
        "board_name_taken",
    )
    for body, field in (
        ({"name": "L", "label_id": str(new_id())}, "label_id"),
        ({"name": "A", "assignee_id": str(seeder.user().id)}, "assignee_id"),
    ):
        response = await client.post(url, json=body, headers=world.admin.headers)
        assert_problem(response, 422, "unknown_reference", fields={field})
    for user in (world.member, world.guest, world.viewer):
        response = await client.post(url, json={"name": "Mine"}, headers=user.headers)
        assert_problem(response, 403, "insufficient_role")
        response = await client.patch(
            f"{url}/{created['id']}", json={"name": "Mine"}, headers=user.headers
        )
        assert_problem(response, 403, "insufficient_role")
    assert_problem(
        await client.get(f"{url}/{new_id()}", headers=world.member.headers), 404, "board_not_found"
    )


async def test_board_events_carry_the_whole_board(
    api: Api,
    world: World,
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    created = await board(api, world)
    url = world.url(f"/boards/{created['id']}")
    renamed = await client.patch(url, json={"name": "Renamed"}, headers=world.admin.headers)
    assert renamed.status_code == 200
    same = await client.patch(url, json={"name": "Renamed"}, headers=world.admin.headers)
    assert same.json()["version"] == renamed.json()["version"]
    column = created["columns"][0]
    response = await client.patch(
        f"{url}/columns/{column['id']}", json={"wip_limit": 2}, headers=world.admin.headers
    )
    assert response.status_code == 200
    assert (await client.delete(url, headers=world.admin.headers)).status_code == 204
    events = await issue_events(sessionmaker, created["id"])
    assert [e["type"] for e in events] == [
        "workitems.board.created",
        "workitems.board.updated",
        "workitems.board.updated",
        "workitems.board.deleted",
    ]
    assert [e["sequence"] for e in events] == [1, 2, 3, 4]
    assert events[1]["data"]["name"] == "Renamed"
    assert events[2]["data"]["columns"][0]["wip_limit"] == 2
    assert len(events[0]["data"]["columns"]) == 5
    assert_problem(await client.get(url, headers=world.member.headers), 404, "board_not_found")


async def test_a_board_view_continues_its_columns_after_a_cursor(api: Api, world: World) -> None:
    issues = [await api.issue(world, title=f"Card {n}") for n in range(5)]
    created = await board(api, world)
    url = world.url(f"/boards/{created['id']}")
    first = (await api.get(url, world.member, limit=2))["columns"][0]
    following = await api.get(url, world.member, limit=2, cursor=first["next_cursor"])
    backlog = following["columns"][0]
    assert [card["id"] for card in backlog["cards"]] == [issue["id"] for issue in issues[2:4]]
    assert backlog["next_cursor"] is not None
    assert all(column["cards"] == [] for column in following["columns"][1:])
    forged = await api.client.get(
        url, params={"cursor": "bm9uc2Vuc2U"}, headers=world.member.headers
    )
    assert forged.status_code == 400
    assert forged.json()["code"] == "invalid_cursor"
