"""Forgot/reset password, email verification, password change."""

from __future__ import annotations

from datetime import timedelta

import httpx
from sqlalchemy import func, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.testing.problems import assert_problem
from worksync.identity.config import IdentitySettings
from worksync.identity.models import OneTimeToken
from worksync.identity.testing import (
    PASSWORD,
    Accounts,
    CapturingMailer,
    unique_email,
)
from worksync.identity.tokens import token_digest

NEW_PASSWORD = "a brand new passphrase"


async def _forgot(client: httpx.AsyncClient, email: str) -> httpx.Response:
    return await client.post("/api/v1/auth/forgot-password", json={"email": email})


async def _reset(client: httpx.AsyncClient, token: str, password: str) -> httpx.Response:
    return await client.post(
        "/api/v1/auth/reset-password", json={"token": token, "new_password": password}
    )


async def test_forgot_password_answers_the_same_whether_or_not_the_account_exists(
    client: httpx.AsyncClient, accounts: Accounts, mailer: CapturingMailer
) -> None:
    user = await accounts.register()
    unknown = unique_email("nobody")
    known_answer = await _forgot(client, user["email"])
    unknown_answer = await _forgot(client, unknown)
    assert known_answer.status_code == unknown_answer.status_code == 202
    assert known_answer.json() == unknown_answer.json()
    assert mailer.token_from_last(user["email"], "reset-password")
    assert mailer.sent_to(unknown) == []


async def test_a_reset_link_sets_the_password_once_and_ends_every_session(
    client: httpx.AsyncClient,
    accounts: Accounts,
    mailer: CapturingMailer,
    settings: IdentitySettings,
) -> None:
    account = await accounts.create()
    await _forgot(client, account.email)
    message = mailer.sent_to(account.email)[-1]
    assert message.text.count(settings.public_base_url + "/reset-password?token=") == 1
    token = mailer.token_from_last(account.email, "reset-password")

    assert (await _reset(client, token, NEW_PASSWORD)).status_code == 204
    assert_problem(
        await _reset(client, token, "yet another passphrase"),
        422,
        "token_invalid_or_expired",
        fields={"token"},
    )
    assert_problem(await accounts.login(account.email, PASSWORD), 401, "invalid_credentials")
    assert (await accounts.login(account.email, NEW_PASSWORD)).status_code == 200
    refreshed = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": account.refresh_token}
    )
    assert_problem(refreshed, 401, "invalid_refresh_token")


async def test_only_the_latest_reset_link_works(
    client: httpx.AsyncClient, accounts: Accounts, mailer: CapturingMailer
) -> None:
    user = await accounts.register()
    await _forgot(client, user["email"])
    first = mailer.token_from_last(user["email"], "reset-password")
    await _forgot(client, user["email"])
    second = mailer.token_from_last(user["email"], "reset-password")
    assert_problem(await _reset(client, first, NEW_PASSWORD), 422, "token_invalid_or_expired")
    assert (await _reset(client, second, NEW_PASSWORD)).status_code == 204


async def test_an_expired_reset_link_is_refused(
    client: httpx.AsyncClient,
    accounts: Accounts,
    mailer: CapturingMailer,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    user = await accounts.register()
    await _forgot(client, user["email"])
    token = mailer.token_from_last(user["email"], "reset-password")
    async with sessionmaker.begin() as session:
        await session.execute(
            update(OneTimeToken)
            .where(OneTimeToken.token_hash == token_digest(token))
            .values(expires_at=func.now() - timedelta(seconds=1))
        )
    assert_problem(await _reset(client, token, NEW_PASSWORD), 422, "token_invalid_or_expired")


async def test_a_reset_needs_a_valid_new_password(client: httpx.AsyncClient) -> None:
    response = await _reset(client, "whatever", "short")
    assert_problem(response, 422, "validation_failed", fields={"new_password"})


async def test_the_verification_link_verifies_the_email_once(
    client: httpx.AsyncClient, accounts: Accounts, mailer: CapturingMailer
) -> None:
    user = await accounts.register()
    token = mailer.token_from_last(user["email"], "verify-email")
    response = await client.post("/api/v1/auth/verify-email", json={"token": token})
    assert response.status_code == 200
    assert response.json()["email_verified"] is True
    again = await client.post("/api/v1/auth/verify-email", json={"token": token})
    assert_problem(again, 422, "token_invalid_or_expired", fields={"token"})


async def test_a_verification_link_can_be_sent_again(
    client: httpx.AsyncClient, accounts: Accounts, mailer: CapturingMailer
) -> None:
    account = await accounts.create(verified=False)
    first = mailer.token_from_last(account.email, "verify-email")
    response = await client.post("/api/v1/auth/verify-email/resend", headers=account.headers)
    assert response.status_code == 202
    second = mailer.token_from_last(account.email, "verify-email")
    assert second != first
    assert (
        await client.post("/api/v1/auth/verify-email", json={"token": second})
    ).status_code == 200
    relogged = (await accounts.login(account.email)).json()["access_token"]
    already = await client.post(
        "/api/v1/auth/verify-email/resend", headers={"Authorization": f"Bearer {relogged}"}
    )
    assert_problem(already, 409, "email_already_verified")
    anonymous = await client.post("/api/v1/auth/verify-email/resend")
    assert_problem(anonymous, 401, "unauthorized")


async def test_changing_the_password_ends_other_sessions_but_not_the_current(
    client: httpx.AsyncClient, accounts: Accounts
) -> None:
    account = await accounts.create()
    other = (await accounts.login(account.email)).json()
    response = await client.put(
        "/api/v1/auth/password",
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        headers=account.headers,
    )
    assert response.status_code == 204
    assert (await client.get("/api/v1/auth/me", headers=account.headers)).status_code == 200
    assert (
        await client.post("/api/v1/auth/refresh", json={"refresh_token": account.refresh_token})
    ).status_code == 200
    other_refresh = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": other["refresh_token"]}
    )
    assert_problem(other_refresh, 401, "invalid_refresh_token")
    other_me = await client.get(
        "/api/v1/auth/me", headers={"Authorization": f"Bearer {other['access_token']}"}
    )
    assert_problem(other_me, 401, "session_revoked")
    assert (await accounts.login(account.email, NEW_PASSWORD)).status_code == 200


async def test_changing_the_password_needs_the_current_one(
    client: httpx.AsyncClient, accounts: Accounts
) -> None:
    account = await accounts.create()
    wrong = await client.put(
        "/api/v1/auth/password",
        json={"current_password": "not it at all", "new_password": NEW_PASSWORD},
        headers=account.headers,
    )
    assert_problem(wrong, 403, "current_password_incorrect")
    weak = await client.put(
        "/api/v1/auth/password",
        json={"current_password": PASSWORD, "new_password": "short"},
        headers=account.headers,
    )
    assert_problem(weak, 422, "validation_failed", fields={"new_password"})
    assert (await accounts.login(account.email, PASSWORD)).status_code == 200


async def test_wrong_current_passwords_count_towards_the_lockout(
    client: httpx.AsyncClient, accounts: Accounts, settings: IdentitySettings
) -> None:
    account = await accounts.create()
    for _ in range(settings.login_max_failures):
        await client.put(
            "/api/v1/auth/password",
            json={"current_password": "guessing", "new_password": NEW_PASSWORD},
            headers=account.headers,
        )
    locked = await client.put(
        "/api/v1/auth/password",
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        headers=account.headers,
    )
    assert_problem(locked, 429, "account_locked")
