"""Identity test fixtures: the kit's shared set (`worksync.common.testing.plugin`) for the
identity app, which signs and verifies its own tokens, with a capturing mailer; accounts."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.testing.fixtures import *  # noqa: F403
from worksync.common.testing.service import ServiceUnderTest
from worksync.identity.config import IdentitySettings
from worksync.identity.main import create_app
from worksync.identity.testing import TEST_SETTINGS, Accounts, CapturingMailer
from worksync.identity.worker import WORKER


@pytest.fixture(scope="session")
def service_under_test(mailer: CapturingMailer) -> ServiceUnderTest[IdentitySettings]:
    return ServiceUnderTest(
        alembic_ini=Path(__file__).resolve().parents[1] / "alembic.ini",
        settings_class=IdentitySettings,
        create_app=create_app,
        worker=WORKER,
        settings=TEST_SETTINGS,
        trusts_test_tokens=False,
        app_state={"mailer": mailer},
    )


@pytest.fixture(scope="session")
def mailer() -> CapturingMailer:
    return CapturingMailer()


@pytest.fixture
def accounts(client: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]) -> Accounts:
    return Accounts(client, sessionmaker)
