"""Modification requests: an approved entry changes only through one, accepted (applied
atomically, the entry keeping its history) or declined with a comment by an approver."""

from __future__ import annotations

import asyncio
from typing import Any
from uuid import UUID

import httpx
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.testing.clients import asgi_client
from worksync.common.testing.directory import DirectorySeeder, SeededUser
from worksync.common.testing.pages import pages_in_turn
from worksync.common.testing.problems import assert_problem
from worksync.common.testing.tokens import TokenMinter
from worksync.timetracking.config import TimetrackingSettings
from worksync.timetracking.main import create_app
from worksync.timetracking.testing import World, arrange_team, create_entry, outbox_of


async def approved_week(
    client: httpx.AsyncClient, seeder: DirectorySeeder, world: World
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Ada's two entries of the week of 6 May 2024, approved by Bob, her team's lead."""
    await arrange_team(seeder, world.workspace, world.bob, [world.ada])
    timed = await create_entry(
        client, world, world.ada, started_at="2024-05-06T09:00:00", ended_at="2024-05-06T12:00:00"
    )
    dated = await create_entry(
        client, world, world.ada, work_date="2024-05-08", duration_seconds=600
    )
    sheet = await client.post(
        f"{world.base}/timesheets/submit", json={"date": "2024-05-06"}, headers=world.ada.headers
    )
    approved = await client.post(
        f"{world.base}/timesheets/{sheet.json()['id']}/approve", headers=world.bob.headers
    )
    assert approved.status_code == 200, approved.text
    return timed, dated


async def ask(
    client: httpx.AsyncClient, world: World, person: SeededUser, entry_id: str, **body: Any
) -> httpx.Response:
    return await client.post(
        f"{world.base}/time-entries/{entry_id}/modification-requests",
        json={"reason": "Forgot the end", **body},
        headers=person.headers,
    )


async def decide(
    client: httpx.AsyncClient,
    world: World,
    person: SeededUser,
    request_id: str,
    verb: str,
    **body: str,
) -> httpx.Response:
    return await client.post(
        f"{world.base}/modification-requests/{request_id}/{verb}",
        json=body or None,
        headers=person.headers,
    )


async def test_an_accepted_change_applies_to_the_approved_entry(
    client: httpx.AsyncClient,
    seeder: DirectorySeeder,
    world: World,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    timed, _ = await approved_week(client, seeder, world)
    asked = await ask(
        client,
        world,
        world.ada,
        timed["id"],
        action="change",
        changes={"ended_at": "2024-05-06T13:00:00", "description": "Longer"},
    )
    assert asked.status_code == 201, asked.text
    request = asked.json()
    assert (request["state"], request["user_id"], request["action"]) == (
        "pending",
        str(world.ada.id),
        "change",
    )
    assert request["changes"] == {"ended_at": "2024-05-06T13:00:00", "description": "Longer"}
    # One pending request per entry.
    assert_problem(
        await ask(client, world, world.ada, timed["id"], action="delete"),
        409,
        "modification_request_pending",
    )
    # Not Ada herself; an unrelated member does not even see it.
    assert_problem(
        await decide(client, world, world.ada, request["id"], "accept"), 403, "not_an_approver"
    )
    carl = await seeder.member(world.workspace, display_name="Carl Coder")
    assert (await decide(client, world, carl, request["id"], "accept")).status_code == 404
    queue = await client.get(
        f"{world.base}/modification-requests",
        params={"state": "pending"},
        headers=world.bob.headers,
    )
    assert [item["id"] for item in queue.json()["items"]] == [request["id"]]
    carls = await client.get(f"{world.base}/modification-requests", headers=carl.headers)
    assert carls.json()["items"] == []
    accepted = await decide(client, world, world.bob, request["id"], "accept")
    assert accepted.status_code == 200, accepted.text
    assert (accepted.json()["state"], accepted.json()["decided_by"]) == (
        "accepted",
        str(world.bob.id),
    )
    entry = await client.get(f"{world.base}/time-entries/{timed['id']}", headers=world.ada.headers)
    assert (entry.json()["duration_seconds"], entry.json()["description"]) == (4 * 3600, "Longer")
    assert entry.json()["version"] == 2
    assert_problem(
        await decide(client, world, world.admin, request["id"], "accept"),
        409,
        "modification_request_decided",
    )
    # The entry keeps its history: created, then updated by Bob's decision.
    events = await outbox_of(sessionmaker, UUID(timed["id"]))
    assert [(e["type"], e["actorid"]) for e in events] == [
        ("timetracking.entry.created", str(world.ada.id)),
        ("timetracking.entry.updated", str(world.bob.id)),
    ]
    request_events = await outbox_of(sessionmaker, UUID(request["id"]))
    assert [e["type"] for e in request_events] == [
        "timetracking.modification_request.requested",
        "timetracking.modification_request.accepted",
    ]
    # Still approved: the entry itself stays frozen.
    assert_problem(
        await client.patch(
            f"{world.base}/time-entries/{timed['id']}",
            json={"description": "x"},
            headers=world.ada.headers,
        ),
        409,
        "timesheet_approved",
    )


async def test_a_deletion_request_declined_then_accepted(
    client: httpx.AsyncClient,
    seeder: DirectorySeeder,
    world: World,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    _, dated = await approved_week(client, seeder, world)
    first = (await ask(client, world, world.ada, dated["id"], action="delete")).json()
    assert (await decide(client, world, world.bob, first["id"], "decline")).status_code == 422
    declined = await decide(client, world, world.bob, first["id"], "decline", comment="It happened")
    assert declined.status_code == 200, declined.text
    assert (declined.json()["state"], declined.json()["comment"]) == ("declined", "It happened")
    second = await ask(client, world, world.ada, dated["id"], action="delete")
    assert second.status_code == 201, second.text
    accepted = await decide(client, world, world.admin, second.json()["id"], "accept")
    assert accepted.status_code == 200, accepted.text
    gone = await client.get(f"{world.base}/time-entries/{dated['id']}", headers=world.ada.headers)
    assert gone.status_code == 404
    events = await outbox_of(sessionmaker, UUID(dated["id"]))
    assert events[-1]["type"] == "timetracking.entry.deleted"
    kept = await client.get(
        f"{world.base}/modification-requests/{second.json()['id']}",
        headers=world.ada.headers,
    )
    assert kept.json()["state"] == "accepted"


async def test_a_declined_request_is_not_declined_again(
    client: httpx.AsyncClient, seeder: DirectorySeeder, world: World
) -> None:
    _, dated = await approved_week(client, seeder, world)
    asked = (await ask(client, world, world.ada, dated["id"], action="delete")).json()
    declined = await decide(client, world, world.bob, asked["id"], "decline", comment="It happened")
    assert declined.status_code == 200, declined.text
    assert_problem(
        await decide(client, world, world.admin, asked["id"], "decline", comment="No"),
        409,
        "modification_request_decided",
    )
    kept = await client.get(
        f"{world.base}/modification-requests/{asked['id']}", headers=world.ada.headers
    )
    assert kept.json() == declined.json()


async def test_a_change_the_entry_rules_refuse_leaves_the_request_pending(
    client: httpx.AsyncClient, seeder: DirectorySeeder, world: World
) -> None:
    _, dated = await approved_week(client, seeder, world)
    asked = await ask(
        client,
        world,
        world.ada,
        dated["id"],
        action="change",
        changes={"started_at": "2024-05-08T09:00:00"},
    )
    assert asked.status_code == 201, asked.text
    refused = await decide(client, world, world.bob, asked.json()["id"], "accept")
    assert refused.status_code == 422, refused.text
    still = await client.get(
        f"{world.base}/modification-requests/{asked.json()['id']}",
        headers=world.ada.headers,
    )
    assert still.json()["state"] == "pending"
    entry = await client.get(f"{world.base}/time-entries/{dated['id']}", headers=world.ada.headers)
    assert entry.json()["version"] == 1


async def test_bad_requests_are_refused(
    client: httpx.AsyncClient, seeder: DirectorySeeder, world: World
) -> None:
    timed, _ = await approved_week(client, seeder, world)
    open_entry = await create_entry(
        client, world, world.ada, work_date="2024-05-15", duration_seconds=60
    )
    assert_problem(
        await ask(client, world, world.ada, open_entry["id"], action="delete"),
        409,
        "entry_not_approved",
    )
    for body in (
        {"action": "change"},
        {"action": "change", "changes": {}},
        {"action": "delete", "changes": {"description": "x"}},
        {"action": "change", "changes": {"hourly_rate": "1.00"}},
        {"action": "move", "changes": {"description": "x"}},
        {"action": "delete", "reason": ""},
        {"action": "delete", "reason": "x" * 2001},
    ):
        response = await ask(client, world, world.ada, timed["id"], **body)
        assert response.status_code == 422, (body, response.text)
    # Bob may not change Ada's entries himself: her entry is not his to ask about.
    assert (await ask(client, world, world.bob, timed["id"], action="delete")).status_code == 404


async def test_two_approvers_deciding_at_once_one_wins(
    settings: TimetrackingSettings,
    minter: TokenMinter,
    client: httpx.AsyncClient,
    seeder: DirectorySeeder,
    world: World,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    timed, _ = await approved_week(client, seeder, world)
    asked = await ask(
        client, world, world.ada, timed["id"], action="change", changes={"description": "Once"}
    )
    request_id = asked.json()["id"]
    app: FastAPI = create_app(settings.model_copy(update={"database_pool_size": 3}))
    async with asgi_client(app) as racing:
        app.state.token_verifier = minter.verifier()
        responses = await asyncio.gather(
            decide(racing, world, world.bob, request_id, "accept"),
            decide(racing, world, world.admin, request_id, "decline", comment="No"),
            decide(racing, world, world.owner, request_id, "accept"),
        )
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [200, 409, 409], [r.text for r in responses]
    events = await outbox_of(sessionmaker, UUID(request_id))
    assert len(events) == 2


async def test_readers_paging_one_list_shape_in_turn_each_see_their_own(
    client: httpx.AsyncClient, seeder: DirectorySeeder, world: World
) -> None:
    """The list's select is built once per shape with the reader bound: Ada (whose time it
    is), Bob (her lead) and Carl (neither) page the same shapes in turn, each seeing theirs."""
    timed, dated = await approved_week(client, seeder, world)
    asked = [
        (await ask(client, world, world.ada, entry["id"], action="delete")).json()["id"]
        for entry in (timed, dated)
    ]
    carl = await seeder.member(world.workspace, display_name="Carl Coder")
    readers = {"ada": world.ada.headers, "bob": world.bob.headers, "carl": carl.headers}
    url = f"{world.base}/modification-requests"
    for shape in ({}, {"state": "pending"}, {"user_id": str(world.ada.id)}):
        listed = await pages_in_turn(client, url, readers, shape)
        assert {name: set(ids) for name, ids in listed.items()} == {
            "ada": set(asked),
            "bob": set(asked),
            "carl": set(),
        }, shape
