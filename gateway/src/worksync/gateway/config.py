"""Gateway settings: `GATEWAY_<NAME>` overrides `WORKSYNC_<NAME>` (see CommonSettings)."""

from __future__ import annotations

from typing import Annotated, ClassVar, Self

from pydantic import Field, field_validator, model_validator
from pydantic_settings import NoDecode

from worksync.common.config import CommonSettings

MIB = 1024 * 1024

# Upstream name -> settings field holding its base URL. Names are what the route table uses.
UPSTREAM_URL_FIELDS: dict[str, str] = {
    "identity": "identity_url",
    "workspace": "workspace_url",
    "work-items": "work_items_url",
    "timetracking": "timetracking_url",
    "resources": "resources_url",
}

CommaList = Annotated[list[str], NoDecode]


class GatewaySettings(CommonSettings):
    """Everything the gateway reads from the environment.

    An upstream is *enabled* (routed, health-checked, merged into /openapi.json) when its
    URL is set explicitly (e.g. `GATEWAY_WORKSPACE_URL`) or its name is listed in
    `GATEWAY_ENABLED_UPSTREAMS` (comma separated; default: identity). Routes to any other
    upstream answer 404, so services can be rolled out one by one.
    """

    service_env_prefix: ClassVar[str] = "GATEWAY_"

    service_name: str = "gateway"

    identity_url: str = "http://127.0.0.1:8001"
    workspace_url: str = "http://127.0.0.1:8002"
    work_items_url: str = "http://127.0.0.1:8003"
    timetracking_url: str = "http://127.0.0.1:8004"
    resources_url: str = "http://127.0.0.1:8005"
    enabled_upstreams: CommaList = Field(default_factory=lambda: ["identity"])

    cors_origins: CommaList = Field(default_factory=list)
    cors_max_age_seconds: int = Field(default=600, ge=0)

    max_body_bytes: int = Field(default=MIB, ge=0)
    # A request body is read whole before an upstream connection is taken: each piece must
    # arrive within the idle timeout and the whole body within the total (else 408).
    body_idle_timeout_seconds: float = Field(default=10.0, gt=0)
    body_timeout_seconds: float = Field(default=30.0, gt=0)
    upstream_timeout_seconds: float = Field(default=30.0, gt=0)
    upstream_connect_timeout_seconds: float = Field(default=5.0, gt=0)
    # Per upstream; when all are busy a request waits up to the connect timeout (then 503).
    upstream_max_connections: int = Field(default=512, ge=1)
    # Below uvicorn's default keep-alive (5 s) so we close idle connections before the
    # upstream does, instead of racing its close with a new request.
    upstream_keepalive_seconds: float = Field(default=4.0, gt=0)
    # A replica whose connection failed is tried last for this long (passive health).
    upstream_down_seconds: float = Field(default=5.0, ge=0)
    # The gateway's own calls: upstream /readyz and /openapi.json, API-token exchange, on
    # a pool of their own (connections per upstream).
    internal_call_timeout_seconds: float = Field(default=2.0, gt=0)
    internal_max_connections: int = Field(default=32, ge=1)
    openapi_cache_seconds: float = Field(default=60.0, ge=0)
    # /readyz answers from one check of the upstreams for this long.
    readiness_cache_seconds: float = Field(default=1.0, ge=0)

    rate_limit_enabled: bool = True
    auth_rate_per_minute: float = Field(default=20.0, gt=0)
    auth_burst: int = Field(default=10, ge=1)
    principal_rate_per_minute: float = Field(default=600.0, gt=0)
    principal_burst: int = Field(default=100, ge=1)
    rate_limit_max_buckets: int = Field(default=100_000, ge=1)

    # Peers (IPs or CIDRs) whose X-Forwarded-For we believe; empty = trust nobody.
    trusted_proxies: CommaList = Field(default_factory=list)
    # Strict-Transport-Security max-age; 0 leaves the header out (plain-HTTP development).
    hsts_max_age_seconds: int = Field(default=0, ge=0)

    token_cache_seconds: float = Field(default=30.0, ge=0)
    token_cache_size: int = Field(default=10_000, ge=1)
    api_token_cache_seconds: float = Field(default=60.0, ge=0)
    api_token_negative_cache_seconds: float = Field(default=5.0, ge=0)

    access_log: bool = False

    @field_validator("enabled_upstreams", "cors_origins", "trusted_proxies", mode="before")
    @classmethod
    def _split_commas(cls, value: object) -> object:
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @field_validator("enabled_upstreams")
    @classmethod
    def _known_upstreams(cls, value: list[str]) -> list[str]:
        unknown = set(value) - UPSTREAM_URL_FIELDS.keys()
        if unknown:
            raise ValueError(
                f"unknown upstreams {sorted(unknown)}; known: {list(UPSTREAM_URL_FIELDS)}"
            )
        return value

    @model_validator(mode="after")
    def _jwks_from_identity(self) -> Self:
        # The gateway trusts the identity it routes to, unless a JWKS URL is set explicitly.
        if "jwks_url" not in self.model_fields_set:
            first = _replica_urls(self.identity_url)[0]
            self.jwks_url = first + "/.well-known/jwks.json"
        return self

    def upstream_urls(self) -> dict[str, str]:
        """Base URL (no trailing slash; replicas comma separated) of every enabled
        upstream, by name."""
        return {name: ",".join(urls) for name, urls in self.upstream_replicas().items()}

    def upstream_replicas(self) -> dict[str, list[str]]:
        """The base URLs (no trailing slash) of each enabled upstream's replicas, by name."""
        enabled: dict[str, list[str]] = {}
        for name, field in UPSTREAM_URL_FIELDS.items():
            if name in self.enabled_upstreams or field in self.model_fields_set:
                enabled[name] = _replica_urls(str(getattr(self, field)))
        return enabled

    def identity_replicas(self) -> list[str]:
        return _replica_urls(self.identity_url)


def _replica_urls(value: str) -> list[str]:
    urls = [url.strip().rstrip("/") for url in value.split(",") if url.strip()]
    if not urls:
        raise ValueError("an upstream URL is required")
    return urls
