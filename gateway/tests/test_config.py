"""Settings: which upstreams are enabled, lists from the environment, the JWKS URL."""

from __future__ import annotations

import pytest

from worksync.gateway.config import GatewaySettings

pytestmark = pytest.mark.fast


def test_only_identity_is_enabled_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("WORKSPACE", "WORK_ITEMS", "TIMETRACKING", "RESOURCES"):
        monkeypatch.delenv(f"GATEWAY_{name}_URL", raising=False)
        monkeypatch.delenv(f"WORKSYNC_{name}_URL", raising=False)
    monkeypatch.delenv("GATEWAY_ENABLED_UPSTREAMS", raising=False)
    monkeypatch.delenv("WORKSYNC_ENABLED_UPSTREAMS", raising=False)
    assert GatewaySettings().upstream_urls() == {"identity": "http://127.0.0.1:8001"}


def test_upstreams_enabled_by_url_or_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GATEWAY_WORKSPACE_URL", "http://workspace:8002/")
    monkeypatch.setenv("GATEWAY_ENABLED_UPSTREAMS", "identity, timetracking")
    urls = GatewaySettings().upstream_urls()
    assert urls["workspace"] == "http://workspace:8002"
    assert urls["timetracking"] == "http://127.0.0.1:8004"
    assert "resources" not in urls


def test_unknown_upstream_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown upstreams"):
        GatewaySettings(enabled_upstreams=["billing"])


def test_lists_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GATEWAY_CORS_ORIGINS", "https://a.example, https://b.example")
    monkeypatch.setenv("GATEWAY_TRUSTED_PROXIES", "10.0.0.0/8")
    settings = GatewaySettings()
    assert settings.cors_origins == ["https://a.example", "https://b.example"]
    assert settings.trusted_proxies == ["10.0.0.0/8"]


def test_jwks_url_follows_identity_unless_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WORKSYNC_JWKS_URL", raising=False)
    monkeypatch.delenv("GATEWAY_JWKS_URL", raising=False)
    settings = GatewaySettings(identity_url="http://identity:9001")
    assert settings.jwks_url == "http://identity:9001/.well-known/jwks.json"
    explicit = GatewaySettings(identity_url="http://identity:9001", jwks_url="http://keys/jwks")
    assert explicit.jwks_url == "http://keys/jwks"


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("PORT", "HOST", "MAX_BODY_BYTES", "UPSTREAM_TIMEOUT_SECONDS", "WORKERS"):
        monkeypatch.delenv(f"GATEWAY_{name}", raising=False)
        monkeypatch.delenv(f"WORKSYNC_{name}", raising=False)
    settings = GatewaySettings()
    assert (settings.host, settings.port, settings.workers) == ("0.0.0.0", 8000, 1)
    assert settings.max_body_bytes == 1024 * 1024
    assert settings.upstream_timeout_seconds == 30.0
