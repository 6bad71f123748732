"""Account pre-hijacking: whoever registered an address before its owner keeps nothing once
the owner proves the mailbox, and resets and password changes end API tokens too."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import jwt
import pytest
from fastapi import FastAPI
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.config import Environment
from worksync.common.testing.problems import assert_problem
from worksync.identity.config import IdentitySettings
from worksync.identity.models import ApiToken, User
from worksync.identity.testing import PASSWORD, Account, Accounts, CapturingMailer
from worksync.identity.tokens import new_opaque_token, token_digest

TOKENS = "/api/v1/auth/api-tokens"
NEW_PASSWORD = "a brand new passphrase"


async def _new_api_token(client: httpx.AsyncClient, account: Account) -> str:
    response = await client.post(TOKENS, json={"name": "ci"}, headers=account.headers)
    assert response.status_code == 201, response.text
    secret: str = response.json()["token"]
    return secret


async def _exchange(
    client: httpx.AsyncClient, secret: str, settings: IdentitySettings
) -> httpx.Response:
    return await client.post(
        "/internal/api-tokens/exchange",
        json={"token": secret},
        headers={"X-Internal-Secret": settings.internal_secret.get_secret_value()},
    )


async def _reset(client: httpx.AsyncClient, mailer: CapturingMailer, email: str) -> httpx.Response:
    await client.post("/api/v1/auth/forgot-password", json={"email": email})
    token = mailer.token_from_last(email, "reset-password")
    return await client.post(
        "/api/v1/auth/reset-password", json={"token": token, "new_password": NEW_PASSWORD}
    )


async def _plant_api_token(sessionmaker: async_sessionmaker[AsyncSession], account: Account) -> str:
    """An API token made before tokens needed a verified email (the API refuses it now)."""
    secret = "wsp_" + new_opaque_token()
    async with sessionmaker.begin() as session:
        session.add(
            ApiToken(
                user_id=account.id,
                name="left behind",
                token_hash=token_digest(secret),
                prefix=secret[:12],
            )
        )
    return secret


def _claims(access_token: str) -> dict[str, Any]:
    claims: dict[str, Any] = jwt.decode(access_token, options={"verify_signature": False})
    return claims


async def test_an_unverified_account_cannot_create_api_tokens(
    client: httpx.AsyncClient, accounts: Accounts
) -> None:
    account = await accounts.create(verified=False)
    refused = await client.post(TOKENS, json={"name": "ci"}, headers=account.headers)
    assert_problem(refused, 403, "email_not_verified")
    listed = await client.get(TOKENS, headers=account.headers)
    assert listed.json()["items"] == []


async def test_access_tokens_carry_whether_the_email_is_verified(
    client: httpx.AsyncClient, accounts: Accounts, settings: IdentitySettings
) -> None:
    unverified = await accounts.create(verified=False)
    assert _claims(unverified.access_token)["email_verified"] is False
    verified = await accounts.create()
    assert _claims(verified.access_token)["email_verified"] is True
    exchanged = await _exchange(client, await _new_api_token(client, verified), settings)
    assert _claims(exchanged.json()["access_token"])["email_verified"] is True


async def test_a_reset_revokes_api_tokens(
    client: httpx.AsyncClient,
    accounts: Accounts,
    mailer: CapturingMailer,
    settings: IdentitySettings,
) -> None:
    account = await accounts.create()
    secret = await _new_api_token(client, account)
    assert (await _exchange(client, secret, settings)).status_code == 200
    assert (await _reset(client, mailer, account.email)).status_code == 204
    assert_problem(await _exchange(client, secret, settings), 401, "invalid_api_token")


async def test_a_password_change_revokes_api_tokens_unless_told_not_to(
    client: httpx.AsyncClient, accounts: Accounts, settings: IdentitySettings
) -> None:
    account = await accounts.create()
    kept = await _new_api_token(client, account)
    keep = await client.put(
        "/api/v1/auth/password",
        json={
            "current_password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "revoke_api_tokens": False,
        },
        headers=account.headers,
    )
    assert keep.status_code == 204
    assert (await _exchange(client, kept, settings)).status_code == 200

    by_default = await client.put(
        "/api/v1/auth/password",
        json={"current_password": NEW_PASSWORD, "new_password": PASSWORD},
        headers=account.headers,
    )
    assert by_default.status_code == 204
    assert_problem(await _exchange(client, kept, settings), 401, "invalid_api_token")
    # The caller's own session survives either way.
    assert (await client.get("/api/v1/auth/me", headers=account.headers)).status_code == 200


async def test_a_wrong_current_password_revokes_nothing(
    client: httpx.AsyncClient, accounts: Accounts, settings: IdentitySettings
) -> None:
    account = await accounts.create()
    secret = await _new_api_token(client, account)
    wrong = await client.put(
        "/api/v1/auth/password",
        json={"current_password": "not it at all", "new_password": NEW_PASSWORD},
        headers=account.headers,
    )
    assert_problem(wrong, 403, "current_password_incorrect")
    assert (await _exchange(client, secret, settings)).status_code == 200


async def test_the_first_verification_ends_what_the_earlier_holder_set_up(
    client: httpx.AsyncClient,
    accounts: Accounts,
    mailer: CapturingMailer,
    settings: IdentitySettings,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    squatter = await accounts.create(verified=False)
    left_behind = await _plant_api_token(sessionmaker, squatter)
    verification = mailer.token_from_last(squatter.email, "verify-email")
    await client.post("/api/v1/auth/forgot-password", json={"email": squatter.email})
    pending_reset = mailer.token_from_last(squatter.email, "reset-password")

    verified = await client.post("/api/v1/auth/verify-email", json={"token": verification})
    assert verified.status_code == 200
    assert verified.json()["email_verified"] is True

    assert_problem(
        await client.get("/api/v1/auth/me", headers=squatter.headers), 401, "session_revoked"
    )
    refreshed = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": squatter.refresh_token}
    )
    assert_problem(refreshed, 401, "invalid_refresh_token")
    assert_problem(await _exchange(client, left_behind, settings), 401, "invalid_api_token")
    stale_reset = await client.post(
        "/api/v1/auth/reset-password",
        json={"token": pending_reset, "new_password": NEW_PASSWORD},
    )
    assert_problem(stale_reset, 422, "token_invalid_or_expired")


async def test_a_later_verification_of_a_verified_account_ends_nothing(
    client: httpx.AsyncClient, accounts: Accounts, mailer: CapturingMailer
) -> None:
    account = await accounts.create()
    # Mailed at registration, followed after an admin (here: the test) verified the address.
    link = mailer.token_from_last(account.email, "verify-email")
    assert (await client.post("/api/v1/auth/verify-email", json={"token": link})).status_code == 200
    assert (await client.get("/api/v1/auth/me", headers=account.headers)).status_code == 200


async def test_the_first_reset_ends_pending_verification_links(
    client: httpx.AsyncClient,
    accounts: Accounts,
    mailer: CapturingMailer,
    settings: IdentitySettings,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    squatter = await accounts.create(verified=False)
    left_behind = await _plant_api_token(sessionmaker, squatter)
    verification = mailer.token_from_last(squatter.email, "verify-email")

    assert (await _reset(client, mailer, squatter.email)).status_code == 204

    assert_problem(await _exchange(client, left_behind, settings), 401, "invalid_api_token")
    stale = await client.post("/api/v1/auth/verify-email", json={"token": verification})
    assert_problem(stale, 422, "token_invalid_or_expired")
    relogged = (await accounts.login(squatter.email, NEW_PASSWORD)).json()["access_token"]
    assert _claims(relogged)["email_verified"] is True


async def test_development_can_auto_verify_new_accounts(
    app: FastAPI,
    accounts: Accounts,
    mailer: CapturingMailer,
    make_settings: Callable[..., IdentitySettings],
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    test_settings = app.state.settings
    app.state.settings = make_settings(environment=Environment.DEVELOPMENT, auto_verify_emails=True)
    try:
        user = await accounts.register()
    finally:
        app.state.settings = test_settings
    assert user["email_verified"] is True
    assert mailer.sent_to(user["email"]) == []
    async with sessionmaker() as session:
        assert await session.scalar(select(User.email_verified).where(User.id == user["id"]))


@pytest.mark.parametrize("environment", [Environment.TEST, Environment.PRODUCTION])
def test_auto_verification_is_refused_outside_development(
    make_settings: Callable[..., IdentitySettings], environment: Environment
) -> None:
    with pytest.raises(ValidationError, match="IDENTITY_AUTO_VERIFY_EMAILS"):
        make_settings(
            environment=environment,
            auto_verify_emails=True,
            internal_secret="a real internal secret",
            key_encryption_secret="a real key encryption secret",
        )


async def test_the_verification_mail_warns_whoever_did_not_sign_up(
    accounts: Accounts, mailer: CapturingMailer
) -> None:
    user = await accounts.register()
    text = mailer.sent_to(user["email"])[-1].text
    assert "did not sign up" in text
    assert "Forgot password" in text
