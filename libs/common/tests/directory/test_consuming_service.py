"""A second, minimal consuming service: a member created upstream a moment ago is answered
correctly whether or not the event has arrived, and the event changes nothing after."""

from __future__ import annotations

from collections.abc import AsyncIterator
from uuid import UUID

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.config import CommonSettings, Environment
from worksync.common.directory import DirectoryProject, DirectoryTables
from worksync.common.errors import PROBLEM_JSON
from worksync.common.ids import new_id
from worksync.common.testing.clients import asgi_client
from worksync.common.testing.servers import closed_port_url
from worksync.common.testing.tokens import TokenMinter
from worksync.common.testing.workspace_api import FakeWorkspaceApi
from worksync.common.testing.workspace_events import member_event, project_event, workspace_event

from .conftest import Bus, Projection
from .consuming_service import consuming_service

NEWCOMERS = 5


@pytest.fixture(scope="module")
def settings(worksync_database_url: str, worksync_amqp_url: str) -> CommonSettings:
    return CommonSettings(
        service_name="directory-consumer",
        environment=Environment.TEST,
        database_url=worksync_database_url,
        amqp_url=worksync_amqp_url,
        log_json=False,
    )


@pytest.fixture(scope="module")
async def service(
    settings: CommonSettings,
    minter: TokenMinter,
    projection: Projection,
    workspace_api_url: str,
) -> AsyncIterator[httpx.AsyncClient]:
    app = consuming_service(settings, minter, projection.tables, workspace_api_url)
    async with asgi_client(app) as client:
        yield client


def new_slug() -> str:
    return f"acme-{new_id().hex[-12:]}"


def bearer(minter: TokenMinter, user_id: UUID) -> dict[str, str]:
    return {"Authorization": f"Bearer {minter.mint(user_id)}"}


def caller(workspace_id: UUID, user_id: UUID, role: str) -> dict[str, str]:
    return {"workspace_id": str(workspace_id), "user_id": str(user_id), "role": role}


