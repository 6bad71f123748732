"""Settings: per-service overrides and refusal of default secrets in production."""

from __future__ import annotations

from typing import ClassVar

import pytest
from pydantic import ValidationError

from worksync.common.config import CommonSettings, Environment

pytestmark = pytest.mark.fast


class SampleServiceSettings(CommonSettings):
    service_env_prefix: ClassVar[str] = "SAMPLE_"
    page_size: int = 20


def test_service_prefix_wins_over_the_shared_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKSYNC_DATABASE_URL", "postgresql://shared/db")
    monkeypatch.setenv("SAMPLE_DATABASE_URL", "postgresql://own/db")
    monkeypatch.setenv("WORKSYNC_AMQP_URL", "amqp://shared/")
    monkeypatch.setenv("SAMPLE_PAGE_SIZE", "50")
    settings = SampleServiceSettings()
    assert settings.database_url == "postgresql://own/db"
    assert settings.amqp_url == "amqp://shared/"
    assert settings.page_size == 50


def test_production_refuses_the_development_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WORKSYNC_INTERNAL_SECRET", raising=False)
    with pytest.raises(ValidationError, match="WORKSYNC_INTERNAL_SECRET"):
        CommonSettings(environment=Environment.PRODUCTION)
    CommonSettings(environment=Environment.PRODUCTION, internal_secret="a-real-secret-value")
