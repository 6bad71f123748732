"""Resources test fixtures: the kit's shared set (`worksync.common.testing.plugin`) for the
resources app, whose directory falls back to the stand-in workspace API; an arranged team."""

from __future__ import annotations

from pathlib import Path

import pytest

from worksync.common.testing.directory import DirectorySeeder
from worksync.common.testing.fixtures import *  # noqa: F403
from worksync.common.testing.service import ServiceUnderTest
from worksync.resources.config import ResourcesSettings
from worksync.resources.main import create_app
from worksync.resources.testing import Team, make_team
from worksync.resources.worker import WORKER


@pytest.fixture(scope="session")
def service_under_test() -> ServiceUnderTest[ResourcesSettings]:
    return ServiceUnderTest(
        alembic_ini=Path(__file__).resolve().parents[1] / "alembic.ini",
        settings_class=ResourcesSettings,
        create_app=create_app,
        worker=WORKER,
        keeps_directory=True,
    )


@pytest.fixture
async def team(seeder: DirectorySeeder) -> Team:
    return await make_team(seeder)
