"""The worker's housekeeping: old inbox rows and expired idempotency keys go, the rest stays."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta

import pytest
from sqlalchemy import MetaData, Table, func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from worksync.common.config import CommonSettings, Environment
from worksync.common.db import create_engine, create_sessionmaker, service_metadata
from worksync.common.events.housekeeping import Housekeeper, purge_expired
from worksync.common.events.outbox import Outbox
from worksync.common.events.worker import ServiceWorker
from worksync.common.ids import new_id
from worksync.common.tables import KitTables, define_kit_tables
from worksync.common.testing.schemas import schema_with_tables

Eventually = Callable[[Callable[[], Awaitable[bool]]], Awaitable[None]]


@pytest.fixture
async def kit_tables(engine: AsyncEngine) -> AsyncIterator[KitTables]:
    schema = f"hk_{uuid.uuid4().hex[:12]}"
    metadata: MetaData = service_metadata(schema)
    tables = define_kit_tables(metadata)
    async with schema_with_tables(engine, schema, metadata):
        yield tables


async def _seed(
    sessionmaker: async_sessionmaker[AsyncSession], tables: KitTables, *ages: timedelta
) -> None:
    """One inbox row and one idempotency key of each age."""
    inbox, keys = tables.messaging.inbox, tables.idempotency_keys
    async with sessionmaker() as session, session.begin():
        for age in ages:
            stamped = func.now() - age
            await session.execute(
                inbox.insert().values(event_id=new_id(), event_type="t.x", received_at=stamped)
            )
            await session.execute(
                keys.insert().values(
                    scope="s", key=uuid.uuid4().hex, fingerprint="f", created_at=stamped
                )
            )


async def _ages(
    sessionmaker: async_sessionmaker[AsyncSession], table: Table, column: str
) -> list[int]:
    """Each row's age in whole hours, oldest first."""
    async with sessionmaker() as session:
        age = func.floor(func.extract("epoch", func.now() - table.c[column]) / 3600)
        return [int(hours) for hours in (await session.scalars(select(age).order_by(age.desc())))]


async def test_purge_removes_inbox_rows_past_the_horizon_and_keys_past_their_lifetime(
    sessionmaker: async_sessionmaker[AsyncSession], kit_tables: KitTables
) -> None:
    await _seed(
        sessionmaker,
        kit_tables,
        timedelta(days=10),
        timedelta(hours=30),
        timedelta(hours=23),
        timedelta(minutes=1),
    )

    purged = await purge_expired(
        sessionmaker,
        inbox=kit_tables.messaging.inbox,
        idempotency_keys=kit_tables.idempotency_keys,
        inbox_retention=timedelta(days=7),
    )

    assert (purged.inbox, purged.idempotency_keys) == (1, 2)
    assert await _ages(sessionmaker, kit_tables.messaging.inbox, "received_at") == [30, 23, 0]
    assert await _ages(sessionmaker, kit_tables.idempotency_keys, "created_at") == [23, 0]


async def test_the_service_worker_keeps_house_periodically(
    sessionmaker: async_sessionmaker[AsyncSession],
    kit_tables: KitTables,
    eventually: Eventually,
) -> None:
    settings = CommonSettings(
        environment=Environment.TEST, inbox_retention_hours=1, housekeeping_interval_seconds=0.05
    )
    worker = ServiceWorker(
        outbox=Outbox(kit_tables.messaging.outbox, source="worksync/test"),
        inbox=kit_tables.messaging.inbox,
        handlers={},
        idempotency_keys=kit_tables.idempotency_keys,
    )
    housekeeper: Housekeeper = worker.housekeeper(settings, sessionmaker)
    stop = asyncio.Event()
    task = asyncio.create_task(housekeeper.run(stop))
    try:
        await _seed(sessionmaker, kit_tables, timedelta(hours=2))

        async def first_purged() -> bool:
            return await _ages(sessionmaker, kit_tables.messaging.inbox, "received_at") == []

        await eventually(first_purged)
        # Runs again later: rows that age past the horizon after a run go at the next one.
        await _seed(sessionmaker, kit_tables, timedelta(hours=30), timedelta(minutes=5))

        async def second_purged() -> bool:
            return await _ages(sessionmaker, kit_tables.idempotency_keys, "created_at") == [2, 0]

        await eventually(second_purged)
        assert await _ages(sessionmaker, kit_tables.messaging.inbox, "received_at") == [0]
    finally:
        stop.set()
        async with asyncio.timeout(30):
            await task


async def test_an_unavailable_database_does_not_end_the_housekeeper(
    kit_tables: KitTables, caplog: pytest.LogCaptureFixture, eventually: Eventually
) -> None:
    engine = create_engine("postgresql://postgres@127.0.0.1:1/nothing", pool_size=1)
    housekeeper = Housekeeper(
        create_sessionmaker(engine),
        inbox=kit_tables.messaging.inbox,
        idempotency_keys=None,
        inbox_retention=timedelta(days=7),
        interval_seconds=0.01,
    )
    stop = asyncio.Event()

    async def failed_twice() -> bool:
        return sum("failed" in record.getMessage() for record in caplog.records) >= 2

    with caplog.at_level("WARNING", logger="worksync.common.events.housekeeping"):
        task = asyncio.create_task(housekeeper.run(stop))
        try:
            await eventually(failed_twice)
            assert not task.done()
        finally:
            stop.set()
            async with asyncio.timeout(30):
                await task
            await engine.dispose()
