"""The login lockout under concurrent guessing, and per client network, so that a stranger
cannot lock an account's owner out."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI

from worksync.common.testing.problems import assert_problem
from worksync.identity.config import IdentitySettings
from worksync.identity.testing import PASSWORD, Accounts, CapturingMailer, unique_email

LOGIN = "/api/v1/auth/login"


@asynccontextmanager
async def _from(app: FastAPI, ip: str) -> AsyncIterator[httpx.AsyncClient]:
    """A client whose requests come from `ip` (the app's lifespan already runs)."""
    transport = httpx.ASGITransport(app=app, client=(ip, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


async def _login(client: httpx.AsyncClient, email: str, password: str) -> httpx.Response:
    return await client.post(LOGIN, json={"email": email, "password": password})


async def test_parallel_wrong_passwords_get_no_more_tries_than_the_limit(
    app: FastAPI, accounts: Accounts, settings: IdentitySettings
) -> None:
    user = await accounts.register()
    attempts = settings.login_max_failures * 4
    async with _from(app, "203.0.113.10") as client:
        answers = await asyncio.gather(
            *(_login(client, user["email"], f"guess {n}") for n in range(attempts))
        )
        codes = sorted(answer.json()["code"] for answer in answers)
        assert codes.count("invalid_credentials") == settings.login_max_failures
        assert codes.count("account_locked") == attempts - settings.login_max_failures
        assert_problem(await _login(client, user["email"], PASSWORD), 429, "account_locked")


async def test_a_lock_holds_only_for_the_network_it_was_earned_from(
    app: FastAPI, accounts: Accounts, settings: IdentitySettings
) -> None:
    user = await accounts.register()
    async with _from(app, "203.0.113.20") as attacker:
        for _ in range(settings.login_max_failures):
            await _login(attacker, user["email"], "guess")
        assert_problem(await _login(attacker, user["email"], PASSWORD), 429, "account_locked")
    async with _from(app, "198.51.100.20") as owner:
        assert (await _login(owner, user["email"], PASSWORD)).status_code == 200


async def test_ipv6_clients_are_throttled_by_their_64(
    app: FastAPI, accounts: Accounts, settings: IdentitySettings
) -> None:
    user = await accounts.register()
    for n in range(settings.login_max_failures):
        # Every guess from another address of the same /64.
        async with _from(app, f"2001:db8:aa:1::{n + 1:x}") as attacker:
            assert_problem(
                await _login(attacker, user["email"], "guess"), 401, "invalid_credentials"
            )
    async with _from(app, "2001:db8:aa:1:ffff::1") as same_64:
        assert_problem(await _login(same_64, user["email"], PASSWORD), 429, "account_locked")
    async with _from(app, "2001:db8:aa:2::1") as next_64:
        assert (await _login(next_64, user["email"], PASSWORD)).status_code == 200


async def test_guessing_from_many_networks_locks_out_only_unknown_networks(
    app: FastAPI,
    accounts: Accounts,
    make_settings: Callable[..., IdentitySettings],
) -> None:
    user = await accounts.register()
    async with _from(app, "192.0.2.30") as home:
        assert (await _login(home, user["email"], PASSWORD)).status_code == 200
    test_settings = app.state.settings
    app.state.settings = make_settings(login_max_failures=3, login_max_failures_per_account=6)
    try:
        for network in range(3):
            async with _from(app, f"203.0.113.{network + 40}") as attacker:
                for _ in range(2):
                    assert_problem(
                        await _login(attacker, user["email"], "guess"), 401, "invalid_credentials"
                    )
        async with _from(app, "203.0.113.99") as stranger:
            refused = await _login(stranger, user["email"], PASSWORD)
            assert_problem(refused, 429, "account_locked")
        async with _from(app, "192.0.2.30") as home:
            assert (await _login(home, user["email"], PASSWORD)).status_code == 200
    finally:
        app.state.settings = test_settings


async def test_an_unknown_email_is_throttled_across_networks_too(
    app: FastAPI, make_settings: Callable[..., IdentitySettings]
) -> None:
    email = unique_email("ghost")
    test_settings = app.state.settings
    app.state.settings = make_settings(login_max_failures=3, login_max_failures_per_account=4)
    try:
        for network in range(2):
            async with _from(app, f"203.0.113.{network + 60}") as attacker:
                for _ in range(2):
                    assert_problem(
                        await _login(attacker, email, "guess"), 401, "invalid_credentials"
                    )
        async with _from(app, "203.0.113.69") as another:
            assert_problem(await _login(another, email, "guess"), 429, "account_locked")
    finally:
        app.state.settings = test_settings


async def test_a_password_reset_lifts_every_lock(
    app: FastAPI,
    accounts: Accounts,
    mailer: CapturingMailer,
    settings: IdentitySettings,
) -> None:
    user = await accounts.register()
    async with _from(app, "203.0.113.80") as client:
        for _ in range(settings.login_max_failures):
            await _login(client, user["email"], "guess")
        assert_problem(await _login(client, user["email"], PASSWORD), 429, "account_locked")
        await client.post("/api/v1/auth/forgot-password", json={"email": user["email"]})
        token = mailer.token_from_last(user["email"], "reset-password")
        reset = await client.post(
            "/api/v1/auth/reset-password",
            json={"token": token, "new_password": "a brand new passphrase"},
        )
        assert reset.status_code == 204
        assert (await _login(client, user["email"], "a brand new passphrase")).status_code == 200
