"""The work-items service, running in-process on the test database, as the provider time
tracking's consumer contract is verified against."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from scripts.system import ROOT
from worksync.common.testing.fixtures import *  # noqa: F403
from worksync.common.testing.service import ServiceUnderTest
from worksync.work_items.config import WorkItemsSettings
from worksync.work_items.main import create_app
from worksync.work_items.testing import Api
from worksync.work_items.worker import WORKER


@pytest.fixture(scope="session")
def service_under_test() -> ServiceUnderTest[WorkItemsSettings]:
    return ServiceUnderTest(
        alembic_ini=Path(ROOT / "services" / "work-items" / "alembic.ini"),
        settings_class=WorkItemsSettings,
        create_app=create_app,
        worker=WORKER,
        keeps_directory=True,
    )


@pytest.fixture
def api(client: httpx.AsyncClient) -> Api:
    return Api(client)
