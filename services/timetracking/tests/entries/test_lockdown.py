"""The workspace's lockdown: time on a locked day is neither created, changed, duplicated
into nor deleted by anyone but workspace owners and admins (409 `period_locked`); a timer
running across the lockdown can still stop; the grace period keeps the days open a while."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import httpx
from fastapi import FastAPI
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.testing.clients import asgi_client
from worksync.common.testing.directory import DirectorySeeder, SeededUser
from worksync.common.testing.problems import assert_problem
from worksync.common.testing.tokens import TokenMinter
from worksync.timetracking.config import TimetrackingSettings
from worksync.timetracking.main import create_app
from worksync.timetracking.models import TimeEntry
from worksync.timetracking.testing import (
    World,
    create_entry,
    rewind_timer,
    set_workspace_settings,
)

BERLIN = ZoneInfo("Europe/Berlin")


def today() -> date:
    return datetime.now(UTC).astimezone(BERLIN).date()


def locked_day() -> date:
    return today() - timedelta(days=10)


def open_day() -> date:
    return today() - timedelta(days=2)


async def lock(seeder: DirectorySeeder, world: World, through: date) -> None:
    await set_workspace_settings(seeder, world.workspace, lockdown_date=through.isoformat())


def nine_to_ten(day: date) -> dict[str, str]:
    return {"started_at": f"{day}T09:00:00", "ended_at": f"{day}T10:00:00"}


async def post_entry(
    client: httpx.AsyncClient, world: World, person: SeededUser, **body: Any
) -> httpx.Response:
    return await client.post(
        f"{world.base}/time-entries",
        json={"project_id": str(world.project.id), **body},
        headers=person.headers,
    )


async def test_members_cannot_log_time_on_a_locked_day_admins_can(
    client: httpx.AsyncClient, seeder: DirectorySeeder, world: World
) -> None:
    await lock(seeder, world, locked_day() + timedelta(days=3))
    refused = await post_entry(client, world, world.ada, **nine_to_ten(locked_day()))
    assert_problem(refused, 409, "period_locked")
    on_the_date = await post_entry(
        client,
        world,
        world.ada,
        work_date=str(locked_day() + timedelta(days=3)),
        duration_seconds=60,
    )
    assert_problem(on_the_date, 409, "period_locked")
    after = await post_entry(
        client,
        world,
        world.ada,
        work_date=str(locked_day() + timedelta(days=4)),
        duration_seconds=60,
    )
    assert after.status_code == 201, after.text
    by_admin = await post_entry(client, world, world.admin, **nine_to_ten(locked_day()))
    assert by_admin.status_code == 201, by_admin.text
    for_ada = await post_entry(
        client, world, world.owner, user_id=str(world.ada.id), **nine_to_ten(locked_day())
    )
    assert for_ada.status_code == 201, for_ada.text
    worklog = await client.post(
        f"{world.issue_url()}/worklogs",
        json={"duration_minutes": 30, "logged_at": str(locked_day())},
        headers=world.ada.headers,
    )
    assert_problem(worklog, 409, "period_locked")


async def test_time_on_a_locked_day_is_neither_changed_nor_deleted_by_its_member(
    client: httpx.AsyncClient, seeder: DirectorySeeder, world: World
) -> None:
    locked = await create_entry(client, world, world.ada, **nine_to_ten(locked_day()))
    movable = await create_entry(client, world, world.ada, **nine_to_ten(open_day()))
    worklog = await client.post(
        f"{world.issue_url()}/worklogs",
        json={"duration_minutes": 30, "logged_at": str(locked_day())},
        headers=world.ada.headers,
    )
    assert worklog.status_code == 201, worklog.text
    await lock(seeder, world, locked_day())
    entry_url = f"{world.base}/time-entries/{locked['id']}"
    worklog_url = f"{world.issue_url()}/worklogs/{worklog.json()['id']}"
    for response in (
        await client.patch(entry_url, json={"description": "late"}, headers=world.ada.headers),
        await client.delete(entry_url, headers=world.ada.headers),
        await client.patch(
            f"{world.base}/time-entries/{movable['id']}",
            json=nine_to_ten(locked_day() - timedelta(days=1)),
            headers=world.ada.headers,
        ),
        await client.post(
            f"{world.base}/time-entries/{movable['id']}/duplicate",
            json={"work_date": str(locked_day())},
            headers=world.ada.headers,
        ),
        await client.patch(worklog_url, json={"duration_minutes": 45}, headers=world.ada.headers),
        await client.delete(worklog_url, headers=world.ada.headers),
    ):
        assert_problem(response, 409, "period_locked")
    # Copying locked time onto an open day is fine; so is an admin's change.
    copied = await client.post(
        f"{world.base}/time-entries/{locked['id']}/duplicate",
        json={"work_date": str(open_day() + timedelta(days=1))},
        headers=world.ada.headers,
    )
    assert copied.status_code == 201, copied.text
    changed = await client.patch(
        entry_url, json={"description": "fixed"}, headers=world.admin.headers
    )
    assert changed.status_code == 200, changed.text
    deleted = await client.delete(worklog_url, headers=world.owner.headers)
    assert deleted.status_code == 204, deleted.text


async def test_a_timer_started_before_the_lockdown_still_stops(
    client: httpx.AsyncClient,
    seeder: DirectorySeeder,
    world: World,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    started = await client.post(
        f"{world.base}/timer/start",
        json={"project_id": str(world.project.id)},
        headers=world.ada.headers,
    )
    assert started.status_code == 201, started.text
    timer_id = UUID(started.json()["id"])
    await rewind_timer(sessionmaker, timer_id, 3 * 24 * 3600)
    async with sessionmaker.begin() as session:
        await session.execute(
            update(TimeEntry)
            .where(TimeEntry.id == timer_id)
            .values(work_date=today() - timedelta(days=3))
        )
    await lock(seeder, world, today() - timedelta(days=2))
    stopped = await client.post(f"{world.base}/timer/stop", headers=world.ada.headers)
    assert stopped.status_code == 200, stopped.text
    assert stopped.json()["work_date"] == str(today() - timedelta(days=3))
    # The stopped entry lies on a locked day now: its member can no longer change it.
    changed = await client.patch(
        f"{world.base}/time-entries/{stopped.json()['id']}",
        json={"description": "x"},
        headers=world.ada.headers,
    )
    assert_problem(changed, 409, "period_locked")


async def test_lifting_the_lockdown_opens_the_days_again(
    client: httpx.AsyncClient, seeder: DirectorySeeder, world: World
) -> None:
    await lock(seeder, world, locked_day())
    assert_problem(
        await post_entry(client, world, world.ada, **nine_to_ten(locked_day())),
        409,
        "period_locked",
    )
    await set_workspace_settings(seeder, world.workspace, lockdown_date=None)
    reopened = await post_entry(client, world, world.ada, **nine_to_ten(locked_day()))
    assert reopened.status_code == 201, reopened.text


async def test_the_grace_period_keeps_the_locked_days_open_a_while(
    settings: TimetrackingSettings, minter: TokenMinter, seeder: DirectorySeeder, world: World
) -> None:
    yesterday = today() - timedelta(days=1)
    await lock(seeder, world, yesterday)
    # Yesterday ended at most 24 hours ago: a grace of 48 hours keeps it open, none does not.
    graceful: FastAPI = create_app(settings.model_copy(update={"lockdown_grace_hours": 48}))
    async with asgi_client(graceful) as client:
        graceful.state.token_verifier = minter.verifier()
        accepted = await post_entry(client, world, world.ada, **nine_to_ten(yesterday))
        assert accepted.status_code == 201, accepted.text
        earlier = await post_entry(
            client, world, world.ada, **nine_to_ten(yesterday - timedelta(days=3))
        )
        assert_problem(earlier, 409, "period_locked")
    strict: FastAPI = create_app(settings)
    async with asgi_client(strict) as client:
        strict.state.token_verifier = minter.verifier()
        refused = await post_entry(
            client, world, world.ada, **nine_to_ten(yesterday), description="again"
        )
        assert_problem(refused, 409, "period_locked")
