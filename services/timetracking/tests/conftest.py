"""Timetracking test fixtures: the kit's shared set (`worksync.common.testing.plugin`) for the
timetracking app, whose directory falls back to the stand-in workspace API and which asks a
stand-in work-items API about issues; the directory and issues arranged through the
service's own handlers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.testing.directory import DirectorySeeder
from worksync.common.testing.fixtures import *  # noqa: F403
from worksync.common.testing.servers import serve
from worksync.common.testing.service import ServiceUnderTest
from worksync.common.testing.workspace_api import FakeWorkspaceApi
from worksync.timetracking.config import TimetrackingSettings
from worksync.timetracking.main import create_app
from worksync.timetracking.messaging.handlers import HANDLERS
from worksync.timetracking.testing import FakeWorkItemsApi, Issues, World, arrange_world
from worksync.timetracking.worker import WORKER


@pytest.fixture(scope="session")
def service_under_test(work_items_api_url: str) -> ServiceUnderTest[TimetrackingSettings]:
    return ServiceUnderTest(
        alembic_ini=Path(__file__).resolve().parents[1] / "alembic.ini",
        settings_class=TimetrackingSettings,
        create_app=create_app,
        worker=WORKER,
        settings={"work_items_api_url": work_items_api_url},
        keeps_directory=True,
    )


@pytest.fixture(scope="session")
def work_items_api(workspace_api: FakeWorkspaceApi) -> FakeWorkItemsApi:
    return FakeWorkItemsApi(workspace_api)


@pytest.fixture(scope="session")
async def work_items_api_url(work_items_api: FakeWorkItemsApi) -> AsyncIterator[str]:
    async with serve(work_items_api.app()) as url:
        yield url


@pytest.fixture
def issues(sessionmaker: async_sessionmaker[AsyncSession]) -> Issues:
    return Issues(HANDLERS, sessionmaker)


@pytest.fixture
async def world(seeder: DirectorySeeder, issues: Issues) -> World:
    return await arrange_world(seeder, issues)
