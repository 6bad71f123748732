"""Identity refuses every access token it did not sign, or that is not meant for it."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.testing.problems import assert_problem
from worksync.common.testing.tokens import TokenMinter
from worksync.identity.testing import Account, Accounts

ME = "/api/v1/auth/me"
Sign = Callable[[dict[str, Any]], Awaitable[str]]


@pytest.fixture
def sign_with_identity_key(app: FastAPI, sessionmaker: async_sessionmaker[AsyncSession]) -> Sign:
    """Sign arbitrary claims with identity's real, active key."""

    async def sign(claims: dict[str, Any]) -> str:
        async with sessionmaker() as session:
            token: str = await app.state.keys.sign(session, claims)
            return token

    return sign


def _claims_of(account: Account, **changes: Any) -> dict[str, Any]:
    claims: dict[str, Any] = jwt.decode(account.access_token, options={"verify_signature": False})
    claims.update(changes)
    return claims


async def _me(client: httpx.AsyncClient, token: str) -> httpx.Response:
    return await client.get(ME, headers={"Authorization": f"Bearer {token}"})


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


async def test_a_genuine_token_passes(
    client: httpx.AsyncClient, accounts: Accounts, sign_with_identity_key: Sign
) -> None:
    account = await accounts.create()
    resigned = await sign_with_identity_key(_claims_of(account))
    assert (await _me(client, resigned)).status_code == 200


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"exp": int(time.time()) - 60, "iat": int(time.time()) - 1000}, "token_expired"),
        ({"aud": "somebody-else"}, "invalid_token"),
        ({"iss": "https://evil.example"}, "invalid_token"),
    ],
    ids=["expired", "wrong audience", "wrong issuer"],
)
async def test_tokens_with_wrong_claims_are_refused(
    client: httpx.AsyncClient,
    accounts: Accounts,
    sign_with_identity_key: Sign,
    changes: dict[str, Any],
    code: str,
) -> None:
    account = await accounts.create()
    token = await sign_with_identity_key(_claims_of(account, **changes))
    assert_problem(await _me(client, token), 401, code)


async def test_a_token_signed_by_another_key_under_identitys_kid_is_refused(
    client: httpx.AsyncClient, accounts: Accounts
) -> None:
    account = await accounts.create()
    kid = jwt.get_unverified_header(account.access_token)["kid"]
    forger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = jwt.encode(_claims_of(account), forger, algorithm="RS256", headers={"kid": kid})
    assert_problem(await _me(client, forged), 401, "invalid_token")


async def test_a_token_from_an_unknown_key_is_refused(
    client: httpx.AsyncClient, accounts: Accounts
) -> None:
    account = await accounts.create()
    token = TokenMinter().mint(account.id, sid=_claims_of(account)["sid"])
    assert_problem(await _me(client, token), 401, "invalid_token")


async def test_an_unsigned_token_is_refused(client: httpx.AsyncClient, accounts: Accounts) -> None:
    account = await accounts.create()
    kid = jwt.get_unverified_header(account.access_token)["kid"]
    unsigned = f"{_b64({'alg': 'none', 'typ': 'JWT', 'kid': kid})}.{_b64(_claims_of(account))}."
    assert_problem(await _me(client, unsigned), 401, "invalid_token")


async def test_an_hs256_token_keyed_with_the_public_key_is_refused(
    client: httpx.AsyncClient, accounts: Accounts
) -> None:
    account = await accounts.create()
    kid = jwt.get_unverified_header(account.access_token)["kid"]
    jwks = (await client.get("/.well-known/jwks.json")).json()
    public_n = next(key["n"] for key in jwks["keys"] if key["kid"] == kid)
    confused = jwt.encode(_claims_of(account), public_n, algorithm="HS256", headers={"kid": kid})
    assert_problem(await _me(client, confused), 401, "invalid_token")


async def test_a_tampered_token_is_refused(client: httpx.AsyncClient, accounts: Accounts) -> None:
    account = await accounts.create()
    header, _, signature = account.access_token.split(".")
    tampered = f"{header}.{_b64(_claims_of(account, name='Mallory'))}.{signature}"
    assert_problem(await _me(client, tampered), 401, "invalid_token")


async def test_missing_and_malformed_tokens_are_refused(client: httpx.AsyncClient) -> None:
    assert_problem(await client.get(ME), 401, "unauthorized")
    assert_problem(await _me(client, "not.a.jwt"), 401, "invalid_token")
    basic = await client.get(ME, headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert_problem(basic, 401, "unauthorized")
