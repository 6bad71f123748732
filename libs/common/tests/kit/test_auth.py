"""Token verification per RFC 8725: algorithm allow-list, iss/aud/exp, JWKS refresh."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization

from worksync.common.auth import (
    InvalidToken,
    JwksCache,
    TokenExpired,
    TokenVerifier,
    VerifiedTokens,
    http_jwks_source,
)
from worksync.common.testing.tokens import TokenMinter


def _verifier_serving(
    *minters: TokenMinter, min_interval: float = 3600
) -> tuple[TokenVerifier, list[int]]:
    """A verifier whose JWKS endpoint serves the given minters' keys and counts fetches."""
    fetches: list[int] = []

    def serve(_: httpx.Request) -> httpx.Response:
        fetches.append(1)
        keys = [key for m in minters for key in m.jwks()["keys"]]
        return httpx.Response(200, json={"keys": keys})

    client = httpx.AsyncClient(transport=httpx.MockTransport(serve))
    cache = JwksCache(
        http_jwks_source("http://identity/jwks", client),
        refresh_min_interval_seconds=min_interval,
    )
    return TokenVerifier(cache, issuer="worksync-identity", audience="worksync"), fetches


async def test_a_valid_token_gives_the_principal() -> None:
    minter = TokenMinter()
    verifier, fetches = _verifier_serving(minter)
    principal = await verifier.verify(minter.mint(email="a@example.com", name="A"))
    assert principal.email == "a@example.com"
    assert principal.name == "A"
    await verifier.verify(minter.mint())
    assert len(fetches) == 1, "keys are cached after the first fetch"


@pytest.mark.parametrize(
    ("overrides", "detail"),
    [
        ({"exp": int(time.time()) - 60}, "expired"),
        ({"aud": "someone-else"}, "not valid"),
        ({"iss": "evil"}, "not valid"),
        ({"sub": "not-a-uuid"}, "not valid"),
    ],
)
async def test_claims_are_checked(overrides: dict[str, Any], detail: str) -> None:
    minter = TokenMinter()
    verifier, _ = _verifier_serving(minter)
    with pytest.raises(InvalidToken) as caught:
        await verifier.verify(minter.mint(**overrides))
    assert detail in (caught.value.detail or "")


async def test_clock_skew_within_the_leeway_is_tolerated() -> None:
    """Hosts' clocks differ by seconds: a token that just expired, or is issued a little in
    the verifier's future, still verifies."""
    minter = TokenMinter()
    verifier, _ = _verifier_serving(minter)
    now = int(time.time())
    assert await verifier.verify(minter.mint(exp=now - 10))
    assert await verifier.verify(minter.mint(iat=now + 10, nbf=now + 10))


async def test_an_expired_token_has_its_own_code_and_a_malformed_one_does_not() -> None:
    minter = TokenMinter()
    verifier, _ = _verifier_serving(minter)
    with pytest.raises(TokenExpired) as expired:
        await verifier.verify(minter.mint(exp=int(time.time()) - 31))
    assert expired.value.code == "token_expired"
    assert expired.value.status == 401
    with pytest.raises(InvalidToken) as malformed:
        await verifier.verify("not.a.jwt")
    assert malformed.value.code == "invalid_token"
    with pytest.raises(InvalidToken) as future:
        await verifier.verify(minter.mint(nbf=int(time.time()) + 120))
    assert future.value.code == "invalid_token"


async def test_without_leeway_a_just_expired_token_is_refused() -> None:
    minter = TokenMinter()
    cache = JwksCache(_static_source(minter))
    strict = TokenVerifier(cache, issuer=minter.issuer, audience=minter.audience, leeway_seconds=0)
    with pytest.raises(TokenExpired):
        await strict.verify(minter.mint(exp=int(time.time()) - 2))


def _static_source(minter: TokenMinter) -> Callable[[], Awaitable[dict[str, Any]]]:
    async def source() -> dict[str, Any]:
        return minter.jwks()

    return source


async def test_a_token_missing_required_claims_is_refused() -> None:
    minter = TokenMinter()
    verifier, _ = _verifier_serving(minter)
    claims = jwt.decode(minter.mint(), options={"verify_signature": False})
    del claims["jti"]
    without_jti = jwt.encode(claims, minter._key, algorithm="RS256", headers={"kid": minter.kid})
    with pytest.raises(InvalidToken):
        await verifier.verify(without_jti)


