"""The issue list, an issue's read, the board view and a column's cards answer straight
from the rows (`RowAnswer`): each answer is byte for byte what its model would write, and
each issue in it what a write (a validated `Issue`) answers for the same issue."""

from __future__ import annotations

import json

import httpx

from worksync.common.pagination import Page
from worksync.common.testing.answers import assert_written_as_by
from worksync.work_items.boards.schemas import BoardView
from worksync.work_items.issues.schemas import Issue
from worksync.work_items.testing import Api, World


def compact(value: object) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


async def test_reads_answer_what_their_models_and_the_writes_would(
    api: Api, client: httpx.AsyncClient, world: World
) -> None:
    states = await api.states(world)
    label = await api.label(world, "bug")
    parent = await api.issue(world, title="Parent")
    written = {
        parent["id"]: parent,
        **{
            issue["id"]: issue
            for issue in [
                await api.issue(
                    world,
                    title="Everything set",
                    description="**Bold** and ünïcode",
                    description_format="markdown",
                    priority="urgent",
                    assignee_ids=[str(world.member.id), str(world.admin.id)],
                    label_ids=[label["id"]],
                    parent_id=parent["id"],
                    start_date="2024-05-06",
                    due_date="2024-05-10",
                    estimate_minutes=90,
                ),
                await api.issue(world, title="Done", state_id=states["Done"]["id"]),
            ]
        },
    }
    for issue_id, issue in written.items():
        read = await client.get(world.url(f"/issues/{issue_id}"), headers=world.member.headers)
        assert read.status_code == 200, read.text
        assert_written_as_by(read.content, Issue)
        assert read.content == compact(issue)
        assert read.headers["ETag"] == f'"{issue["version"]}"'

    listed = await client.get(world.url("/issues"), headers=world.member.headers)
    assert listed.status_code == 200, listed.text
    assert_written_as_by(listed.content, Page[Issue])
    items = listed.json()["items"]
    assert {item["id"] for item in items} == set(written)
    for item in items:
        assert compact(item) == compact(written[item["id"]])

    board = await api.post(world.url("/boards"), world.admin, {"name": "Board"})
    view = await client.get(
        world.url(f"/boards/{board['id']}"), params={"limit": 1}, headers=world.member.headers
    )
    assert view.status_code == 200, view.text
    assert_written_as_by(view.content, BoardView)
    columns = view.json()["columns"]
    cards = [card for column in columns for card in column["cards"]]
    assert len(cards) == 2
    for card in cards:
        assert compact(card) == compact(written[card["id"]])
    backlog = columns[0]
    assert backlog["next_cursor"] is not None
    more = await client.get(
        world.url(f"/boards/{board['id']}/columns/{backlog['id']}/cards"),
        params={"cursor": backlog["next_cursor"]},
        headers=world.member.headers,
    )
    assert more.status_code == 200, more.text
    assert_written_as_by(more.content, Page[Issue])
    [card] = more.json()["items"]
    assert compact(card) == compact(written[card["id"]])
