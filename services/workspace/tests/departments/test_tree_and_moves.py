"""The department tree: at most five levels, no cycles, moves that relevel whole subtrees,
and the nested view with staff counts."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from sqlalchemy import Integer, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.testing.directory import SeededUser
from worksync.common.testing.problems import assert_problem
from worksync.workspace.models import messaging
from worksync.workspace.testing import API, People, Workspaces


async def _chain(
    workspaces: Workspaces, slug: str, admin: SeededUser, codes: list[str], parent_id: str | None
) -> list[dict[str, Any]]:
    """Departments each under the one before, the first under `parent_id`."""
    chain: list[dict[str, Any]] = []
    for code in codes:
        department = await workspaces.create_department(slug, admin, code, parent_id=parent_id)
        chain.append(department)
        parent_id = department["id"]
    return chain


async def _level(
    client: httpx.AsyncClient, slug: str, admin: SeededUser, department_id: str
) -> int:
    response = await client.get(
        f"{API}/workspaces/{slug}/departments/{department_id}", headers=admin.headers
    )
    level: int = response.json()["level"]
    return level


async def test_five_levels_and_no_more(
    client: httpx.AsyncClient, people: People, workspaces: Workspaces
) -> None:
    ada = await people.register()
    slug = (await workspaces.create(ada))["slug"]
    chain = await _chain(workspaces, slug, ada, ["L1", "L2", "L3", "L4", "L5"], None)
    assert [department["level"] for department in chain] == [1, 2, 3, 4, 5]
    too_deep = await client.post(
        f"{API}/workspaces/{slug}/departments",
        json={
            "name": "Six",
            "code": "L6",
            "short_name": "L6",
            "dept_code": "0006",
            "parent_id": chain[-1]["id"],
        },
        headers=ada.headers,
    )
    assert_problem(too_deep, 422, "validation_failed", fields={"parent_id"})

    # A two-level subtree may go under level 3 at most.
    other = await _chain(workspaces, slug, ada, ["A1", "A2"], None)
    url = f"{API}/workspaces/{slug}/departments/{other[0]['id']}"
    refused = await client.patch(url, json={"parent_id": chain[3]["id"]}, headers=ada.headers)
    assert_problem(refused, 422, "validation_failed", fields={"parent_id"})
    moved = await client.patch(url, json={"parent_id": chain[2]["id"]}, headers=ada.headers)
    assert moved.status_code == 200, moved.text
    assert await _level(client, slug, ada, other[1]["id"]) == 5


async def test_cycles_are_refused(
    client: httpx.AsyncClient, people: People, workspaces: Workspaces
) -> None:
    ada = await people.register()
    slug = (await workspaces.create(ada))["slug"]
    top, middle, bottom = await _chain(workspaces, slug, ada, ["TOP", "MID", "BOTTOM"], None)
    url = f"{API}/workspaces/{slug}/departments/{top['id']}"
    for parent in (top, middle, bottom):
        response = await client.patch(url, json={"parent_id": parent["id"]}, headers=ada.headers)
        assert_problem(response, 409, "department_cycle")
    assert (await client.get(url, headers=ada.headers)).json()["version"] == 1


async def test_a_move_relevels_the_whole_subtree_and_announces_it(
    client: httpx.AsyncClient,
    people: People,
    workspaces: Workspaces,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    ada = await people.register()
    slug = (await workspaces.create(ada))["slug"]
    a, b, c = await _chain(workspaces, slug, ada, ["A", "B", "C"], None)
    x, y = await _chain(workspaces, slug, ada, ["X", "Y"], None)
    deleted_below_c = await workspaces.create_department(slug, ada, "GONE", parent_id=c["id"])
    gone_url = f"{API}/workspaces/{slug}/departments/{deleted_below_c['id']}"
    assert (await client.delete(gone_url, headers=ada.headers)).status_code == 204

    # B (level 2, with C and the deleted GONE below) goes under Y (level 2).
    moved = await client.patch(
        f"{API}/workspaces/{slug}/departments/{b['id']}",
        json={"parent_id": y["id"], "name": "Bee"},
        headers=ada.headers,
    )
    assert moved.status_code == 200, moved.text
    assert (moved.json()["level"], moved.json()["parent_id"], moved.json()["name"]) == (
        3,
        y["id"],
        "Bee",
    )
    assert await _level(client, slug, ada, c["id"]) == 4
    # Deleted sub-departments keep the right level, ready to be restored.
    assert (await client.get(gone_url, headers=ada.headers)).json()["level"] == 5

    async with sessionmaker() as session:
        rows = await session.execute(
            select(messaging.outbox.c.envelope["subject"].astext, messaging.outbox.c.envelope)
            .where(
                messaging.outbox.c.envelope["subject"].astext.in_(
                    [b["id"], c["id"], deleted_below_c["id"]]
                )
            )
            .order_by(messaging.outbox.c.envelope["sequence"].astext.cast(Integer))
        )
        events = [(subject, envelope["type"], envelope["sequence"]) for subject, envelope in rows]
    assert [e[1:] for e in events if e[0] == b["id"]] == [
        ("workspace.department.created", 1),
        ("workspace.department.moved", 2),
    ]
    assert [e[1:] for e in events if e[0] == c["id"]] == [
        ("workspace.department.created", 1),
        ("workspace.department.updated", 2),
    ]
    # A deleted department is not announced until it is restored (with its level then).
    assert [e[1] for e in events if e[0] == deleted_below_c["id"]][-1] == (
        "workspace.department.deleted"
    )

    # To the top: a root is level 1 and its subtree follows.
    to_root = await client.patch(
        f"{API}/workspaces/{slug}/departments/{b['id']}",
        json={"parent_id": None},
        headers=ada.headers,
    )
    assert (to_root.json()["level"], to_root.json()["parent_id"]) == (1, None)
    assert [await _level(client, slug, ada, d["id"]) for d in (a, c, x, y)] == [1, 2, 1, 2]


async def test_the_tree_nests_by_name_with_staff_counts(
    client: httpx.AsyncClient, people: People, workspaces: Workspaces
) -> None:
    ada, bob, cy, dee, gus = [await people.register() for _ in range(5)]
    slug = (await workspaces.create(ada))["slug"]
    for person in (bob, cy, dee):
        await workspaces.add_member(slug, ada, person)
    await workspaces.add_member(slug, ada, gus, role="guest")
    org = await workspaces.create_department(slug, ada, "ORG")
    sales = await workspaces.create_department(slug, ada, "SALES", parent_id=org["id"])
    eng = await workspaces.create_department(slug, ada, "ENG", parent_id=org["id"])
    emea = await workspaces.create_department(slug, ada, "EMEA", parent_id=sales["id"])
    other_root = await workspaces.create_department(slug, ada, "BOARD")
    gone = await workspaces.create_department(slug, ada, "GONE", parent_id=eng["id"])
    gone_url = f"{API}/workspaces/{slug}/departments/{gone['id']}"
    assert (await client.delete(gone_url, headers=ada.headers)).status_code == 204
    await workspaces.create_staff(slug, ada, bob, "B1", department_id=emea["id"])
    await workspaces.create_staff(slug, ada, cy, "C1", department_id=sales["id"])
    await workspaces.create_staff(
        slug, ada, dee, "D1", department_id=sales["id"], employment_status="resigned"
    )

    response = await client.get(f"{API}/workspaces/{slug}/departments/tree", headers=gus.headers)
    assert response.status_code == 200, response.text

    def shape(node: dict[str, Any]) -> tuple[Any, ...]:
        children = tuple(shape(child) for child in node["children"])
        return (
            node["code"],
            node["level"],
            node["staff_count"],
            node["total_staff_count"],
            children,
        )

    assert [shape(root) for root in response.json()["roots"]] == [
        ("BOARD", 1, 0, 0, ()),
        (
            "ORG",
            1,
            0,
            2,
            (("ENG", 2, 0, 0, ()), ("SALES", 2, 1, 2, (("EMEA", 3, 1, 1, ()),))),
        ),
    ]
    assert response.json()["roots"][0]["id"] == other_root["id"]


async def test_concurrent_opposite_moves_cannot_make_a_cycle(
    client: httpx.AsyncClient, people: People, workspaces: Workspaces
) -> None:
    ada = await people.register()
    slug = (await workspaces.create(ada))["slug"]
    left = await workspaces.create_department(slug, ada, "LEFT")
    right = await workspaces.create_department(slug, ada, "RIGHT")

    async def move(department: dict[str, Any], under: dict[str, Any]) -> httpx.Response:
        return await client.patch(
            f"{API}/workspaces/{slug}/departments/{department['id']}",
            json={"parent_id": under["id"]},
            headers=ada.headers,
        )

    outcomes = await asyncio.gather(move(left, right), move(right, left))
    assert sorted(response.status_code for response in outcomes) == [200, 409]
    refused = next(response for response in outcomes if response.status_code == 409)
    assert_problem(refused, 409, "department_cycle")
    levels = sorted([await _level(client, slug, ada, d["id"]) for d in (left, right)])
    assert levels == [1, 2]
