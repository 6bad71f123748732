"""The membership directory against the real workspace service: a minimal consuming
service, built with the kit, answers correctly the instant a member is added — with or
without the event having arrived, for the member themself and for another member naming
them — and follows removals once their events arrive."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Annotated

import aio_pika
import httpx
import pytest
from fastapi import APIRouter, Depends, FastAPI, Request
from sqlalchemy import select

from scripts.local_system import RunningSystem
from worksync.common.app import create_service_app
from worksync.common.config import CommonSettings, Environment
from worksync.common.db import SessionDep, create_engine, create_sessionmaker, service_metadata
from worksync.common.directory import (
    DIRECTORY_ERRORS,
    Directory,
    WorkspaceContext,
    define_directory_tables,
    directory_handlers,
    workspace_context,
)
from worksync.common.events.consumer import EventConsumer
from worksync.common.events.tables import define_messaging_tables
from worksync.common.events.topology import declare_topology
from worksync.common.testing.clients import asgi_client
from worksync.common.testing.infra import delete_amqp_objects

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]
PASSWORD = "correct horse battery staple"
SCHEMA = f"e2e_directory_{uuid.uuid4().hex[:8]}"
metadata = service_metadata(SCHEMA)
tables = define_directory_tables(metadata)
messaging = define_messaging_tables(metadata)

router = APIRouter(prefix="/workspaces/{ws}")


@router.get("/role", responses=DIRECTORY_ERRORS)
async def role(workspace: Annotated[WorkspaceContext, Depends(workspace_context())]) -> str:
    """The caller's role, as the directory knows it."""
    return workspace.role.value


@router.get("/members/{user_id}", responses=DIRECTORY_ERRORS)
async def member_role(
    user_id: uuid.UUID,
    workspace: Annotated[WorkspaceContext, Depends(workspace_context())],
    session: SessionDep,
    request: Request,
) -> str | None:
    """Another user's role (None for a non-member), as the directory knows it."""
    directory: Directory = request.app.state.directory
    member = await directory.workspace_member(
        session, workspace.membership, user_id, workspace.authorization
    )
    return None if member is None else member.role.value


def _consuming_app(settings: CommonSettings) -> FastAPI:
    @asynccontextmanager
    async def directory(app: FastAPI) -> AsyncIterator[None]:
        app.state.directory = Directory(tables, app.state.http_client, settings.workspace_api_url)
        yield

    return create_service_app(
        settings,
        title="probe",
        description="directory probe",
        routers=[router],
        extra_lifespan=directory,
    )


def _person(client: httpx.Client, name: str) -> tuple[str, dict[str, str]]:
    email = f"{name}-{uuid.uuid4().hex[:8]}@example.com"
    body = {"email": email, "password": PASSWORD, "display_name": name}
    user_id = client.post("/api/v1/auth/register", json=body).json()["id"]
    login = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    return user_id, {"Authorization": f"Bearer {login.json()['access_token']}"}


