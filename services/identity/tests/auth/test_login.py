"""POST /auth/login: tokens, failures, lockout, rehashing."""

from __future__ import annotations

import time
from collections.abc import Callable
from uuid import UUID

import httpx
import jwt
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.testing.problems import assert_problem
from worksync.identity.config import IdentitySettings
from worksync.identity.models import User
from worksync.identity.passwords import Passwords, argon2_hasher
from worksync.identity.testing import PASSWORD, Accounts, unique_email


async def test_login_answers_a_token_pair(
    client: httpx.AsyncClient, accounts: Accounts, settings: IdentitySettings
) -> None:
    user = await accounts.register()
    response = await accounts.login(user["email"])
    assert response.status_code == 200
    tokens = response.json()
    assert tokens["token_type"] == "bearer"
    assert tokens["expires_in"] == 900
    assert tokens["refresh_token"]
    header = jwt.get_unverified_header(tokens["access_token"])
    assert header["alg"] == "RS256"
    assert header["kid"]
    claims = jwt.decode(tokens["access_token"], options={"verify_signature": False})
    assert claims["iss"] == settings.jwt_issuer
    assert claims["aud"] == "worksync"
    assert claims["sub"] == user["id"]
    assert claims["email"] == user["email"]
    assert claims["name"] == "Ada"
    assert claims["exp"] - claims["iat"] == 900
    assert abs(claims["iat"] - time.time()) < 60
    assert claims["jti"]
    assert UUID(claims["sid"])
    me = await client.get(
        "/api/v1/auth/me", headers={"Authorization": f"Bearer {tokens['access_token']}"}
    )
    assert me.status_code == 200
    assert me.json()["last_login_at"] is not None


async def test_the_email_is_matched_whatever_its_case(accounts: Accounts) -> None:
    user = await accounts.register()
    response = await accounts.login(user["email"].upper())
    assert response.status_code == 200


async def test_a_wrong_password_and_an_unknown_email_answer_alike(accounts: Accounts) -> None:
    user = await accounts.register()
    wrong_password = await accounts.login(user["email"], "not the password")
    unknown_email = await accounts.login(unique_email(), PASSWORD)
    first = assert_problem(wrong_password, 401, "invalid_credentials")
    second = assert_problem(unknown_email, 401, "invalid_credentials")
    assert first == second


async def test_login_is_validated(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/v1/auth/login", json={"email": "nobody"})
    assert_problem(response, 422, "validation_failed", fields={"email", "password"})


async def test_repeated_failures_lock_the_email_even_for_the_right_password(
    accounts: Accounts, settings: IdentitySettings
) -> None:
    user = await accounts.register()
    for _ in range(settings.login_max_failures):
        assert_problem(
            await accounts.login(user["email"], "wrong password"), 401, "invalid_credentials"
        )
    locked = await accounts.login(user["email"], PASSWORD)
    assert_problem(locked, 429, "account_locked")
    retry_after = int(locked.headers["Retry-After"])
    assert 0 < retry_after <= settings.login_lockout_seconds


async def test_an_unknown_email_locks_the_same_way(
    accounts: Accounts, settings: IdentitySettings
) -> None:
    email = unique_email("ghost")
    for _ in range(settings.login_max_failures):
        assert_problem(await accounts.login(email, "guess"), 401, "invalid_credentials")
    locked = await accounts.login(email, "guess")
    assert_problem(locked, 429, "account_locked")
    assert int(locked.headers["Retry-After"]) > 0


async def test_a_successful_login_resets_the_failure_count(
    accounts: Accounts, settings: IdentitySettings
) -> None:
    user = await accounts.register()
    for _ in range(settings.login_max_failures - 1):
        await accounts.login(user["email"], "wrong password")
    assert (await accounts.login(user["email"])).status_code == 200
    for _ in range(settings.login_max_failures - 1):
        await accounts.login(user["email"], "wrong password")
    assert (await accounts.login(user["email"])).status_code == 200


async def test_login_rehashes_a_password_hashed_with_older_parameters(
    app: FastAPI,
    accounts: Accounts,
    sessionmaker: async_sessionmaker[AsyncSession],
    make_settings: Callable[..., IdentitySettings],
) -> None:
    user = await accounts.register()
    cheap_passwords = app.state.passwords
    app.state.passwords = Passwords(
        argon2_hasher(make_settings(argon2_memory_cost_kib=2048, argon2_time_cost=2)),
        max_concurrency=2,
    )
    try:
        assert (await accounts.login(user["email"])).status_code == 200
    finally:
        app.state.passwords = cheap_passwords
    async with sessionmaker() as session:
        stored = await session.scalar(select(User.password_hash).where(User.id == UUID(user["id"])))
    assert stored is not None
    assert stored.startswith("$argon2id$v=19$m=2048,t=2,p=1$")
    assert (await accounts.login(user["email"])).status_code == 200


async def test_the_default_parameters_are_owasps_argon2id(
    make_settings: Callable[..., IdentitySettings],
) -> None:
    defaults = IdentitySettings()
    assert (defaults.argon2_memory_cost_kib, defaults.argon2_time_cost) == (19456, 2)
    assert defaults.argon2_parallelism == 1
    passwords = Passwords(argon2_hasher(defaults), max_concurrency=1)
    password_hash = await passwords.hash(PASSWORD)
    assert password_hash.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert await passwords.verify(password_hash, PASSWORD)
    assert not await passwords.verify(password_hash, "another password")
    assert not passwords.needs_rehash(password_hash)
    assert Passwords(argon2_hasher(make_settings()), max_concurrency=1).needs_rehash(password_hash)
