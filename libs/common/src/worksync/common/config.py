"""Settings every service shares; each service subclasses with its own env prefix."""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from pydantic import Field, SecretStr
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

DEVELOPMENT_INTERNAL_SECRET = "worksync-development-internal-secret"
# Every secret's development default starts so; production refuses them all.
DEVELOPMENT_SECRET_PREFIX = "worksync-development-"


class UnsafeSettings(RuntimeError):
    """Settings a serving process must not start with."""


def _real_secret(value: SecretStr | None) -> bool:
    if value is None:
        return False
    secret = value.get_secret_value().strip()
    return bool(secret) and not secret.startswith(DEVELOPMENT_SECRET_PREFIX)


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


class CommonSettings(BaseSettings):
    """Shared configuration.

    Every field is read from `WORKSYNC_<NAME>` and may be overridden per service by
    `<SERVICE>_<NAME>` (the subclass sets `service_env_prefix`), so one environment can
    hold the defaults and each service its own database URL.

    A serving process (API, worker) calls `refuse_unsafe_start` first: it refuses to
    start without an explicit `WORKSYNC_ENVIRONMENT` (fail closed: a deployment that forgot
    it does not run with the development secrets), and in `production` with a development
    or empty secret. Merely reading settings (a migration job) checks nothing.
    """

    model_config = SettingsConfigDict(env_prefix="WORKSYNC_", extra="ignore")
    service_env_prefix: ClassVar[str] = ""
    # The secret fields this process uses, each required in production. Identity and the
    # gateway use `internal_secret`; a service that does not may declare `()`.
    production_secrets: ClassVar[tuple[str, ...]] = ("internal_secret",)

    service_name: str = "worksync"
    # Serving requires it set explicitly (`refuse_unsafe_start`); the default is only what
    # a process that never serves (a migration job) sees.
    environment: Environment = Environment.DEVELOPMENT
    host: str = "0.0.0.0"  # noqa: S104 - a service in a container listens on every interface
    port: int = Field(default=8000, ge=0, le=65535)
    workers: int = Field(default=1, ge=1)
    # Open client connections per process (requests included); past it new ones get a 503.
    max_connections: int = Field(default=2048, ge=1)
    # Proxies whose X-Forwarded-For uvicorn believes (the gateway), for client addresses.
    forwarded_allow_ips: str = "127.0.0.1"
    database_url: str = "postgresql+psycopg://postgres@localhost:5432/worksync"
    database_pool_size: int = Field(default=10, ge=1)
    amqp_url: str = "amqp://guest:guest@localhost:5672/"
    events_exchange: str = "worksync.events"
    dead_letter_exchange: str = "worksync.dead"
    event_delivery_limit: int = Field(default=5, ge=1)
    events_queue_prefix: str = ""
    # The worker's housekeeping: inbox rows are kept well past any redelivery of their event
    # (the relay's retries, the broker's redeliveries, a replay from the dead queue).
    inbox_retention_hours: float = Field(default=168.0, gt=0)
    housekeeping_interval_seconds: float = Field(default=3600.0, gt=0)
    # The monitoring port of a worker (`/metrics`, `/livez`) and of the gateway (`/metrics`);
    # unset: the API port + 1000, so that a host running every service has no clash.
    metrics_port: int | None = Field(default=None, ge=0, le=65535)
    # A worker's `/livez` fails once its relay or consumer has not gone round (or a handler
    # has run) for this long; above the relay's longest backoff and publish timeout (30 s).
    worker_stall_seconds: float = Field(default=120.0, gt=0)
    # How often a worker counts its outbox backlog and its queues' messages, for metrics.
    backlog_sample_interval_seconds: float = Field(default=15.0, gt=0)

    jwt_issuer: str = "worksync-identity"
    jwt_audience: str = "worksync"
    jwks_url: str = "http://localhost:8001/.well-known/jwks.json"
    jwks_refresh_min_interval_seconds: float = 5.0
    jwks_cache_seconds: float = 300.0
    # Clock skew between identity and the verifying host tolerated in `exp`/`iat`/`nbf`.
    jwt_leeway_seconds: float = Field(default=30.0, ge=0, le=300)

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

    def refuse_unsafe_start(self) -> None:
        """Raise `UnsafeSettings` naming every variable to fix; see the class docstring."""
        problems: list[str] = []
        if "environment" not in self.model_fields_set:
            problems.append(
                "WORKSYNC_ENVIRONMENT is not set (production; development or test only on "
                "a developer's machine)"
            )
        elif self.environment is Environment.PRODUCTION:
            secrets = list(self.production_secrets)
            if self.db_password is not None:
                secrets.append("db_password")
            problems += [
                f"{self._variable(name)} must be set to a real secret in production"
                for name in secrets
                if not _real_secret(getattr(self, name))
            ]
        if problems:
            raise UnsafeSettings("; ".join(problems))

    def _variable(self, field: str) -> str:
        shared = f"WORKSYNC_{field.upper()}"
        if self.service_env_prefix:
            return f"{shared} (or {self.service_env_prefix}{field.upper()})"
        return shared

    @property
    def migration_role(self) -> tuple[str, str] | None:
        if self.db_role and self.db_password is not None:
            return self.db_role, self.db_password.get_secret_value()
        return None

    @property
    def monitoring_port(self) -> int:
        """`metrics_port`, else the API port + 1000 (0 stays 0: any free port)."""
        if self.metrics_port is not None:
            return self.metrics_port
        return self.port + 1000 if self.port else 0

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
