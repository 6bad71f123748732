"""Settings: per-service overrides; refusing to start unsafely (no explicit environment,
development or empty secrets in production)."""

from __future__ import annotations

from typing import ClassVar

import pytest
from asgi_lifespan import LifespanManager
from pydantic import SecretStr

from worksync.common.app import create_service_app
from worksync.common.config import CommonSettings, Environment, UnsafeSettings

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


def test_production_refuses_development_and_empty_secrets(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("WORKSYNC_INTERNAL_SECRET", raising=False)
    unsafe = [
        CommonSettings(environment=Environment.PRODUCTION),
        *(
            CommonSettings(environment=Environment.PRODUCTION, internal_secret=SecretStr(value))
            for value in ("", "   ", "worksync-development-anything")
        ),
    ]
    for settings in unsafe:
        with pytest.raises(UnsafeSettings, match="WORKSYNC_INTERNAL_SECRET"):
            settings.refuse_unsafe_start()
    CommonSettings(
        environment=Environment.PRODUCTION, internal_secret=SecretStr("a-real-secret-value")
    ).refuse_unsafe_start()


def test_an_empty_database_password_is_refused_in_production() -> None:
    settings = SampleServiceSettings(
        environment=Environment.PRODUCTION,
        internal_secret=SecretStr("a-real-secret-value"),
        db_role="sample",
        db_password=SecretStr(""),
    )
    with pytest.raises(UnsafeSettings, match=r"WORKSYNC_DB_PASSWORD \(or SAMPLE_DB_PASSWORD\)"):
        settings.refuse_unsafe_start()


def test_a_service_declares_the_secrets_it_uses() -> None:
    class NoSecrets(CommonSettings):
        production_secrets: ClassVar[tuple[str, ...]] = ()

    NoSecrets(environment=Environment.PRODUCTION).refuse_unsafe_start()


def test_development_and_test_accept_the_development_secrets() -> None:
    for environment in (Environment.DEVELOPMENT, Environment.TEST):
        CommonSettings(environment=environment).refuse_unsafe_start()


def test_without_an_explicit_environment_nothing_starts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail closed: a deployment that forgot WORKSYNC_ENVIRONMENT does not run on the
    development defaults; reading the settings (a migration job) still works."""
    monkeypatch.delenv("WORKSYNC_ENVIRONMENT", raising=False)
    monkeypatch.delenv("SAMPLE_ENVIRONMENT", raising=False)
    settings = SampleServiceSettings()
    with pytest.raises(UnsafeSettings, match="WORKSYNC_ENVIRONMENT is not set"):
        settings.refuse_unsafe_start()
    monkeypatch.setenv("SAMPLE_ENVIRONMENT", "development")
    SampleServiceSettings().refuse_unsafe_start()


async def test_an_app_without_an_explicit_environment_refuses_to_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("WORKSYNC_ENVIRONMENT", raising=False)
    app = create_service_app(CommonSettings(), title="t", description="d", routers=[])
    with pytest.raises(UnsafeSettings):
        async with LifespanManager(app):
            pass
