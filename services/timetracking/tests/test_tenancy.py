"""Tenancy and roles across every route of the app, found in its OpenAPI document, so that
a new endpoint is covered the moment it exists.

- Slugs and ids of another workspace (in the path or the body) are 404 problem+json, for
  every route, and nothing is written.
- Guests get 403 from every route: they may do nothing here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.testing.directory import DirectorySeeder, SeededUser
from worksync.common.testing.openapi import ApiOperation, api_operations
from worksync.timetracking.testing import Issues, World, arrange_world, outbox_size

# Body fields that name rows, and the path parameter whose id they take.
BODY_IDS = {"project_id": "pid", "issue_id": "iid"}


def _body(method: str, template: str, ids: dict[str, str]) -> dict[str, Any]:
    """A valid body for each route that takes one."""
    bodies: dict[tuple[str, str], dict[str, Any]] = {
        ("POST", "/workspaces/{ws}/time-entries"): {
            "project_id": ids["pid"],
            "issue_id": ids["iid"],
            "work_date": "2024-05-06",
            "duration_seconds": 60,
        },
        ("PATCH", "/workspaces/{ws}/time-entries/{entry_id}"): {"description": "Renamed"},
        ("POST", "/workspaces/{ws}/time-entries/{entry_id}/duplicate"): {"work_date": "2024-05-07"},
        ("POST", "/workspaces/{ws}/projects/{pid}/issues/{iid}/worklogs"): {"duration_minutes": 5},
        ("PATCH", "/workspaces/{ws}/projects/{pid}/issues/{iid}/worklogs/{worklog_id}"): {
            "duration_minutes": 6
        },
        ("POST", "/workspaces/{ws}/timer/start"): {
            "project_id": ids["pid"],
            "issue_id": ids["iid"],
        },
        ("PUT", "/workspaces/{ws}/time-tracking/settings"): {"timezone": "UTC"},
        ("POST", "/workspaces/{ws}/timesheets/submit"): {"date": "2024-05-20"},
        ("POST", "/workspaces/{ws}/timesheets/{timesheet_id}/reject"): {"comment": "Fix it"},
        ("POST", "/workspaces/{ws}/timesheets/{timesheet_id}/reopen"): {"reason": "Payroll"},
        ("POST", "/workspaces/{ws}/time-entries/{entry_id}/modification-requests"): {
            "action": "delete",
            "reason": "Double booked",
        },
        ("POST", "/workspaces/{ws}/time-entries/{entry_id}/breaks"): {
            "started_at": "2024-05-13T10:00:00",
            "ended_at": "2024-05-13T10:10:00",
        },
        ("POST", "/workspaces/{ws}/modification-requests/{request_id}/decline"): {"comment": "No"},
    }
    return bodies[(method, template)]


_ANY = {"pid": "0", "iid": "0"}


def _names_ids(operation: ApiOperation) -> bool:
    """Whether the request names rows (in its path or its body)."""
    if len(operation.parameters) > 1:
        return True
    body = _body(operation.method, operation.template, _ANY) if operation.has_body else {}
    return bool(set(body) & set(BODY_IDS))


@dataclass
class Arranged:
    world: World
    ids: dict[str, str]


async def _arrange(client: httpx.AsyncClient, seeder: DirectorySeeder, issues: Issues) -> Arranged:
    world = await arrange_world(seeder, issues)
    entry = await client.post(
        f"{world.base}/time-entries",
        json={
            "project_id": str(world.project.id),
            "work_date": "2024-05-06",
            "duration_seconds": 60,
        },
        headers=world.ada.headers,
    )
    worklog = await client.post(
        f"{world.issue_url()}/worklogs", json={"duration_minutes": 5}, headers=world.ada.headers
    )
    timesheet = await client.post(
        f"{world.base}/timesheets/submit", json={"date": "2024-05-06"}, headers=world.ada.headers
    )
    approved = await client.post(
        f"{world.base}/timesheets/{timesheet.json()['id']}/approve", headers=world.owner.headers
    )
    assert approved.status_code == 200, approved.text
    request = await client.post(
        f"{world.base}/time-entries/{entry.json()['id']}/modification-requests",
        json={"action": "change", "changes": {"description": "Fixed"}, "reason": "Typo"},
        headers=world.ada.headers,
    )
    assert request.status_code == 201, request.text
    timed = await client.post(
        f"{world.base}/time-entries",
        json={
            "project_id": str(world.project.id),
            "started_at": "2024-05-13T09:00:00",
            "ended_at": "2024-05-13T12:00:00",
        },
        headers=world.ada.headers,
    )
    pause = await client.post(
        f"{world.base}/time-entries/{timed.json()['id']}/breaks",
        json={"started_at": "2024-05-13T10:00:00", "ended_at": "2024-05-13T10:30:00"},
        headers=world.ada.headers,
    )
    assert pause.status_code == 201, pause.text
    ids = {
        "pid": str(world.project.id),
        "iid": str(world.issue_id),
        "entry_id": entry.json()["id"],
        "worklog_id": worklog.json()["id"],
        "timesheet_id": timesheet.json()["id"],
        "request_id": request.json()["id"],
        "break_id": pause.json()["breaks"][0]["id"],
    }
    return Arranged(world, ids)


async def _call(
    client: httpx.AsyncClient,
    operation: ApiOperation,
    slug: str,
    ids: dict[str, str],
    person: SeededUser,
) -> httpx.Response:
    body = _body(operation.method, operation.template, ids) if operation.has_body else None
    return await client.request(
        operation.method, operation.url(slug, ids), json=body, headers=person.headers
    )


def _assert_not_found(response: httpx.Response, operation: ApiOperation) -> None:
    where = f"{operation.method} {operation.template}"
    assert response.status_code == 404, f"{where}: {response.status_code} {response.text}"
    assert response.headers["content-type"].startswith("application/problem+json"), where
    assert response.json()["code"].endswith("_not_found"), where


@pytest.fixture
async def worlds(
    client: httpx.AsyncClient, seeder: DirectorySeeder, issues: Issues
) -> tuple[Arranged, Arranged]:
    return await _arrange(client, seeder, issues), await _arrange(client, seeder, issues)


async def test_every_route_is_workspace_scoped_and_covered(app: FastAPI) -> None:
    operations = api_operations(app)
    assert len(operations) >= 20
    for operation in operations:
        assert set(operation.parameters) <= {
            "ws",
            "pid",
            "iid",
            "entry_id",
            "worklog_id",
            "timesheet_id",
            "request_id",
            "break_id",
        }
        if operation.has_body:
            _body(operation.method, operation.template, _ANY)


async def test_another_workspaces_slug_and_ids_are_not_found(
    app: FastAPI,
    client: httpx.AsyncClient,
    worlds: tuple[Arranged, Arranged],
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    mine, theirs = worlds
    before = await outbox_size(sessionmaker)
    for person in (mine.world.owner, mine.world.ada):
        for operation in api_operations(app):
            # Their workspace: I am no member there.
            response = await _call(
                client, operation, theirs.world.workspace.slug, theirs.ids, person
            )
            _assert_not_found(response, operation)
            if not _names_ids(operation):
                continue
            # My workspace, their ids.
            response = await _call(client, operation, mine.world.workspace.slug, theirs.ids, person)
            _assert_not_found(response, operation)
            if "iid" in operation.parameters or operation.has_body:
                # My project, their issue, worklog or entry.
                mixed = {**theirs.ids, "pid": mine.ids["pid"]}
                response = await _call(client, operation, mine.world.workspace.slug, mixed, person)
                _assert_not_found(response, operation)
    assert await outbox_size(sessionmaker) == before, "a refused request wrote events"


async def test_guests_are_refused_everything(
    app: FastAPI,
    client: httpx.AsyncClient,
    worlds: tuple[Arranged, Arranged],
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    arranged, _ = worlds
    before = await outbox_size(sessionmaker)
    for operation in api_operations(app):
        response = await _call(
            client, operation, arranged.world.workspace.slug, arranged.ids, arranged.world.guest
        )
        where = f"{operation.method} {operation.template}"
        assert response.status_code == 403, f"{where}: {response.status_code} {response.text}"
        assert response.json()["code"] == "insufficient_role", where
    assert await outbox_size(sessionmaker) == before, "a refused request wrote events"
