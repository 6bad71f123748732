"""Each test module here has a schema of its own (`SCHEMA`) holding the tables of its
`Base`: an engine on them for the module, a sessionmaker per test."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from worksync.common.db import create_engine, create_sessionmaker
from worksync.common.testing.schemas import schema_with_tables


@pytest.fixture(scope="module")
async def engine(
    request: pytest.FixtureRequest, worksync_database_url: str
) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(worksync_database_url, pool_size=4)
    async with schema_with_tables(engine, request.module.SCHEMA, request.module.Base.metadata):
        yield engine
    await engine.dispose()


@pytest.fixture
def sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_sessionmaker(engine)
