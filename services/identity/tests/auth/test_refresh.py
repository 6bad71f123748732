"""POST /auth/refresh and /auth/logout: rotation, reuse detection, families."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import httpx
import pytest
from pydantic import ValidationError
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.testing.problems import assert_problem
from worksync.identity.config import IdentitySettings
from worksync.identity.models import RefreshToken, UserSession
from worksync.identity.testing import Accounts
from worksync.identity.tokens import token_digest

REFRESH = "/api/v1/auth/refresh"
LOGOUT = "/api/v1/auth/logout"


async def _refresh(client: httpx.AsyncClient, refresh_token: str) -> httpx.Response:
    return await client.post(REFRESH, json={"refresh_token": refresh_token})


async def test_refresh_rotates_the_refresh_token(
    client: httpx.AsyncClient, accounts: Accounts
) -> None:
    account = await accounts.create()
    response = await _refresh(client, account.refresh_token)
    assert response.status_code == 200
    pair = response.json()
    assert pair["refresh_token"] != account.refresh_token
    assert pair["token_type"] == "bearer"
    me = await client.get(
        "/api/v1/auth/me", headers={"Authorization": f"Bearer {pair['access_token']}"}
    )
    assert me.status_code == 200
    assert (await _refresh(client, pair["refresh_token"])).status_code == 200


async def test_a_reused_refresh_token_revokes_the_whole_family(
    client: httpx.AsyncClient, accounts: Accounts
) -> None:
    account = await accounts.create()
    rotated = (await _refresh(client, account.refresh_token)).json()
    reuse = await _refresh(client, account.refresh_token)
    assert_problem(reuse, 401, "refresh_token_reused")
    # The successor, though never used, belongs to the revoked family.
    assert_problem(await _refresh(client, rotated["refresh_token"]), 401, "invalid_refresh_token")
    me = await client.get(
        "/api/v1/auth/me", headers={"Authorization": f"Bearer {rotated['access_token']}"}
    )
    assert_problem(me, 401, "session_revoked")


async def test_reuse_in_one_family_leaves_other_sessions_alone(
    client: httpx.AsyncClient, accounts: Accounts
) -> None:
    account = await accounts.create()
    other_login = (await accounts.login(account.email)).json()
    await _refresh(client, account.refresh_token)
    await _refresh(client, account.refresh_token)
    assert (await _refresh(client, other_login["refresh_token"])).status_code == 200


async def test_an_unknown_refresh_token_is_refused(client: httpx.AsyncClient) -> None:
    assert_problem(await _refresh(client, "made-up"), 401, "invalid_refresh_token")
    assert_problem(
        await client.post(REFRESH, json={}), 422, "validation_failed", fields={"refresh_token"}
    )


async def test_an_expired_refresh_token_is_refused(
    client: httpx.AsyncClient,
    accounts: Accounts,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    account = await accounts.create()
    async with sessionmaker.begin() as session:
        await session.execute(
            update(RefreshToken)
            .where(RefreshToken.token_hash == token_digest(account.refresh_token))
            .values(expires_at=func.now() - timedelta(seconds=1))
        )
    assert_problem(await _refresh(client, account.refresh_token), 401, "invalid_refresh_token")


async def test_logout_ends_the_session(client: httpx.AsyncClient, accounts: Accounts) -> None:
    account = await accounts.create()
    response = await client.post(LOGOUT, json={"refresh_token": account.refresh_token})
    assert response.status_code == 204
    assert_problem(await _refresh(client, account.refresh_token), 401, "invalid_refresh_token")
    assert_problem(
        await client.get("/api/v1/auth/me", headers=account.headers), 401, "session_revoked"
    )
    # Logging out twice, or with a token nobody knows, is no error.
    again = await client.post(LOGOUT, json={"refresh_token": account.refresh_token})
    assert again.status_code == 204
    assert (await client.post(LOGOUT, json={"refresh_token": "unknown"})).status_code == 204


async def _age_session(
    sessionmaker: async_sessionmaker[AsyncSession], refresh_token: str, age: timedelta
) -> None:
    """Make the session of `refresh_token` look as if it began `age` ago."""
    async with sessionmaker.begin() as session:
        session_id = await session.scalar(
            select(RefreshToken.session_id).where(
                RefreshToken.token_hash == token_digest(refresh_token)
            )
        )
        await session.execute(
            update(UserSession)
            .where(UserSession.id == session_id)
            .values(created_at=func.now() - age)
        )


async def test_a_session_cannot_be_refreshed_past_its_absolute_lifetime(
    client: httpx.AsyncClient,
    accounts: Accounts,
    settings: IdentitySettings,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    account = await accounts.create()
    lifetime = timedelta(seconds=settings.session_max_lifetime_seconds)
    # Refreshed every day, it was never idle; it is simply too old.
    await _age_session(sessionmaker, account.refresh_token, lifetime + timedelta(seconds=1))
    refused = await _refresh(client, account.refresh_token)
    assert_problem(refused, 401, "invalid_refresh_token")
    assert "lifetime" in refused.json()["detail"]


async def test_refresh_tokens_never_outlive_their_session(
    client: httpx.AsyncClient,
    accounts: Accounts,
    settings: IdentitySettings,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    account = await accounts.create()
    lifetime = timedelta(seconds=settings.session_max_lifetime_seconds)
    await _age_session(sessionmaker, account.refresh_token, lifetime - timedelta(hours=1))
    response = await _refresh(client, account.refresh_token)
    assert response.status_code == 200, response.text
    successor = response.json()["refresh_token"]
    async with sessionmaker() as session:
        token, user_session = (
            await session.execute(
                select(RefreshToken, UserSession)
                .join(UserSession, UserSession.id == RefreshToken.session_id)
                .where(RefreshToken.token_hash == token_digest(successor))
            )
        ).one()
    end = user_session.created_at + lifetime
    assert token.expires_at <= end
    assert user_session.expires_at <= end


def test_the_absolute_lifetime_is_no_shorter_than_the_idle_one(
    make_settings: Callable[..., IdentitySettings],
) -> None:
    with pytest.raises(ValidationError, match="IDENTITY_SESSION_MAX_LIFETIME_SECONDS"):
        make_settings(refresh_token_ttl_seconds=7200, session_max_lifetime_seconds=3600)
