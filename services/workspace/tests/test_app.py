"""The app as a whole: OpenAPI completeness, health, settings."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from worksync.workspace.config import WorkspaceSettings


async def test_every_operation_documents_its_answers(client: httpx.AsyncClient) -> None:
    spec: dict[str, Any] = (await client.get("/openapi.json")).json()
    operations = [
        (path, method, operation)
        for path, methods in spec["paths"].items()
        for method, operation in methods.items()
    ]
    assert len([o for o in operations if o[0].startswith("/api/")]) >= 45
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
        public = path == "/api/v1/invitations/{token}" and method == "get"
        assert bool(operation.get("security")) is not public, (method, path)
    schemas = spec["components"]["schemas"]
    assert not any("token_hash" in schema.get("properties", {}) for schema in schemas.values())


async def test_money_is_a_string_and_hours_a_number_in_the_schema(
    client: httpx.AsyncClient,
) -> None:
    schemas = (await client.get("/openapi.json")).json()["components"]["schemas"]
    project = schemas["Project"]["properties"]

    def types(field: str) -> set[str]:
        return {choice["type"] for choice in project[field]["anyOf"]}

    assert types("budget_amount") == types("default_hourly_rate") == {"string", "null"}
    assert types("budget_hours") == {"number", "null"}
    assert project["version"]["type"] == "integer"


async def test_health(client: httpx.AsyncClient) -> None:
    assert (await client.get("/livez")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"database": "ok", "broker": "ok"}


def test_workspace_variables_override_shared_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKSYNC_DATABASE_URL", "postgresql://shared/db")
    monkeypatch.setenv("WORKSPACE_DATABASE_URL", "postgresql://workspace/db")
    monkeypatch.setenv("WORKSPACE_INVITATION_TTL_SECONDS", "3600")
    settings = WorkspaceSettings()
    assert settings.database_url == "postgresql://workspace/db"
    assert settings.invitation_ttl_seconds == 3600
    assert (settings.service_name, settings.port, settings.events_queue) == (
        "workspace",
        8002,
        "workspace.events",
    )
