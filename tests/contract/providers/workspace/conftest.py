"""The workspace service, running in-process on the test database, as the provider the
directory's consumer contract is verified against."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scripts.system import ROOT
from worksync.common.testing.fixtures import *  # noqa: F403
from worksync.common.testing.service import ServiceUnderTest
from worksync.common.testing.tokens import TokenMinter
from worksync.workspace.config import WorkspaceSettings
from worksync.workspace.main import create_app
from worksync.workspace.testing import People, Workspaces
from worksync.workspace.worker import WORKER


@pytest.fixture(scope="session")
def service_under_test() -> ServiceUnderTest[WorkspaceSettings]:
    return ServiceUnderTest(
        alembic_ini=Path(ROOT / "services" / "workspace" / "alembic.ini"),
        settings_class=WorkspaceSettings,
        create_app=create_app,
        worker=WORKER,
    )


@pytest.fixture
def people(minter: TokenMinter, sessionmaker: async_sessionmaker[AsyncSession]) -> People:
    return People(minter, sessionmaker)


@pytest.fixture
def workspaces(client: httpx.AsyncClient) -> Workspaces:
    return Workspaces(client)
