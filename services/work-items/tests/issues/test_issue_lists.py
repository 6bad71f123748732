"""Listing issues: filters, full-text and key search, sorts, keyset pages, no N+1."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.testing.directory import DirectorySeeder
from worksync.common.testing.problems import assert_problem
from worksync.common.testing.tokens import TokenMinter
from worksync.work_items.messaging.handlers import HANDLERS
from worksync.work_items.testing import Api, World, arrange_world


async def _keys(api: Api, world: World, **params: Any) -> list[str]:
    page = await api.get(world.url("/issues"), world.member, limit=100, **params)
    assert page["next_cursor"] is None
    return [issue["key"] for issue in page["items"]]


async def _all_pages(api: Api, world: World, limit: int, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        query = {"limit": limit, **params, **({"cursor": cursor} if cursor else {})}
        page = await api.get(world.url("/issues"), world.member, **query)
        assert len(page["items"]) <= limit
        items.extend(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            return items


@pytest.fixture(scope="module")
async def board_world(
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    minter: TokenMinter,
) -> World:
    """One project for the whole module: its tests only read the board."""
    return await arrange_world(DirectorySeeder(HANDLERS, sessionmaker, minter))


@pytest.fixture(scope="module")
async def board(client: httpx.AsyncClient, board_world: World) -> dict[str, Any]:
    """Seven issues with varied fields, by title (and the project's labels and states)."""
    api, world = Api(client), board_world
    states = await api.states(world)
    bug = await api.label(world, "Bug")
    ui = await api.label(world, "UI")
    parent = await api.issue(world, title="Epic: reentry")
    specs: list[dict[str, Any]] = [
        {
            "title": "Heat shield tiles crack",
            "priority": "urgent",
            "due_date": "2030-01-10",
            "label_ids": [bug["id"]],
            "assignee_ids": [str(world.member.id)],
            "state_id": states["In Progress"]["id"],
        },
        {
            "title": "Parachute deploys late",
            "priority": "high",
            "due_date": "2030-01-20",
            "label_ids": [bug["id"], ui["id"]],
            "parent_id": parent["id"],
            "description": "The drogue chutes open at the wrong altitude.",
        },
        {
            "title": "Paint the capsule",
            "priority": "low",
            "state_id": states["Done"]["id"],
            "assignee_ids": [str(world.admin.id)],
        },
        {
            "title": "Telemetry dashboard",
            "priority": "medium",
            "due_date": "2030-02-01",
            "label_ids": [ui["id"]],
            "parent_id": parent["id"],
        },
        {"title": "Archive old logs", "state_id": states["Cancelled"]["id"]},
        {
            "title": "Cracked window",
            "priority": "urgent",
            "description": "A crack in pane 2",
            "assignee_ids": [str(world.member.id), str(world.admin.id)],
        },
    ]
    issues = {"Epic: reentry": parent}
    for spec in specs:
        issues[spec["title"]] = await api.issue(world, **spec)
    issues["labels"] = {"bug": bug, "ui": ui}
    issues["states"] = states
    return issues


def _key(board: dict[str, dict[str, Any]], *titles: str) -> list[str]:
    return [board[title]["key"] for title in titles]


async def test_filters(api: Api, board_world: World, board: dict[str, Any]) -> None:
    states, labels = board["states"], board["labels"]
    assert sorted(await _keys(api, board_world, priority="urgent")) == sorted(
        _key(board, "Heat shield tiles crack", "Cracked window")
    )
    assert sorted(await _keys(api, board_world, priority=["urgent", "low"])) == sorted(
        _key(board, "Heat shield tiles crack", "Cracked window", "Paint the capsule")
    )
    assert await _keys(api, board_world, state=states["Done"]["id"]) == _key(
        board, "Paint the capsule"
    )
    assert sorted(
        await _keys(api, board_world, state=[states["Done"]["id"], states["Cancelled"]["id"]])
    ) == sorted(_key(board, "Paint the capsule", "Archive old logs"))
    assert sorted(await _keys(api, board_world, state_group=["completed", "cancelled"])) == sorted(
        _key(board, "Paint the capsule", "Archive old logs")
    )
    assert sorted(await _keys(api, board_world, assignee=str(board_world.member.id))) == sorted(
        _key(board, "Heat shield tiles crack", "Cracked window")
    )
    assert sorted(await _keys(api, board_world, label=labels["ui"]["id"])) == sorted(
        _key(board, "Parachute deploys late", "Telemetry dashboard")
    )
    assert sorted(await _keys(api, board_world, parent=board["Epic: reentry"]["id"])) == sorted(
        _key(board, "Parachute deploys late", "Telemetry dashboard")
    )
    assert sorted(await _keys(api, board_world, due_before="2030-01-20")) == sorted(
        _key(board, "Heat shield tiles crack", "Parachute deploys late")
    )
    assert sorted(
        await _keys(api, board_world, due_after="2030-01-11", due_before="2030-12-31")
    ) == sorted(_key(board, "Parachute deploys late", "Telemetry dashboard"))
    assert await _keys(
        api, board_world, priority="urgent", assignee=str(board_world.admin.id)
    ) == _key(board, "Cracked window")


async def test_full_text_search_and_keys(
    api: Api, board_world: World, board: dict[str, Any]
) -> None:
    # Stemming: "cracks" finds "crack" and "cracked", in titles and descriptions.
    assert sorted(await _keys(api, board_world, search="cracks")) == sorted(
        _key(board, "Heat shield tiles crack", "Cracked window")
    )
    assert await _keys(api, board_world, search="altitude drogue") == _key(
        board, "Parachute deploys late"
    )
    assert await _keys(api, board_world, search="dashboard -capsule") == _key(
        board, "Telemetry dashboard"
    )
    target = board["Paint the capsule"]
    assert await _keys(api, board_world, search=target["key"]) == [target["key"]]
    assert await _keys(api, board_world, search=target["key"].lower()) == [target["key"]]
    assert await _keys(api, board_world, search="submarine") == []


async def test_a_nul_character_in_a_search_is_422(client: httpx.AsyncClient, world: World) -> None:
    response = await client.get(
        world.url("/issues"), params={"search": "a\u0000b"}, headers=world.member.headers
    )
    assert_problem(response, 422, "invalid_value")


async def test_search_ignores_html_markup(api: Api, world: World) -> None:
    issue = await api.issue(
        world, description='<p class="strong">Orbit</p>', description_format="html"
    )
    assert await _keys(api, world, search="orbit") == [issue["key"]]
    assert await _keys(api, world, search="strong") == []


@pytest.mark.parametrize(
    ("sort", "key"),
    [
        ("created_at", lambda issue: (issue["created_at"], issue["id"])),
        ("-created_at", lambda issue: (issue["created_at"], issue["id"])),
        ("updated_at", lambda issue: (issue["updated_at"], issue["id"])),
        ("-updated_at", lambda issue: (issue["updated_at"], issue["id"])),
        ("due_date", lambda issue: (issue["due_date"] or "9999-12-31", issue["id"])),
        ("-due_date", lambda issue: (issue["due_date"] or "9999-12-31", issue["id"])),
        ("position", lambda issue: (issue["position"], issue["id"])),
    ],
)
async def test_sorts_continue_across_pages(
    api: Api, board_world: World, board: dict[str, Any], sort: str, key: Any
) -> None:
    items = await _all_pages(api, board_world, 2, sort=sort)
    assert len(items) == 7
    assert items == sorted(items, key=key, reverse=sort.startswith("-"))


async def test_priority_sort(api: Api, board_world: World, board: dict[str, Any]) -> None:
    ranks = ["none", "low", "medium", "high", "urgent"]
    items = await _all_pages(api, board_world, 3, sort="-priority")
    assert [ranks.index(issue["priority"]) for issue in items] == sorted(
        (ranks.index(issue["priority"]) for issue in items), reverse=True
    )
    assert items[0]["priority"] == "urgent"
    ascending = await _all_pages(api, board_world, 3, sort="priority")
    assert [issue["id"] for issue in ascending][-2:] == sorted(
        issue["id"] for issue in items if issue["priority"] == "urgent"
    )


async def test_pages_and_deleted_issues(
    api: Api, board_world: World, board: dict[str, Any]
) -> None:
    items = await _all_pages(api, board_world, 3)
    assert len(items) == 7
    assert len({issue["id"] for issue in items}) == 7
    gone = await api.issue(board_world, title="Temporary")
    response = await api.client.delete(
        board_world.url(f"/issues/{gone['id']}"), headers=board_world.admin.headers
    )
    assert response.status_code == 204
    assert gone["key"] not in await _keys(api, board_world)
    page = await api.get(
        board_world.url("/issues"), board_world.admin, include_deleted="true", limit=100
    )
    assert gone["id"] in {issue["id"] for issue in page["items"]}
    response = await api.client.get(
        board_world.url("/issues"),
        params={"include_deleted": "true"},
        headers=board_world.member.headers,
    )
    assert_problem(response, 403, "insufficient_role")


@pytest.mark.parametrize(
    ("params", "fields"),
    [
        ({"sort": "title"}, {"sort"}),
        ({"limit": 0}, {"limit"}),
        ({"limit": 101}, {"limit"}),
        ({"priority": "asap"}, {"priority.0"}),
        ({"state_group": "doing"}, {"state_group.0"}),
        ({"state": "x"}, {"state.0"}),
        ({"due_before": "tomorrow"}, {"due_before"}),
        ({"due_after": 0}, {"due_after"}),
        ({"assignee": "me"}, {"assignee"}),
    ],
)
async def test_bad_list_parameters(
    api: Api, shared_world: World, params: dict[str, Any], fields: set[str]
) -> None:
    response = await api.client.get(
        shared_world.url("/issues"), params=params, headers=shared_world.member.headers
    )
    assert_problem(response, 422, "validation_failed", fields=fields)


async def test_a_cursor_of_another_sort_is_refused(
    api: Api, board_world: World, board: dict[str, Any]
) -> None:
    page = await api.get(board_world.url("/issues"), board_world.member, limit=2, sort="position")
    response = await api.client.get(
        board_world.url("/issues"),
        params={"cursor": page["next_cursor"], "sort": "due_date"},
        headers=board_world.member.headers,
    )
    assert_problem(response, 400, "invalid_cursor")


async def test_a_page_costs_the_same_queries_however_long(
    api: Api, board_world: World, board: dict[str, Any], app: FastAPI
) -> None:
    statements: list[str] = []

    def count(conn: Connection, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    engine = app.state.engine.sync_engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        await api.get(board_world.url("/issues"), board_world.member, limit=1)
        one = len(statements)
        statements.clear()
        await api.get(board_world.url("/issues"), board_world.member, limit=100)
        many = len(statements)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert one == many


async def test_projects_listed_in_one_shape_each_list_their_own(
    api: Api, seeder: DirectorySeeder, world: World
) -> None:
    """The list's statement is built once per shape (the filters given, a cursor or not)
    with the project and the filters' values bound: two projects asked the same shape in
    turn, page after page, each list their own issues and nothing another request left."""
    other = await arrange_world(seeder)
    ours = [(await api.issue(world, priority="high"))["id"] for _ in range(3)]
    theirs = [(await api.issue(other, priority="high"))["id"] for _ in range(2)]
    await api.issue(world, priority="low")
    for _ in range(2):
        for project, ids in ((world, ours), (other, theirs), (world, ours)):
            listed = await _all_pages(api, project, 1, priority="high", sort="created_at")
            assert [issue["id"] for issue in listed] == ids
