"""Worklogs on an issue, and the issue look-up that falls back to the work-items API."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.ids import new_id
from worksync.common.pagination import Page
from worksync.common.testing.answers import assert_written_as_by
from worksync.common.testing.problems import assert_problem
from worksync.timetracking.models import Issue
from worksync.timetracking.testing import (
    FakeWorkItemsApi,
    World,
    entries_of,
    outbox_of,
    outbox_size,
)
from worksync.timetracking.worklogs.schemas import Worklog


async def log(
    client: httpx.AsyncClient, world: World, issue_id: UUID | None = None, **body: Any
) -> httpx.Response:
    return await client.post(
        f"{world.issue_url(issue_id)}/worklogs",
        json={"duration_minutes": 30, **body},
        headers=world.ada.headers,
    )


async def test_worklog_crud(
    client: httpx.AsyncClient, world: World, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    created = await log(client, world, description="Research")
    assert created.status_code == 201, created.text
    worklog = created.json()
    today = datetime.now(UTC).astimezone(ZoneInfo("Europe/Berlin")).date().isoformat()
    assert worklog["logged_at"] == today
    assert (worklog["duration_minutes"], worklog["description"]) == (30, "Research")
    assert worklog["issue_id"] == str(world.issue_id)
    assert set(worklog) == {
        "id",
        "issue_id",
        "project_id",
        "user_id",
        "duration_minutes",
        "description",
        "logged_at",
        "created_at",
        "updated_at",
        "version",
    }
    [entry] = await entries_of(sessionmaker, world.ada.id)
    assert (entry.source, entry.duration_seconds, entry.started_at) == ("worklog", 1800, None)
    url = f"{world.issue_url()}/worklogs/{worklog['id']}"
    assert (await client.get(url, headers=world.ada.headers)).json() == worklog
    changed = await client.patch(
        url, json={"duration_minutes": 45, "logged_at": "2024-05-06"}, headers=world.ada.headers
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["duration_minutes"], changed.json()["logged_at"]) == (45, "2024-05-06")
    listed = await client.get(f"{world.issue_url()}/worklogs", headers=world.ada.headers)
    assert [w["id"] for w in listed.json()["items"]] == [worklog["id"]]
    # Answered from its rows: what the model writes, each item what the change answered.
    assert_written_as_by(listed.content, Page[Worklog])
    assert listed.json()["items"] == [changed.json()]
    assert listed.content == b'{"items":[' + changed.content + b'],"next_cursor":null}'
    assert (await client.delete(url, headers=world.bob.headers)).status_code == 404
    assert (await client.delete(url, headers=world.admin.headers)).status_code == 204
    events = await outbox_of(sessionmaker, UUID(worklog["id"]))
    assert [(e["type"], e["sequence"]) for e in events] == [
        ("timetracking.entry.created", 1),
        ("timetracking.entry.updated", 2),
        ("timetracking.entry.deleted", 3),
    ]
    assert events[1]["data"]["days"] == [{"date": "2024-05-06", "seconds": 2700}]
    assert events[1]["data"]["source"] == "worklog"


async def test_timed_entries_show_as_worklogs_but_change_elsewhere(
    client: httpx.AsyncClient, world: World
) -> None:
    entry = await client.post(
        f"{world.base}/time-entries",
        json={
            "project_id": str(world.project.id),
            "issue_id": str(world.issue_id),
            "started_at": "2024-05-06T09:00:00",
            "ended_at": "2024-05-06T09:20:30",
        },
        headers=world.ada.headers,
    )
    listed = await client.get(f"{world.issue_url()}/worklogs", headers=world.ada.headers)
    [worklog] = listed.json()["items"]
    assert (worklog["id"], worklog["duration_minutes"]) == (entry.json()["id"], 20)
    url = f"{world.issue_url()}/worklogs/{worklog['id']}"
    refused = await client.patch(url, json={"duration_minutes": 5}, headers=world.ada.headers)
    assert_problem(refused, 409, "entry_is_timed")
    described = await client.patch(url, json={"description": "ok"}, headers=world.ada.headers)
    assert described.status_code == 200
    elsewhere = (
        f"{world.base}/projects/{world.project.id}/issues/{new_id()}/worklogs/{worklog['id']}"
    )
    assert_problem(await client.get(elsewhere, headers=world.ada.headers), 404, "worklog_not_found")


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"duration_minutes": 0}, {"duration_minutes"}),
        ({"duration_minutes": 1441}, {"duration_minutes"}),
        ({"duration_minutes": None}, {"duration_minutes"}),
        ({"logged_at": "2024-13-01"}, {"logged_at"}),
        ({"hours": 1}, {"hours"}),
        ({"description": "x" * 2001}, {"description"}),
    ],
)
async def test_bad_worklogs_are_422_and_write_nothing(
    client: httpx.AsyncClient,
    world: World,
    sessionmaker: async_sessionmaker[AsyncSession],
    body: dict[str, Any],
    fields: set[str],
) -> None:
    before = await outbox_size(sessionmaker)
    assert_problem(await log(client, world, **body), 422, "validation_failed", fields=fields)
    future = await log(client, world, logged_at="2999-01-01")
    assert_problem(future, 422, "entry_in_future", fields={"logged_at"})
    assert await entries_of(sessionmaker, world.ada.id) == []
    assert await outbox_size(sessionmaker) == before


async def test_an_issue_the_projection_misses_is_asked_for_once(
    client: httpx.AsyncClient,
    world: World,
    work_items_api: FakeWorkItemsApi,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    fresh = new_id()
    work_items_api.add_issue(fresh, world.project.id, version=3, key="APL-77")
    created = await log(client, world, fresh)
    assert created.status_code == 201, created.text
    again = await log(client, world, fresh, logged_at="2024-05-06")
    assert again.status_code == 201
    assert work_items_api.calls.count(fresh) == 1
    async with sessionmaker() as session:
        stored = await session.scalar(select(Issue).where(Issue.issue_id == fresh))
    assert stored is not None
    assert (stored.key, stored.sequence, stored.workspace_id) == ("APL-77", 3, world.workspace.id)


async def test_unknown_issues_are_404_and_a_failing_api_503(
    client: httpx.AsyncClient,
    world: World,
    work_items_api: FakeWorkItemsApi,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    unknown, broken = new_id(), new_id()
    assert_problem(await log(client, world, unknown), 404, "issue_not_found")
    work_items_api.failing.add(broken)
    response = assert_problem(await log(client, world, broken), 503, "work_items_unavailable")
    assert response["status"] == 503
    # An issue of another project, as work-items describes it, is not this project's.
    other_project = new_id()
    foreign = new_id()
    work_items_api.add_issue(foreign, other_project)
    assert_problem(await log(client, world, foreign), 404, "issue_not_found")
    assert await entries_of(sessionmaker, world.ada.id) == []
