"""The kit as a service uses it: sessions, errors, pagination, idempotency, health."""

from __future__ import annotations

import asyncio
import base64
import json
import uuid

import httpx
import pytest

from worksync.common.testing.tokens import TokenMinter

PROBLEM = "application/problem+json"


def _name() -> str:
    return f"w-{uuid.uuid4().hex[:12]}"


async def test_create_commits_and_get_reads_back(
    client: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    created = await client.post("/api/v1/widgets", json={"name": _name(), "rank": 1}, headers=auth)
    assert created.status_code == 201
    fetched = await client.get(f"/api/v1/widgets/{created.json()['id']}")
    assert fetched.status_code == 200
    assert fetched.json() == created.json()


async def test_failure_after_a_write_rolls_the_write_back(
    client: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    name = _name()
    failed = await client.post("/api/v1/widgets/then-fail", json={"name": name, "rank": 1})
    assert failed.status_code == 409
    assert failed.json()["code"] == "late_failure"
    # The name is free again: the failed request's insert did not survive.
    created = await client.post("/api/v1/widgets", json={"name": name, "rank": 1}, headers=auth)
    assert created.status_code == 201


async def test_validation_errors_are_problem_details_with_fields(
    client: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    response = await client.post("/api/v1/widgets", json={"name": "", "rank": -1}, headers=auth)
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["code"] == "validation_failed"
    assert {e["field"] for e in body["errors"]} == {"name", "rank"}


async def test_a_value_postgres_cannot_hold_is_422_and_writes_nothing(
    client: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    name = _name()
    for body in ({"name": f"{name}\u0000", "rank": 1}, {"name": name, "rank": 2**40}):
        response = await client.post("/api/v1/widgets", json=body, headers=auth)
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["code"] == "invalid_value"
    # Nothing of either attempt was kept: the name is still free.
    created = await client.post("/api/v1/widgets", json={"name": name, "rank": 1}, headers=auth)
    assert created.status_code == 201


async def test_malformed_json_is_a_problem(client: httpx.AsyncClient, auth: dict[str, str]) -> None:
    response = await client.post(
        "/api/v1/widgets",
        content=b"{not json",
        headers={**auth, "content-type": "application/json"},
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM


async def test_not_found_and_unknown_route_are_problems(client: httpx.AsyncClient) -> None:
    missing = await client.get(f"/api/v1/widgets/{uuid.uuid4()}")
    assert missing.status_code == 404
    assert missing.json()["code"] == "not_found"
    unknown = await client.get("/api/v1/nothing-here")
    assert unknown.status_code == 404
    assert unknown.headers["content-type"] == PROBLEM


async def test_unexpected_error_hides_its_details(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/widgets/crash")
    assert response.status_code == 500
    assert response.headers["content-type"] == PROBLEM
    assert "secret internal detail" not in response.text
    assert "Traceback" not in response.text


async def test_missing_and_bad_tokens_are_401(client: httpx.AsyncClient) -> None:
    body = {"name": _name(), "rank": 1}
    missing = await client.post("/api/v1/widgets", json=body)
    assert missing.status_code == 401
    assert missing.headers["www-authenticate"] == "Bearer"
    assert missing.json()["code"] == "unauthorized"
    bad = await client.post("/api/v1/widgets", json=body, headers={"Authorization": "Bearer x.y.z"})
    assert bad.status_code == 401
    assert bad.json()["code"] == "invalid_token"


async def test_an_expired_token_is_401_token_expired(
    client: httpx.AsyncClient, minter: TokenMinter
) -> None:
    expired = {"Authorization": f"Bearer {minter.mint(ttl_seconds=-120)}"}
    response = await client.post(
        "/api/v1/widgets", json={"name": _name(), "rank": 1}, headers=expired
    )
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["code"] == "token_expired"


async def test_keyset_pagination_walks_every_row_once(
    client: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    rank = 1_000_000 + uuid.uuid4().int % 1_000_000
    names = {_name() for _ in range(7)}
    for name in names:
        response = await client.post(
            "/api/v1/widgets", json={"name": name, "rank": rank}, headers=auth
        )
        assert response.status_code == 201
    seen: list[str] = []
    cursor: str | None = None
    while True:
        params: dict[str, str | int] = {"limit": 3, "sort": "-rank"}
        if cursor:
            params["cursor"] = cursor
        page = (await client.get("/api/v1/widgets", params=params)).json()
        seen += [item["name"] for item in page["items"] if item["rank"] == rank]
        cursor = page["next_cursor"]
        if cursor is None or len(seen) == len(names):
            break
    assert len(seen) == len(set(seen)) == len(names)
    assert set(seen) == names


async def test_pagination_rejects_bad_limits_and_cursors(client: httpx.AsyncClient) -> None:
    assert (await client.get("/api/v1/widgets", params={"limit": 101})).status_code == 422
    assert (await client.get("/api/v1/widgets", params={"limit": 0})).status_code == 422
    tampered = await client.get("/api/v1/widgets", params={"cursor": "not-a-cursor"})
    assert tampered.status_code == 400
    assert tampered.json()["code"] == "invalid_cursor"
    first = (await client.get("/api/v1/widgets", params={"limit": 1, "sort": "rank"})).json()
    if first["next_cursor"]:
        other_sort = await client.get(
            "/api/v1/widgets", params={"sort": "-rank", "cursor": first["next_cursor"]}
        )
        assert other_sort.status_code == 400


async def test_idempotency_key_replays_the_first_response(
    client: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    headers = {**auth, "Idempotency-Key": uuid.uuid4().hex}
    body = {"name": _name(), "rank": 3}
    first = await client.post("/api/v1/widgets", json=body, headers=headers)
    second = await client.post("/api/v1/widgets", json=body, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert second.headers["idempotent-replayed"] == "true"
    reused = await client.post("/api/v1/widgets", json={**body, "rank": 4}, headers=headers)
    assert reused.status_code == 422
    assert reused.json()["code"] == "idempotency_key_reused"


async def test_concurrent_requests_with_one_key_create_one_row(
    client: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    headers = {**auth, "Idempotency-Key": uuid.uuid4().hex}
    body = {"name": _name(), "rank": 5}
    responses = await asyncio.gather(
        *(client.post("/api/v1/widgets", json=body, headers=headers) for _ in range(5))
    )
    assert {r.status_code for r in responses} == {201}
    assert len({r.json()["id"] for r in responses}) == 1


async def test_a_failed_idempotent_request_can_be_retried(
    client: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    taken = _name()
    assert (
        await client.post("/api/v1/widgets", json={"name": taken, "rank": 1}, headers=auth)
    ).status_code == 201
    headers = {**auth, "Idempotency-Key": uuid.uuid4().hex}
    conflict = await client.post(
        "/api/v1/widgets", json={"name": taken, "rank": 1}, headers=headers
    )
    assert conflict.status_code == 409
    # The key was not kept by the failed attempt: the same key with a new body works.
    retried = await client.post(
        "/api/v1/widgets", json={"name": _name(), "rank": 1}, headers=headers
    )
    assert retried.status_code == 201


async def test_request_id_is_echoed_or_made(client: httpx.AsyncClient) -> None:
    echoed = await client.get("/livez", headers={"X-Request-ID": "req-123"})
    assert echoed.headers["x-request-id"] == "req-123"
    made = await client.get("/livez")
    assert len(made.headers["x-request-id"]) == 32


async def test_health_and_readiness(client: httpx.AsyncClient) -> None:
    assert (await client.get("/livez")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"database": "ok", "broker": "ok"}


async def test_openapi_declares_problem_responses(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    assert "/api/v1/widgets" in spec["paths"]
    assert "/livez" in spec["paths"]


@pytest.mark.parametrize(
    "values",
    [
        ["1", str(uuid.uuid4())],  # a string where the rank is a number
        [1, 2],  # a number where the id is a UUID
        [True, str(uuid.uuid4())],
        [{"t": "dt", "v": "2026-01-01T00:00:00+00:00"}, {"t": "u", "v": str(uuid.uuid4())}],
        [1.5, {"t": "u", "v": str(uuid.uuid4())}],
    ],
)
async def test_a_forged_cursor_of_the_right_sort_is_400_not_a_database_error(
    client: httpx.AsyncClient, values: list[object]
) -> None:
    payload = json.dumps({"s": "rank", "k": values}).encode()
    cursor = base64.urlsafe_b64encode(payload).decode().rstrip("=")
    forged = await client.get("/api/v1/widgets", params={"sort": "rank", "cursor": cursor})
    assert forged.status_code == 400, forged.text
    assert forged.json()["code"] == "invalid_cursor"
