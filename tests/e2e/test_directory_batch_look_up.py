"""A request naming a hundred users the projection does not know costs one call to the real
workspace service, which answers the members among them."""

from __future__ import annotations

import uuid

import httpx
import pytest

from scripts.local_system import RunningSystem
from worksync.common.db import create_engine, create_sessionmaker, service_metadata
from worksync.common.directory import Directory, DirectoryMembership, define_directory_tables
from worksync.common.roles import WorkspaceRole

from .people import Person, eventually

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]
SCHEMA = f"e2e_batch_{uuid.uuid4().hex[:8]}"
metadata = service_metadata(SCHEMA)
tables = define_directory_tables(metadata)


async def test_a_hundred_unknown_users_are_looked_up_in_one_call(system: RunningSystem) -> None:
    with httpx.Client(base_url=system.gateway_url, timeout=10) as gateway:
        owner, colleague, guest = (Person(gateway, n) for n in ("owner", "colleague", "guest"))
        slug = f"batch-{uuid.uuid4().hex[:8]}"
        created = gateway.post(
            "/api/v1/workspaces", json={"slug": slug, "name": "Batch"}, headers=owner.headers
        )
        assert created.status_code == 201, created.text
        workspace_id = uuid.UUID(created.json()["id"])
        for person, role in ((colleague, "member"), (guest, "guest")):

            def added(person: Person = person, role: str = role) -> bool:
                response = gateway.post(
                    f"/api/v1/workspaces/{slug}/members",
                    json={"user_id": person.id, "role": role},
                    headers=owner.headers,
                )
                return response.status_code == 201  # once workspace has heard of the user

            eventually(added)

    named = [uuid.UUID(colleague.id), uuid.UUID(guest.id), *(uuid.uuid4() for _ in range(98))]
    calls: list[httpx.URL] = []

    async def count(request: httpx.Request) -> None:
        calls.append(request.url)

    engine = create_engine(system.database_url, pool_size=1)
    async with engine.begin() as connection:
        await connection.exec_driver_sql(f'CREATE SCHEMA "{SCHEMA}"')
        await connection.run_sync(metadata.create_all)
    try:
        async with httpx.AsyncClient(event_hooks={"request": [count]}) as client:
            directory = Directory(tables, client, system.service_urls["workspace"])
            caller = DirectoryMembership(
                workspace_id, slug, uuid.UUID(owner.id), WorkspaceRole.OWNER
            )
            async with create_sessionmaker(engine).begin() as session:
                found = await directory.workspace_members(
                    session, caller, named, owner.headers["Authorization"]
                )
    finally:
        async with engine.begin() as connection:
            await connection.exec_driver_sql(f'DROP SCHEMA "{SCHEMA}" CASCADE')
        await engine.dispose()

    assert {user_id: m.role for user_id, m in found.items()} == {
        uuid.UUID(colleague.id): WorkspaceRole.MEMBER,
        uuid.UUID(guest.id): WorkspaceRole.GUEST,
    }
    assert len(calls) == 1, calls
    assert calls[0].path == f"/api/v1/workspaces/{slug}/members"
    assert len(calls[0].params.get_list("user_id")) == 100
