"""A pooled connection is checked at checkout without a round trip: one the server or the
network dropped while it sat in the pool is replaced before a statement fails on it, and a
healthy one is used again."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from worksync.common.config import CommonSettings
from worksync.common.db import create_engine, libpq_url
from worksync.common.testing.clients import asgi_client
from worksync.common.testing.links import TcpLink
from worksync.common.testing.tokens import TokenMinter
from worksync.common.testing.waiting import eventually

from .sample_service import build_app


@pytest.fixture
async def engine(worksync_database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(worksync_database_url, pool_size=1)
    yield engine
    await engine.dispose()


async def _backend(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        pid: int = (await connection.execute(text("SELECT pg_backend_pid()"))).scalar_one()
        return pid


async def test_a_healthy_pooled_connection_is_used_again(engine: AsyncEngine) -> None:
    first = await _backend(engine)
    assert [await _backend(engine) for _ in range(5)] == [first] * 5


async def test_a_connection_whose_backend_was_terminated_is_replaced_at_checkout(
    engine: AsyncEngine, worksync_database_url: str
) -> None:
    terminated = await _backend(engine)
    async with await psycopg.AsyncConnection.connect(
        libpq_url(worksync_database_url), autocommit=True
    ) as admin:
        await admin.execute("SELECT pg_terminate_backend(%s)", (terminated,))

        async def gone() -> bool:
            cursor = await admin.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE pid = %s", (terminated,)
            )
            row = await cursor.fetchone()
            return row is not None and row[0] == 0

        await eventually(gone)

    replacement = await _backend(engine)
    assert replacement != terminated
    assert await _backend(engine) == replacement


async def test_a_request_after_the_network_dropped_the_pool_is_answered(
    kit_settings: CommonSettings, minter: TokenMinter, database_link: TcpLink
) -> None:
    settings = kit_settings.model_copy(
        update={"database_url": database_link.url, "database_pool_size": 2}
    )
    async with asgi_client(build_app(settings, minter)) as client:
        assert (await client.get("/api/v1/widgets")).status_code == 200
        database_link.cut()
        # The link closes its sockets on its next turn of the loop, as a peer would a moment
        # later: the drop happens while the connections are idle.
        await asyncio.sleep(0.05)
        answers = [(await client.get("/api/v1/widgets")).status_code for _ in range(3)]
    assert answers == [200, 200, 200]
