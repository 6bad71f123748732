"""Settings every service shares; each service subclasses with its own env prefix."""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar, Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

DEVELOPMENT_INTERNAL_SECRET = "worksync-development-internal-secret"


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


class CommonSettings(BaseSettings):
    """Shared configuration.

    Every field is read from `WORKSYNC_<NAME>` and may be overridden per service by
    `<SERVICE>_<NAME>` (the subclass sets `service_env_prefix`), so one environment can
    hold the defaults and each service its own database URL. In `production` the
    development secrets are refused; `development` and `test` accept them.
    """

    model_config = SettingsConfigDict(env_prefix="WORKSYNC_", extra="ignore")
    service_env_prefix: ClassVar[str] = ""

    service_name: str = "worksync"
    environment: Environment = Environment.DEVELOPMENT
    host: str = "0.0.0.0"  # noqa: S104 - a service in a container listens on every interface
    port: int = Field(default=8000, ge=0, le=65535)
    workers: int = Field(default=1, ge=1)
    # Proxies whose X-Forwarded-For uvicorn believes (the gateway), for client addresses.
    forwarded_allow_ips: str = "127.0.0.1"
    database_url: str = "postgresql+psycopg://postgres@localhost:5432/worksync"
    database_pool_size: int = Field(default=10, ge=1)
    amqp_url: str = "amqp://guest:guest@localhost:5672/"
    events_exchange: str = "worksync.events"
    dead_letter_exchange: str = "worksync.dead"
    event_delivery_limit: int = Field(default=5, ge=1)
    events_queue_prefix: str = ""

    jwt_issuer: str = "worksync-identity"
    jwt_audience: str = "worksync"
    jwks_url: str = "http://localhost:8001/.well-known/jwks.json"
    jwks_refresh_min_interval_seconds: float = 5.0
    jwks_cache_seconds: float = 300.0

    # Where the directory asks when its projection misses (the workspace service or the
    # gateway in front of it).
    workspace_api_url: str = "http://localhost:8002"

    internal_secret: SecretStr = SecretStr(DEVELOPMENT_INTERNAL_SECRET)

    # The login role migrations create for the service, with rights on its schema only
    # (both or neither).
    db_role: str | None = None
    db_password: SecretStr | None = None

    log_level: str = "INFO"
    log_json: bool = True
    otel_exporter_otlp_endpoint: str | None = None

    @model_validator(mode="after")
    def _refuse_default_secrets_outside_development(self) -> Self:
        if (
            self.environment is Environment.PRODUCTION
            and self.internal_secret.get_secret_value() == DEVELOPMENT_INTERNAL_SECRET
        ):
            raise ValueError("WORKSYNC_INTERNAL_SECRET must be set outside development")
        return self

    @property
    def migration_role(self) -> tuple[str, str] | None:
        if self.db_role and self.db_password is not None:
            return self.db_role, self.db_password.get_secret_value()
        return None

    @property
    def events_queue(self) -> str:
        """This service's consumer queue; the prefix keeps parallel systems (tests) apart."""
        return f"{self.events_queue_prefix}{self.service_name}.events"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings]
        if cls.service_env_prefix:
            sources.append(EnvSettingsSource(settings_cls, env_prefix=cls.service_env_prefix))
        sources += [env_settings, dotenv_settings, file_secret_settings]
        return tuple(sources)