async def test_alg_none_is_refused() -> None:
    minter = TokenMinter()
    verifier, _ = _verifier_serving(minter)
    claims = jwt.decode(minter.mint(), options={"verify_signature": False})
    forged = jwt.encode(claims, key="", algorithm="none", headers={"kid": minter.kid})
    with pytest.raises(InvalidToken) as caught:
        await verifier.verify(forged)
    assert "algorithm" in (caught.value.detail or "")


async def test_hs256_signed_with_the_public_key_is_refused() -> None:
    minter = TokenMinter()
    verifier, _ = _verifier_serving(minter)
    claims = jwt.decode(minter.mint(), options={"verify_signature": False})
    public_pem = minter._key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    header = base64.urlsafe_b64encode(json.dumps({"alg": "HS256", "kid": minter.kid}).encode())
    body = base64.urlsafe_b64encode(json.dumps(claims).encode())
    signing_input = header.rstrip(b"=") + b"." + body.rstrip(b"=")
    mac = hmac.new(public_pem, signing_input, hashlib.sha256).digest()
    forged = (signing_input + b"." + base64.urlsafe_b64encode(mac).rstrip(b"=")).decode()
    with pytest.raises(InvalidToken):
        await verifier.verify(forged)


async def test_a_token_from_another_key_is_refused() -> None:
    trusted, stranger = TokenMinter(), TokenMinter()
    verifier, _ = _verifier_serving(trusted)
    with pytest.raises(InvalidToken):
        await verifier.verify(stranger.mint())
    forged_kid = jwt.encode(
        jwt.decode(stranger.mint(), options={"verify_signature": False}),
        stranger._key,
        algorithm="RS256",
        headers={"kid": trusted.kid},
    )
    with pytest.raises(InvalidToken):
        await verifier.verify(forged_kid)


async def test_unknown_kid_refreshes_once_then_is_rate_limited() -> None:
    old, new = TokenMinter(), TokenMinter()
    served = [old]
    fetches: list[int] = []

    def serve(_: httpx.Request) -> httpx.Response:
        fetches.append(1)
        return httpx.Response(200, json={"keys": [k for m in served for k in m.jwks()["keys"]]})

    client = httpx.AsyncClient(transport=httpx.MockTransport(serve))
    cache = JwksCache(
        http_jwks_source("http://identity/jwks", client), refresh_min_interval_seconds=0.0
    )
    verifier = TokenVerifier(cache, issuer="worksync-identity", audience="worksync")
    await verifier.verify(old.mint())
    served.append(new)  # identity rotated: the new key appears in its JWKS
    await verifier.verify(new.mint())
    assert len(fetches) == 2

    limited = JwksCache(
        http_jwks_source("http://identity/jwks", client), refresh_min_interval_seconds=3600
    )
    limited_verifier = TokenVerifier(limited, issuer="worksync-identity", audience="worksync")
    fetches.clear()
    stranger = TokenMinter()
    for _ in range(10):
        with pytest.raises(InvalidToken):
            await limited_verifier.verify(stranger.mint())
    assert len(fetches) == 1, "made-up kids must not turn into a flood of JWKS requests"