async def _eventually(check: Callable[[], bool], seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "the event never arrived"
        await asyncio.sleep(0.2)


async def test_directory_answers_at_once_and_follows_events(system: RunningSystem) -> None:
    settings = CommonSettings(
        service_name="e2e-directory",
        environment=Environment.TEST,
        database_url=system.database_url,
        amqp_url=system.amqp_url,
        jwks_url=f"{system.service_urls['identity']}/.well-known/jwks.json",
        workspace_api_url=system.service_urls["workspace"],
    )
    engine = create_engine(system.database_url, pool_size=2)
    async with engine.begin() as connection:
        await connection.exec_driver_sql(f'CREATE SCHEMA "{SCHEMA}"')
        await connection.run_sync(metadata.create_all)
    sessionmaker = create_sessionmaker(engine)
    consumer = EventConsumer(
        sessionmaker=sessionmaker,
        inbox=messaging.inbox,
        amqp_url=system.amqp_url,
        exchange=system.exchange,
        dead_letter_exchange=system.env["WORKSYNC_DEAD_LETTER_EXCHANGE"],
        queue=f"{SCHEMA}.events",
        handlers=directory_handlers(tables),
    )
    stop = asyncio.Event()
    # The queue exists before anything happens, so the events wait in it until consumed.
    broker = await aio_pika.connect(system.amqp_url)
    async with broker:
        await declare_topology(
            await broker.channel(),
            exchange=system.exchange,
            dead_letter_exchange=system.env["WORKSYNC_DEAD_LETTER_EXCHANGE"],
            queue=f"{SCHEMA}.events",
            bindings=list(directory_handlers(tables)),
        )
    try:
        with httpx.Client(base_url=system.gateway_url, timeout=10) as gateway:
            _, owner = _person(gateway, "owner")
            member_id, member = _person(gateway, "member")
            slug = f"dir-{uuid.uuid4().hex[:8]}"
            body = {"slug": slug, "name": "Directory"}
            assert gateway.post("/api/v1/workspaces", json=body, headers=owner).status_code == 201
            members = f"/api/v1/workspaces/{slug}/members"

            def add_member() -> bool:
                added = gateway.post(members, json={"user_id": member_id}, headers=owner)
                return added.status_code == 201  # once workspace has heard of the user

            await _eventually(add_member)

        async with asgi_client(_consuming_app(settings)) as probe:
            # No consumer runs yet: the projection cannot know; the fallback must.
            now = await probe.get(f"/api/v1/workspaces/{slug}/role", headers=member)
            assert now.status_code == 200, now.text
            assert now.json() == "member"
            # Another user named by a request: the real `GET .../members?user_id=...`.
            other = await probe.get(f"/api/v1/workspaces/{slug}/members/{member_id}", headers=owner)
            assert other.status_code == 200, other.text
            assert other.json() == "member"

            consuming = asyncio.create_task(consumer.run(stop))

            async def projected_role() -> str | None:
                async with sessionmaker() as session:
                    row = (
                        await session.execute(
                            select(tables.members.c.role, tables.members.c.removed).where(
                                tables.members.c.user_id == uuid.UUID(member_id)
                            )
                        )
                    ).first()
                return None if row is None else ("removed" if row.removed else row.role)

            async def member_event_applied() -> bool:
                async with sessionmaker() as session:
                    inbox = messaging.inbox
                    found = await session.scalar(
                        select(inbox.c.event_id).where(
                            inbox.c.event_type == "workspace.member.added"
                        )
                    )
                return found is not None

            # The member's own event, no newer than what the fallback stored, is harmless.
            deadline = time.monotonic() + 30
            while not await member_event_applied():
                assert time.monotonic() < deadline, "the member's event never arrived"
                await asyncio.sleep(0.2)
            assert await projected_role() == "member"
            again = await probe.get(f"/api/v1/workspaces/{slug}/role", headers=member)
            assert again.json() == "member"

            with httpx.Client(base_url=system.gateway_url, timeout=10) as gateway:
                removed = gateway.delete(f"{members}/{member_id}", headers=owner)
                assert removed.status_code == 204, removed.text
            deadline = time.monotonic() + 30
            while await projected_role() != "removed":
                assert time.monotonic() < deadline, "the removal never arrived"
                await asyncio.sleep(0.2)
            gone = await probe.get(f"/api/v1/workspaces/{slug}/role", headers=member)
            assert gone.status_code == 404
            other = await probe.get(f"/api/v1/workspaces/{slug}/members/{member_id}", headers=owner)
            assert (other.status_code, other.json()) == (200, None)
            stop.set()
            await consuming
    finally:
        stop.set()
        await delete_amqp_objects(system.amqp_url, [f"{SCHEMA}.events", f"{SCHEMA}.events.dead"])
        async with engine.begin() as connection:
            await connection.exec_driver_sql(f'DROP SCHEMA "{SCHEMA}" CASCADE')
        await engine.dispose()