async def test_answered_by_the_fallback_before_the_event_which_then_changes_nothing(
    service: httpx.AsyncClient,
    bus: Bus,
    workspace_api: FakeWorkspaceApi,
    minter: TokenMinter,
    tables: DirectoryTables,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    workspace_id, user_id, slug = new_id(), new_id(), new_slug()
    # Upstream: added as member (version 1), promoted to admin (version 2) at once.
    workspace_api.put_member(slug, workspace_id, user_id, role="admin", version=2)
    headers = bearer(minter, user_id)

    for _ in range(2):
        response = await service.get(f"/api/v1/workspaces/{slug}/whoami", headers=headers)
        assert response.status_code == 200, response.text
        assert response.json() == caller(workspace_id, user_id, "admin")
    assert workspace_api.calls_about(slug) == 1

    await bus.deliver(
        workspace_event("created", workspace_id, slug=slug, sequence=1),
        member_event("added", workspace_id, user_id, role="member", sequence=1),
        member_event("updated", workspace_id, user_id, role="admin", sequence=2),
    )

    response = await service.get(f"/api/v1/workspaces/{slug}/whoami", headers=headers)
    assert response.json() == caller(workspace_id, user_id, "admin")
    assert workspace_api.calls_about(slug) == 1
    async with sessionmaker() as session:
        row = (
            await session.execute(select(tables.members).where(tables.members.c.user_id == user_id))
        ).one()
        workspace_name = await session.scalar(
            select(tables.workspaces.c.name).where(tables.workspaces.c.id == workspace_id)
        )
    # The same version fills in only what the fallback could not know.
    assert (row.role, row.removed, row.sequence) == ("admin", False, 2)
    assert row.email == f"{user_id.hex[:8]}@example.com"
    assert workspace_name == "Acme"


async def test_answered_from_the_projection_when_the_event_came_first(
    service: httpx.AsyncClient, bus: Bus, workspace_api: FakeWorkspaceApi, minter: TokenMinter
) -> None:
    workspace_id, user_id, slug = new_id(), new_id(), new_slug()
    await bus.deliver(
        workspace_event("created", workspace_id, slug=slug, sequence=1),
        member_event("added", workspace_id, user_id, role="guest", sequence=1),
    )

    headers = bearer(minter, user_id)
    response = await service.get(f"/api/v1/workspaces/{slug}/whoami", headers=headers)
    assert response.json() == caller(workspace_id, user_id, "guest")
    refused = await service.get(f"/api/v1/workspaces/{slug}/reports", headers=headers)
    assert (refused.status_code, refused.json()["code"]) == (403, "insufficient_role")
    assert workspace_api.calls_about(slug) == 0


async def test_whichever_comes_first_within_the_same_second_the_answer_is_right(
    service: httpx.AsyncClient, bus: Bus, workspace_api: FakeWorkspaceApi, minter: TokenMinter
) -> None:
    workspace_id, slug = new_id(), new_slug()
    await bus.publish(workspace_event("created", workspace_id, slug=slug, sequence=1))
    newcomers = [new_id() for _ in range(NEWCOMERS)]
    for user_id in newcomers:
        workspace_api.put_member(slug, workspace_id, user_id, role="member", version=1)
        await bus.publish(member_event("added", workspace_id, user_id, role="member", sequence=1))
        response = await service.get(
            f"/api/v1/workspaces/{slug}/whoami", headers=bearer(minter, user_id)
        )
        assert response.json() == caller(workspace_id, user_id, "member")
    asked = workspace_api.calls_about(slug)
    assert asked <= NEWCOMERS

    await bus.settle()
    for user_id in newcomers:
        response = await service.get(
            f"/api/v1/workspaces/{slug}/whoami", headers=bearer(minter, user_id)
        )
        assert response.json() == caller(workspace_id, user_id, "member")
    assert workspace_api.calls_about(slug) == asked


async def test_a_member_removed_by_a_newer_event_is_not_found(
    service: httpx.AsyncClient, bus: Bus, workspace_api: FakeWorkspaceApi, minter: TokenMinter
) -> None:
    workspace_id, user_id, slug = new_id(), new_id(), new_slug()
    await bus.deliver(
        workspace_event("created", workspace_id, slug=slug, sequence=1),
        member_event("added", workspace_id, user_id, role="member", sequence=1),
    )
    headers = bearer(minter, user_id)
    assert (await service.get(f"/api/v1/workspaces/{slug}/whoami", headers=headers)).is_success

    await bus.deliver(member_event("removed", workspace_id, user_id, role="member", sequence=2))

    response = await service.get(f"/api/v1/workspaces/{slug}/whoami", headers=headers)
    assert response.status_code == 404
    assert response.json()["code"] == "workspace_not_found"
    # The removed row was a miss: the workspace API was asked once, and said no as well.
    assert workspace_api.calls_about(slug) == 1


async def test_a_project_created_a_moment_ago_is_found_and_its_event_changes_nothing(
    service: httpx.AsyncClient, bus: Bus, workspace_api: FakeWorkspaceApi, minter: TokenMinter
) -> None:
    workspace_id, user_id, project_id, slug = new_id(), new_id(), new_id(), new_slug()
    await bus.deliver(
        workspace_event("created", workspace_id, slug=slug, sequence=1),
        member_event("added", workspace_id, user_id, role="admin", sequence=1),
    )
    workspace_api.add_project(slug, project_id, workspace_id, version=1)
    path = f"/api/v1/workspaces/{slug}/projects/{project_id}/summary"
    expected = {"project_id": str(project_id), "identifier": "APL", "role": "admin"}

    response = await service.get(path, headers=bearer(minter, user_id))
    assert (response.status_code, response.json()) == (200, expected)
    await bus.deliver(project_event("created", project_id, workspace_id, sequence=1))
    response = await service.get(path, headers=bearer(minter, user_id))
    assert (response.status_code, response.json()) == (200, expected)
    assert workspace_api.calls_about(slug) == 1


async def test_an_unreachable_workspace_api_on_a_miss_is_a_503_problem(
    settings: CommonSettings, minter: TokenMinter, projection: Projection
) -> None:
    app = consuming_service(settings, minter, projection.tables, closed_port_url())
    async with asgi_client(app) as client:
        response = await client.get(
            f"/api/v1/workspaces/{new_slug()}/whoami", headers=bearer(minter, new_id())
        )

    assert response.status_code == 503
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.headers["retry-after"] == "1"
    assert response.json()["code"] == "directory_unavailable"


async def test_a_project_seen_set_up_is_not_asked_about_again(
    settings: CommonSettings,
    minter: TokenMinter,
    projection: Projection,
    workspace_api_url: str,
    bus: Bus,
) -> None:
    """The service's set-up runs on each request until it answers that the project was set
    up already (committed); from then on the app remembers it and asks no more."""
    workspace_id, user_id, project_id, slug = new_id(), new_id(), new_id(), new_slug()
    await bus.deliver(
        workspace_event("created", workspace_id, slug=slug, sequence=1),
        member_event("added", workspace_id, user_id, role="admin", sequence=1),
        project_event("created", project_id, workspace_id, sequence=1),
    )
    asked: list[UUID] = []

    async def set_up(session: AsyncSession, project: DirectoryProject) -> bool:
        asked.append(project.id)
        # The first request sets it up; later ones find it done.
        return len(asked) > 1

    app = consuming_service(
        settings, minter, projection.tables, workspace_api_url, project_set_up=set_up
    )
    path = f"/api/v1/workspaces/{slug}/projects/{project_id}/summary"
    async with asgi_client(app) as client:
        for _ in range(4):
            response = await client.get(path, headers=bearer(minter, user_id))
            assert response.status_code == 200, response.text
    assert asked == [project_id, project_id]
