"""The app as a whole: OpenAPI completeness, health, settings, and the admin CLI."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from typing import Any

import httpx
import pytest

from worksync.common.config import UnsafeSettings
from worksync.identity.admin import UnknownUser, promote
from worksync.identity.config import IdentitySettings
from worksync.identity.testing import Accounts, unique_email


async def test_every_operation_documents_its_answers(client: httpx.AsyncClient) -> None:
    spec: dict[str, Any] = (await client.get("/openapi.json")).json()
    operations = [
        (path, method, operation)
        for path, methods in spec["paths"].items()
        for method, operation in methods.items()
    ]
    assert {path for path, _, _ in operations} >= {
        "/api/v1/auth/register",
        "/api/v1/auth/login",
        "/api/v1/auth/refresh",
        "/api/v1/auth/logout",
        "/api/v1/auth/forgot-password",
        "/api/v1/auth/reset-password",
        "/api/v1/auth/verify-email",
        "/api/v1/auth/verify-email/resend",
        "/api/v1/auth/me",
        "/api/v1/auth/password",
        "/api/v1/auth/sessions",
        "/api/v1/auth/sessions/{session_id}",
        "/api/v1/auth/api-tokens",
        "/api/v1/auth/api-tokens/{token_id}",
        "/api/v1/users",
        "/api/v1/users/{user_id}",
        "/.well-known/jwks.json",
    }
    assert not any(path.startswith("/internal") for path, _, _ in operations)
    for path, method, operation in operations:
        if not path.startswith("/api/"):
            continue
        assert operation.get("summary"), (method, path)
        assert operation.get("description"), (method, path)
        answers = operation["responses"]
        success = [status for status in answers if status.startswith("2")]
        assert success, (method, path)
        if success != ["204"]:
            assert any("schema" in content for content in answers[success[0]]["content"].values())
        for status, answer in answers.items():
            if status.startswith("4") and status != "422":
                assert "application/problem+json" in answer["content"], (method, path, status)
    schemas = spec["components"]["schemas"]
    assert not any("password_hash" in schema.get("properties", {}) for schema in schemas.values())


async def test_health(client: httpx.AsyncClient) -> None:
    assert (await client.get("/livez")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"database": "ok", "broker": "ok"}


def test_production_refuses_to_start_with_the_development_key_secret() -> None:
    unsafe = IdentitySettings(environment="production", internal_secret="a real internal secret")
    with pytest.raises(UnsafeSettings, match="IDENTITY_KEY_ENCRYPTION_SECRET"):
        unsafe.refuse_unsafe_start()
    settings = IdentitySettings(
        environment="production",
        internal_secret="a real internal secret",
        key_encryption_secret="a real key encryption secret",
    )
    settings.refuse_unsafe_start()
    assert settings.service_name == "identity"
    assert settings.port == 8001


def test_identity_variables_override_shared_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKSYNC_DATABASE_URL", "postgresql://shared/db")
    monkeypatch.setenv("IDENTITY_DATABASE_URL", "postgresql://identity/db")
    monkeypatch.setenv("IDENTITY_LOGIN_MAX_FAILURES", "3")
    settings = IdentitySettings()
    assert settings.database_url == "postgresql://identity/db"
    assert settings.login_max_failures == 3


async def test_promote_makes_a_platform_admin(
    client: httpx.AsyncClient, accounts: Accounts, settings: IdentitySettings
) -> None:
    account = await accounts.create()
    assert (await client.get("/api/v1/users", headers=account.headers)).status_code == 403
    await promote(account.email.upper(), settings)
    assert (await client.get("/api/v1/users", headers=account.headers)).status_code == 200
    with pytest.raises(UnknownUser):
        await promote(unique_email("nobody"), settings)


async def test_the_admin_cli_runs_as_a_module(database_url: str) -> None:
    environment = {**os.environ, "IDENTITY_DATABASE_URL": database_url}
    result = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "worksync.identity.admin", "promote", unique_email("nobody")],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "no user with email" in result.stderr
