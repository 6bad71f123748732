"""Personal API tokens and the gateway's internal exchange."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import jwt
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.testing.problems import assert_problem
from worksync.identity.config import IdentitySettings
from worksync.identity.models import ApiToken, User, idempotency_keys
from worksync.identity.testing import Account, Accounts

TOKENS = "/api/v1/auth/api-tokens"
EXCHANGE = "/internal/api-tokens/exchange"


async def _create(client: httpx.AsyncClient, account: Account, **body: object) -> httpx.Response:
    return await client.post(TOKENS, json={"name": "ci", **body}, headers=account.headers)


async def _exchange(
    client: httpx.AsyncClient, token: str, settings: IdentitySettings
) -> httpx.Response:
    return await client.post(
        EXCHANGE,
        json={"token": token},
        headers={"X-Internal-Secret": settings.internal_secret.get_secret_value()},
    )


async def test_a_token_is_shown_once_and_stored_as_a_hash(
    client: httpx.AsyncClient,
    accounts: Accounts,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    account = await accounts.create()
    expires_at = datetime.now(UTC) + timedelta(days=30)
    response = await _create(client, account, expires_at=expires_at.isoformat())
    assert response.status_code == 201
    created = response.json()
    secret = created["token"]
    assert secret.startswith("wsp_")
    assert len(secret) > 40
    assert created["prefix"] == secret[:12]
    assert created["name"] == "ci"
    assert created["last_used_at"] is None
    assert datetime.fromisoformat(created["expires_at"]) == expires_at

    async with sessionmaker() as session:
        row = await session.get(ApiToken, uuid.UUID(created["id"]))
    assert row is not None
    assert row.token_hash == hashlib.sha256(secret.encode()).digest()
    assert secret not in repr(row.__dict__)

    listed = await client.get(TOKENS, headers=account.headers)
    assert listed.status_code == 200
    assert [t["id"] for t in listed.json()["items"]] == [created["id"]]
    assert "token" not in listed.json()["items"][0]
    assert secret not in listed.text


async def test_a_replayed_create_makes_one_token_and_never_repeats_the_secret(
    client: httpx.AsyncClient,
    accounts: Accounts,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    account = await accounts.create()
    headers = {**account.headers, "Idempotency-Key": str(uuid.uuid4())}
    first = await client.post(TOKENS, json={"name": "deploy"}, headers=headers)
    replay = await client.post(TOKENS, json={"name": "deploy"}, headers=headers)
    assert first.status_code == replay.status_code == 201
    assert first.json()["token"].startswith("wsp_")
    assert replay.json() == {**first.json(), "token": None}
    async with sessionmaker() as session:
        count = await session.scalar(
            select(func.count()).select_from(ApiToken).where(ApiToken.user_id == account.id)
        )
        stored = await session.scalar(
            select(idempotency_keys.c.body).where(
                idempotency_keys.c.key == headers["Idempotency-Key"]
            )
        )
    assert count == 1
    assert first.json()["token"] not in str(stored)


async def test_creating_is_validated(client: httpx.AsyncClient, accounts: Accounts) -> None:
    account = await accounts.create()
    past = await _create(client, account, expires_at="2020-01-01T00:00:00Z")
    assert_problem(past, 422, "expiry_in_past", fields={"expires_at"})
    naive = await _create(client, account, expires_at="2999-01-01T00:00:00")
    assert_problem(naive, 422, "validation_failed", fields={"expires_at"})
    unnamed = await client.post(TOKENS, json={"name": "  "}, headers=account.headers)
    assert_problem(unnamed, 422, "validation_failed", fields={"name"})


async def test_revoking_a_token(
    client: httpx.AsyncClient, accounts: Accounts, settings: IdentitySettings
) -> None:
    account, other = await accounts.create(), await accounts.create()
    created = (await _create(client, account)).json()
    foreign = await client.delete(f"{TOKENS}/{created['id']}", headers=other.headers)
    assert_problem(foreign, 404, "api_token_not_found")
    response = await client.delete(f"{TOKENS}/{created['id']}", headers=account.headers)
    assert response.status_code == 204
    assert (await client.get(TOKENS, headers=account.headers)).json()["items"] == []
    assert_problem(await _exchange(client, created["token"], settings), 401, "invalid_api_token")
    again = await client.delete(f"{TOKENS}/{created['id']}", headers=account.headers)
    assert_problem(again, 404, "api_token_not_found")


async def test_the_exchange_trades_a_token_for_a_short_jwt(
    client: httpx.AsyncClient,
    accounts: Accounts,
    settings: IdentitySettings,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    account = await accounts.create()
    created = (await _create(client, account)).json()
    response = await _exchange(client, created["token"], settings)
    assert response.status_code == 200
    body = response.json()
    assert body["expires_in"] == 300
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert claims["sub"] == str(account.id)
    assert claims["tid"] == created["id"]
    assert claims["via"] == "api_token"
    assert claims["exp"] - claims["iat"] == 300
    assert "sid" not in claims

    pat_headers = {"Authorization": f"Bearer {body['access_token']}"}
    me = await client.get("/api/v1/auth/me", headers=pat_headers)
    assert me.status_code == 200
    # Credentials are managed from a login session, never with an API token.
    for method, path in [("GET", TOKENS), ("GET", "/api/v1/auth/sessions")]:
        refused = await client.request(method, path, headers=pat_headers)
        assert_problem(refused, 403, "session_required")
    change = await client.put(
        "/api/v1/auth/password",
        json={"current_password": account.password, "new_password": "something else entirely"},
        headers=pat_headers,
    )
    assert_problem(change, 403, "session_required")

    async with sessionmaker() as session:
        first_use = await session.scalar(
            select(ApiToken.last_used_at).where(ApiToken.id == uuid.UUID(created["id"]))
        )
    assert first_use is not None
    await _exchange(client, created["token"], settings)
    async with sessionmaker() as session:
        second_use = await session.scalar(
            select(ApiToken.last_used_at).where(ApiToken.id == uuid.UUID(created["id"]))
        )
    assert second_use == first_use, "a use within a minute of the last is not written"

    await client.delete(f"{TOKENS}/{created['id']}", headers=account.headers)
    assert_problem(await client.get("/api/v1/auth/me", headers=pat_headers), 401, "session_revoked")


async def test_an_api_token_revokes_neither_sessions_nor_tokens(
    client: httpx.AsyncClient, accounts: Accounts, settings: IdentitySettings
) -> None:
    account = await accounts.create()
    created = (await _create(client, account)).json()
    exchanged = (await _exchange(client, created["token"], settings)).json()
    pat_headers = {"Authorization": f"Bearer {exchanged['access_token']}"}
    [login] = (await client.get("/api/v1/auth/sessions", headers=account.headers)).json()["items"]
    # Revoking is managing credentials: a login session's, never an API token's.
    refused = await client.delete(f"/api/v1/auth/sessions/{login['id']}", headers=pat_headers)
    assert_problem(refused, 403, "session_required")
    refused = await client.delete(f"{TOKENS}/{created['id']}", headers=pat_headers)
    assert_problem(refused, 403, "session_required")
    assert (await client.get("/api/v1/auth/me", headers=account.headers)).status_code == 200
    assert (await client.get("/api/v1/auth/me", headers=pat_headers)).status_code == 200
    listed = await client.get(TOKENS, headers=account.headers)
    assert [t["id"] for t in listed.json()["items"]] == [created["id"]]


async def test_the_exchange_needs_the_internal_secret(
    client: httpx.AsyncClient, accounts: Accounts
) -> None:
    account = await accounts.create()
    created = (await _create(client, account)).json()
    wrong = await client.post(
        EXCHANGE, json={"token": created["token"]}, headers={"X-Internal-Secret": "guess"}
    )
    assert_problem(wrong, 401, "invalid_internal_secret")
    missing = await client.post(EXCHANGE, json={"token": created["token"]})
    assert_problem(missing, 401, "invalid_internal_secret")


async def test_the_exchange_refuses_unknown_and_expired_tokens(
    client: httpx.AsyncClient,
    accounts: Accounts,
    settings: IdentitySettings,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    account = await accounts.create()
    unknown = await _exchange(client, "wsp_" + "x" * 43, settings)
    assert_problem(unknown, 401, "invalid_api_token")
    not_ours = await _exchange(client, account.refresh_token, settings)
    assert_problem(not_ours, 401, "invalid_api_token")
    created = (await _create(client, account)).json()
    async with sessionmaker.begin() as session:
        await session.execute(
            update(ApiToken)
            .where(ApiToken.id == uuid.UUID(created["id"]))
            .values(
                created_at=func.now() - timedelta(days=2),
                expires_at=func.now() - timedelta(seconds=1),
            )
        )
    assert_problem(await _exchange(client, created["token"], settings), 401, "invalid_api_token")

    inactive_owner = await accounts.create()
    live = (await _create(client, inactive_owner)).json()
    async with sessionmaker.begin() as session:
        await session.execute(
            update(User).where(User.id == inactive_owner.id).values(is_active=False)
        )
    assert_problem(await _exchange(client, live["token"], settings), 401, "invalid_api_token")

    invalid = await client.post(
        EXCHANGE,
        json={},
        headers={"X-Internal-Secret": settings.internal_secret.get_secret_value()},
    )
    assert_problem(invalid, 422, "validation_failed", fields={"token"})


async def test_api_tokens_need_a_login(client: httpx.AsyncClient) -> None:
    assert_problem(await client.get(TOKENS), 401, "unauthorized")
    assert_problem(await client.post(TOKENS, json={"name": "x"}), 401, "unauthorized")
    assert_problem(await client.delete(f"{TOKENS}/{uuid.uuid4()}"), 401, "unauthorized")
