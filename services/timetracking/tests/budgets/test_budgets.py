"""A project's budget against consumed rounded hours and billable amount, and the
`timetracking.budget.threshold_reached` event: once per measure, budget value and
threshold, even when 20 entries crossing 80 % are written at once."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.testing.clients import asgi_client
from worksync.common.testing.directory import DirectorySeeder
from worksync.common.testing.problems import assert_problem
from worksync.common.testing.tokens import TokenMinter
from worksync.timetracking.config import TimetrackingSettings
from worksync.timetracking.main import create_app
from worksync.timetracking.models import messaging
from worksync.timetracking.testing import (
    World,
    create_entry,
    rounding_rule,
    set_project_budget,
    set_workspace_settings,
)

THRESHOLD = "timetracking.budget.threshold_reached"


async def thresholds(
    sessionmaker: async_sessionmaker[AsyncSession], world: World
) -> list[dict[str, Any]]:
    """The threshold events of the world's project, oldest first."""
    outbox = messaging.outbox
    async with sessionmaker() as session:
        rows = await session.scalars(
            select(outbox.c.envelope)
            .where(
                outbox.c.envelope["type"].astext == THRESHOLD,
                outbox.c.envelope["data"]["project_id"].astext == str(world.project.id),
            )
            .order_by(outbox.c.created_at, outbox.c.id)
        )
        return [envelope["data"] for envelope in rows]


def budget_url(world: World) -> str:
    return f"{world.base}/projects/{world.project.id}/budget"


async def test_the_budget_counts_rounded_hours_and_billable_amount(
    client: httpx.AsyncClient, seeder: DirectorySeeder, world: World
) -> None:
    await set_project_budget(seeder, world.project, budget_hours="10", budget_amount="1000.00")
    await set_workspace_settings(
        seeder,
        world.workspace,
        rounding=rounding_rule(duration=(15, "up")),
    )
    await create_entry(
        client,
        world,
        world.ada,
        started_at="2024-05-06T09:07:00",
        ended_at="2024-05-06T09:53:00",
        billable=True,
    )
    await create_entry(client, world, world.bob, work_date="2024-05-06", duration_seconds=1800)
    response = await client.get(budget_url(world), headers=world.admin.headers)
    assert response.status_code == 200, response.text
    assert response.json() == {
        "project_id": str(world.project.id),
        "currency": "EUR",
        "budget_hours": "10",
        "budget_amount": "1000.00",
        "consumed_hours": "1.50",
        "billable_amount": "80.00",
        "hours_percent": "15.0",
        "amount_percent": "8.0",
    }
    for person in (world.ada, world.guest):
        assert_problem(
            await client.get(budget_url(world), headers=person.headers), 403, "insufficient_role"
        )


async def test_each_threshold_is_announced_once_and_rearmed_by_a_new_budget(
    client: httpx.AsyncClient,
    seeder: DirectorySeeder,
    world: World,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await set_project_budget(seeder, world.project, budget_hours="2", budget_amount=None)
    first = await create_entry(
        client, world, world.ada, work_date="2024-05-06", duration_seconds=5400
    )
    assert await thresholds(sessionmaker, world) == []
    await create_entry(client, world, world.ada, work_date="2024-05-07", duration_seconds=600)
    [eighty] = await thresholds(sessionmaker, world)
    assert (eighty["measure"], eighty["threshold_percent"], eighty["budget"]) == ("hours", 80, "2")
    assert eighty["consumed"] == "1.67"
    # Down and up again across 80 %: no second announcement for the same budget.
    await client.patch(
        f"{world.base}/time-entries/{first['id']}",
        json={"duration_seconds": 600},
        headers=world.ada.headers,
    )
    await client.patch(
        f"{world.base}/time-entries/{first['id']}",
        json={"duration_seconds": 7200},
        headers=world.ada.headers,
    )
    reached = await thresholds(sessionmaker, world)
    assert [(t["threshold_percent"], t["budget"]) for t in reached] == [(80, "2"), (100, "2")]
    # A raised budget arms both again; 80 % of 2.5 hours is crossed already.
    await set_project_budget(seeder, world.project, budget_hours="2.5", budget_amount=None)
    await create_entry(client, world, world.ada, work_date="2024-05-08", duration_seconds=60)
    reached = await thresholds(sessionmaker, world)
    assert [(t["threshold_percent"], t["budget"]) for t in reached][-1] == (80, "2.5")
    assert len(reached) == 3


async def test_the_amount_threshold_names_the_currency(
    client: httpx.AsyncClient,
    seeder: DirectorySeeder,
    world: World,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await set_project_budget(seeder, world.project, budget_hours=None, budget_amount="100.00")
    await create_entry(
        client, world, world.ada, work_date="2024-05-06", duration_seconds=3600, billable=True
    )
    await create_entry(client, world, world.ada, work_date="2024-05-07", duration_seconds=3600)
    [reached] = await thresholds(sessionmaker, world)
    assert (reached["measure"], reached["threshold_percent"], reached["currency"]) == (
        "amount",
        80,
        "EUR",
    )
    assert reached["consumed"] == "80.00"


async def test_twenty_entries_at_once_cross_80_percent_once(
    settings: TimetrackingSettings,
    minter: TokenMinter,
    seeder: DirectorySeeder,
    world: World,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    # 20 entries of 30 minutes against 10 hours: together they cross 80 % and 100 %.
    await set_project_budget(seeder, world.project, budget_hours="10", budget_amount=None)
    people = [await seeder.member(world.workspace, display_name=f"P{n}") for n in range(20)]
    for person in people:
        await seeder.project_member(world.project, person)
    app: FastAPI = create_app(settings.model_copy(update={"database_pool_size": 8}))
    async with asgi_client(app) as racing:
        app.state.token_verifier = minter.verifier()
        responses = await asyncio.gather(
            *(
                racing.post(
                    f"{world.base}/time-entries",
                    json={
                        "project_id": str(world.project.id),
                        "work_date": "2024-05-06",
                        "duration_seconds": 1800,
                    },
                    headers=person.headers,
                )
                for person in people
            )
        )
    assert [r.status_code for r in responses] == [201] * 20, [r.text for r in responses]
    reached = await thresholds(sessionmaker, world)
    assert sorted(t["threshold_percent"] for t in reached) == [80, 100]
    eighty = next(t for t in reached if t["threshold_percent"] == 80)
    assert eighty["consumed"] == "8.00"
