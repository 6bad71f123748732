"""Bulk allocation changes: all or nothing, every bad row reported with its index, conflicts
recomputed once per member, idempotent with a key."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.ids import new_id
from worksync.common.testing.directory import DirectorySeeder
from worksync.common.testing.problems import assert_problem
from worksync.resources.models import Allocation, messaging
from worksync.resources.testing import Team, allocate, outbox_events


def _create(team: Team, hours: float, **fields: Any) -> dict[str, Any]:
    return {
        "action": "create",
        "user_id": str(team.member.id),
        "project_id": str(team.project.id),
        "hours_per_week": hours,
        "start_date": "2026-03-02",
        "end_date": "2026-03-27",
        **fields,
    }


async def _state(sessionmaker: async_sessionmaker[AsyncSession], team: Team) -> tuple[int, int]:
    async with sessionmaker() as session:
        allocations = await session.scalar(
            select(func.count())
            .select_from(Allocation)
            .where(Allocation.workspace_id == team.workspace.id)
        )
        events = await session.scalar(select(func.count()).select_from(messaging.outbox))
    return int(allocations or 0), int(events or 0)


async def _conflicts(client: httpx.AsyncClient, team: Team) -> list[dict[str, Any]]:
    response = await client.get(
        f"{team.base}/conflicts", params={"status": "open"}, headers=team.admin.headers
    )
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def test_creates_updates_and_deletes_apply_together(
    client: httpx.AsyncClient, team: Team, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    kept = await allocate(client, team, 30, "2026-03-02", "2026-03-27")
    dropped = await allocate(client, team, 20, "2026-03-02", "2026-03-27", other_project=True)
    assert len(await _conflicts(client, team)) == 1
    response = await client.put(
        f"{team.base}/allocations/bulk",
        json={
            "operations": [
                _create(team, 5, role="Reviewer"),
                {"action": "update", "id": kept["id"], "hours_per_week": 25},
                {"action": "delete", "id": dropped["id"]},
                _create(team, 8, user_id=str(team.admin.id)),
            ]
        },
        headers=team.admin.headers,
    )
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [(r["index"], r["action"]) for r in results] == [
        (0, "create"),
        (1, "update"),
        (2, "delete"),
        (3, "create"),
    ]
    assert results[0]["allocation"]["role"] == "Reviewer"
    assert results[1]["allocation"]["hours_per_week"] == 25
    assert (results[2]["id"], results[2]["allocation"]) == (dropped["id"], None)
    # 25 + 5 = 30 hours: the conflict is gone, resolved once.
    assert await _conflicts(client, team) == []
    assert [e["type"] for e in await outbox_events(sessionmaker, kept["id"])] == [
        "resources.allocation.created",
        "resources.allocation.updated",
    ]
    assert [e["type"] for e in await outbox_events(sessionmaker, dropped["id"])][-1] == (
        "resources.allocation.deleted"
    )


async def test_every_bad_row_is_reported_and_nothing_changes(
    client: httpx.AsyncClient,
    team: Team,
    seeder: DirectorySeeder,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    existing = await allocate(client, team, 10, "2026-03-02", "2026-03-27")
    archived = await seeder.project(
        team.workspace, name="Old", archived_at=datetime(2026, 1, 1, tzinfo=UTC)
    )
    before = await _state(sessionmaker, team)
    response = await client.put(
        f"{team.base}/allocations/bulk",
        json={
            "operations": [
                _create(team, 5),
                _create(team, 5, user_id=str(new_id())),
                {"action": "update", "id": existing["id"], "end_date": "2026-01-01"},
                {"action": "delete", "id": str(new_id())},
                _create(team, 5, project_id=str(archived.id)),
                {"action": "delete", "id": existing["id"]},
            ]
        },
        headers=team.admin.headers,
    )
    problem = assert_problem(response, 422, "bulk_rows_invalid")
    fields = [error["field"] for error in problem["errors"]]
    assert fields == [
        "operations.1.user_id",
        "operations.2.end_date",
        "operations.3",
        "operations.4.project_id",
        "operations.5.id",
    ]
    assert "unknown_reference" in problem["errors"][0]["message"]
    assert "allocation_not_found" in problem["errors"][2]["message"]
    assert await _state(sessionmaker, team) == before
    # Shape errors are reported by index too.
    shape = await client.put(
        f"{team.base}/allocations/bulk",
        json={"operations": [_create(team, 5), _create(team, 500), {"action": "move"}]},
        headers=team.admin.headers,
    )
    fields = [error["field"] for error in assert_problem(shape, 422, "validation_failed")["errors"]]
    assert any(field.startswith("operations.1.") for field in fields)
    assert any(field.startswith("operations.2") for field in fields)
    assert not any(field.startswith("operations.0") for field in fields)
    empty = await client.put(
        f"{team.base}/allocations/bulk", json={"operations": []}, headers=team.admin.headers
    )
    assert_problem(empty, 422, "validation_failed")
    too_many = await client.put(
        f"{team.base}/allocations/bulk",
        json={"operations": [_create(team, 1)] * 501},
        headers=team.admin.headers,
    )
    assert_problem(too_many, 422, "validation_failed")
    assert await _state(sessionmaker, team) == before


async def test_rows_on_projects_the_caller_does_not_lead_are_forbidden(
    client: httpx.AsyncClient,
    team: Team,
    seeder: DirectorySeeder,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    lead = await seeder.member(team.workspace, display_name="Lea Lead")
    await seeder.project_member(team.project, lead, role="admin")
    theirs = await allocate(client, team, 10, "2026-03-02", "2026-03-27", other_project=True)
    before = await _state(sessionmaker, team)
    response = await client.put(
        f"{team.base}/allocations/bulk",
        json={
            "operations": [
                _create(team, 5),
                _create(team, 5, project_id=str(team.other_project.id)),
                {"action": "delete", "id": theirs["id"]},
            ]
        },
        headers=lead.headers,
    )
    problem = assert_problem(response, 403, "insufficient_role")
    assert [e["field"] for e in problem["errors"]] == ["operations.1", "operations.2"]
    assert await _state(sessionmaker, team) == before
    ok = await client.put(
        f"{team.base}/allocations/bulk",
        json={"operations": [_create(team, 5)]},
        headers=lead.headers,
    )
    assert ok.status_code == 200, ok.text


async def test_a_row_id_twice_is_refused(client: httpx.AsyncClient, team: Team) -> None:
    existing = await allocate(client, team, 10, "2026-03-02", "2026-03-27")
    response = await client.put(
        f"{team.base}/allocations/bulk",
        json={
            "operations": [
                {"action": "update", "id": existing["id"], "hours_per_week": 5},
                {"action": "delete", "id": existing["id"]},
            ]
        },
        headers=team.admin.headers,
    )
    problem = assert_problem(response, 422, "bulk_rows_invalid")
    assert [e["field"] for e in problem["errors"]] == ["operations.1.id"]


async def test_a_retry_with_the_key_changes_nothing(
    client: httpx.AsyncClient, team: Team, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    headers = {**team.admin.headers, "Idempotency-Key": "bulk-1"}
    body = {"operations": [_create(team, 5), _create(team, 6)]}
    first = await client.put(f"{team.base}/allocations/bulk", json=body, headers=headers)
    before = await _state(sessionmaker, team)
    again = await client.put(f"{team.base}/allocations/bulk", json=body, headers=headers)
    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert await _state(sessionmaker, team) == before