async def test_jwks_outage_is_a_401_not_a_crash() -> None:
    def down(_: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("identity is down")

    client = httpx.AsyncClient(transport=httpx.MockTransport(down))
    cache = JwksCache(http_jwks_source("http://identity/jwks", client))
    verifier = TokenVerifier(cache, issuer="worksync-identity", audience="worksync")
    with pytest.raises(InvalidToken) as caught:
        await verifier.verify(TokenMinter().mint())
    assert "unavailable" in (caught.value.detail or "")


async def test_known_keys_keep_verifying_while_the_source_is_down_and_it_is_not_hammered() -> None:
    minter = TokenMinter()
    fetches: list[str] = []
    available = True

    async def source() -> dict[str, Any]:
        fetches.append("fetch")
        if not available:
            raise ConnectionError("identity is down")
        return minter.jwks()

    # Keys count as stale at once, and a failed re-read is not retried for an hour.
    cache = JwksCache(source, max_age_seconds=0.0, refresh_min_interval_seconds=3600)
    verifier = TokenVerifier(cache, issuer="worksync-identity", audience="worksync")
    await verifier.verify(minter.mint())
    available = False
    for _ in range(20):
        assert (await verifier.verify(minter.mint())).email
    assert fetches == ["fetch"], "a stale cache must not retry a failing source per request"


async def test_a_stale_cache_rereads_its_source() -> None:
    old, new = TokenMinter(), TokenMinter()
    served = [old]

    async def source() -> dict[str, Any]:
        return {"keys": [k for m in served for k in m.jwks()["keys"]]}

    cache = JwksCache(source, max_age_seconds=0.0, refresh_min_interval_seconds=0.0)
    await cache.get(old.kid)
    served[:] = [new]  # the old key was pruned upstream
    assert await cache.get(old.kid) is None
    assert await cache.get(new.kid) is not None


async def test_concurrent_callers_wait_for_a_reread_under_way() -> None:
    """Tokens arriving while the keys are being (re-)read must not be refused meanwhile."""
    minter = TokenMinter()
    reads: list[str] = []

    async def slow_source() -> dict[str, Any]:
        reads.append("read")
        await asyncio.sleep(0.05)
        return minter.jwks()

    cache = JwksCache(slow_source, max_age_seconds=0.02, refresh_min_interval_seconds=3600)

    async def caller() -> list[bool]:
        found = []
        for _ in range(10):
            found.append(await cache.get(minter.kid) is not None)
            await asyncio.sleep(0.01)
        return found

    results = await asyncio.gather(*(caller() for _ in range(32)))
    assert all(all(found) for found in results)
    assert reads == ["read"], "one read serves every concurrent caller"


@pytest.mark.parametrize(
    ("overrides", "verified"),
    [
        ({}, True),
        ({"email_verified": False}, False),
        ({"email_verified": "true"}, False),
        ({"email_verified": 1}, False),
    ],
)
async def test_email_verified_is_carried_and_only_a_literal_true_counts(
    overrides: dict[str, Any], verified: bool
) -> None:
    minter = TokenMinter()
    verifier, _ = _verifier_serving(minter)
    principal = await verifier.verify(minter.mint(**overrides))
    assert principal.email_verified is verified


async def test_a_token_without_the_email_verified_claim_is_unverified() -> None:
    minter = TokenMinter()
    verifier, _ = _verifier_serving(minter)
    claims = jwt.decode(minter.mint(), options={"verify_signature": False})
    del claims["email_verified"]
    token = jwt.encode(claims, minter._key, algorithm="RS256", headers={"kid": minter.kid})
    assert (await verifier.verify(token)).email_verified is False


async def test_a_verified_token_is_remembered_until_it_expires_and_then_refused() -> None:
    minter = TokenMinter()
    jwks = minter.jwks()

    async def source() -> dict[str, Any]:
        return jwks

    verifier = TokenVerifier(
        JwksCache(source), issuer="worksync-identity", audience="worksync", leeway_seconds=0
    )
    token = minter.mint(ttl_seconds=1)
    first = await verifier.verify(token)
    assert await verifier.verify(token) is first, "the second use is answered from memory"
    await asyncio.sleep(max(0.0, first.claims["exp"] - time.time()) + 0.05)
    with pytest.raises(TokenExpired):
        await verifier.verify(token)


async def test_remembered_tokens_are_bounded() -> None:
    minter = TokenMinter()
    verifier, _ = _verifier_serving(minter)
    verifier.verified = VerifiedTokens(max_size=3)
    tokens = [minter.mint() for _ in range(5)]
    for token in tokens:
        await verifier.verify(token)
    assert len(verifier.verified) == 3
    assert verifier.verified.get(tokens[0]) is None, "the least recently used went first"
    assert verifier.verified.get(tokens[-1]) is not None


async def test_a_remembered_token_stops_verifying_when_its_key_leaves_the_jwks() -> None:
    """Rotation: once the keys are re-read without the token's key, the token is refused,
    as it would be without the memory."""
    old, new = TokenMinter(), TokenMinter()
    served = [old]

    async def source() -> dict[str, Any]:
        return {"keys": [k for m in served for k in m.jwks()["keys"]]}

    cache = JwksCache(source, max_age_seconds=3600, refresh_min_interval_seconds=0.0)
    verifier = TokenVerifier(cache, issuer="worksync-identity", audience="worksync")
    token = old.mint()
    await verifier.verify(token)
    served[:] = [new]  # the old key was withdrawn upstream
    await verifier.verify(new.mint())  # an unknown kid re-reads the keys
    with pytest.raises(InvalidToken):
        await verifier.verify(token)
