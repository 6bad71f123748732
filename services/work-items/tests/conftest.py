"""Work-items test fixtures: the kit's shared set (`worksync.common.testing.plugin`) for the
work-items app, whose directory falls back to the stand-in workspace API; arranged worlds
and API shortcuts."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.testing.directory import DirectorySeeder
from worksync.common.testing.fixtures import *  # noqa: F403
from worksync.common.testing.service import ServiceUnderTest
from worksync.common.testing.tokens import TokenMinter
from worksync.work_items.config import WorkItemsSettings
from worksync.work_items.main import create_app
from worksync.work_items.messaging.handlers import HANDLERS
from worksync.work_items.testing import Api, World, arrange_world
from worksync.work_items.worker import WORKER


@pytest.fixture(scope="session")
def service_under_test() -> ServiceUnderTest[WorkItemsSettings]:
    return ServiceUnderTest(
        alembic_ini=Path(__file__).resolve().parents[1] / "alembic.ini",
        settings_class=WorkItemsSettings,
        create_app=create_app,
        worker=WORKER,
        keeps_directory=True,
    )


@pytest.fixture
def api(client: httpx.AsyncClient) -> Api:
    return Api(client)


@pytest.fixture
async def world(seeder: DirectorySeeder) -> World:
    return await arrange_world(seeder)


@pytest.fixture(scope="module")
async def shared_world(
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    minter: TokenMinter,
) -> World:
    """One world for a module's tests that leave it as they found it (refused requests)."""
    return await arrange_world(DirectorySeeder(HANDLERS, sessionmaker, minter))
