"""Who gets through: public routes, access tokens, personal API tokens."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization

from worksync.common.testing.tokens import TokenMinter

from .fakes import FakeUpstream
from .serving import GatewayFactory


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _claims(minter: TokenMinter, **overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": minter.issuer,
        "aud": minter.audience,
        "sub": str(uuid.uuid4()),
        "iat": now,
        "exp": now + 600,
        "jti": uuid.uuid4().hex,
    }
    claims.update(overrides)
    return claims


def _unsigned(header: dict[str, Any], claims: dict[str, Any], key: bytes | None) -> str:
    signing_input = _b64(json.dumps(header).encode()) + "." + _b64(json.dumps(claims).encode())
    signature = (
        b"" if key is None else hmac.new(key, signing_input.encode(), hashlib.sha256).digest()
    )
    return signing_input + "." + _b64(signature)


def _public_pem(minter: TokenMinter) -> bytes:
    key = jwt.PyJWK(minter.jwks()["keys"][0]).key
    pem: bytes = key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return pem


def _bad_tokens(minter: TokenMinter) -> dict[str, str]:
    stranger = TokenMinter()
    impostor = TokenMinter()
    impostor.kid = minter.kid  # the right key id, the wrong key
    return {
        "unknown key": stranger.mint(),
        "forged signature": impostor.mint(),
        "expired": minter.mint(ttl_seconds=-120),
        "wrong audience": minter.mint(aud="someone-else"),
        "wrong issuer": minter.mint(iss="https://evil.example"),
        "alg none": _unsigned(
            {"alg": "none", "typ": "JWT", "kid": minter.kid}, _claims(minter), None
        ),
        "hs256 with the public key": _unsigned(
            {"alg": "HS256", "typ": "JWT", "kid": minter.kid}, _claims(minter), _public_pem(minter)
        ),
        "garbage": "not.a.jwt",
    }


async def test_public_route_needs_no_token(gateway: httpx.AsyncClient) -> None:
    response = await gateway.post("/api/v1/auth/login", json={"email": "a@example.com"})
    assert response.status_code == 200
    echo = response.json()
    assert echo["path"] == "/api/v1/auth/login"
    assert json.loads(echo["body"]) == {"email": "a@example.com"}
    assert "authorization" not in echo["headers"]


async def test_jwks_is_public(gateway: httpx.AsyncClient, minter: TokenMinter) -> None:
    response = await gateway.get("/.well-known/jwks.json")
    assert response.status_code == 200
    assert response.json()["keys"][0]["kid"] == minter.kid


async def test_public_method_only(gateway: httpx.AsyncClient, auth: dict[str, str]) -> None:
    """Login has POST alone, public: any other method is 405 with `Allow`, as identity would
    answer, token or not (not 401, which no token would cure); nothing goes upstream."""
    for method, path, allow in [
        ("GET", "/api/v1/auth/login", "POST"),
        ("DELETE", "/api/v1/auth/register", "POST"),
        ("PUT", "/.well-known/jwks.json", "GET, HEAD"),
        ("PATCH", "/api/v1/invitations/some-token", "GET, HEAD"),
    ]:
        for headers in ({}, auth):
            response = await gateway.request(method, path, headers=headers)
            assert response.status_code == 405, (method, path)
            assert response.headers["allow"] == allow
            assert response.headers["content-type"] == "application/problem+json"
            assert response.json()["code"] == "method_not_allowed"


async def test_missing_token_is_401(gateway: httpx.AsyncClient) -> None:
    response = await gateway.get("/api/v1/auth/me")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.json()["code"] == "invalid_token"


async def test_non_bearer_scheme_is_401(gateway: httpx.AsyncClient) -> None:
    response = await gateway.get("/api/v1/auth/me", headers={"Authorization": "Basic dXNlcjpwdw=="})
    assert response.status_code == 401


@pytest.mark.parametrize(
    "kind",
    [
        "unknown key",
        "forged signature",
        "expired",
        "wrong audience",
        "wrong issuer",
        "alg none",
        "hs256 with the public key",
        "garbage",
    ],
)
async def test_bad_token_is_401(gateway: httpx.AsyncClient, minter: TokenMinter, kind: str) -> None:
    token = _bad_tokens(minter)[kind]
    response = await gateway.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401, kind
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"].startswith("Bearer")
    problem = response.json()
    assert problem["status"] == 401
    # An expired token has a code of its own, so that clients know to refresh.
    assert problem["code"] == ("token_expired" if kind == "expired" else "invalid_token")


async def test_valid_token_forwards_original_authorization(
    gateway: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    for _ in range(2):  # the second answer comes from the verified-token cache
        response = await gateway.get("/api/v1/auth/me", headers=auth)
        assert response.status_code == 200
        assert response.json()["headers"]["authorization"] == auth["Authorization"]


async def test_api_token_is_exchanged_once_and_cached(
    gateway: httpx.AsyncClient, identity: FakeUpstream
) -> None:
    api_token = f"wsp_{uuid.uuid4().hex}"
    user_id = uuid.uuid4()
    identity.api_tokens[api_token] = user_id
    for _ in range(3):
        response = await gateway.get(
            "/api/v1/users/me", headers={"Authorization": f"Bearer {api_token}"}
        )
        assert response.status_code == 200
        forwarded = response.json()["headers"]["authorization"]
        assert forwarded.startswith("Bearer ey")
        assert api_token not in forwarded
        claims = jwt.decode(forwarded.removeprefix("Bearer "), options={"verify_signature": False})
        assert claims["sub"] == str(user_id)
    assert identity.exchange_calls[api_token] == 1


async def test_invalid_api_token_is_401_and_briefly_cached(
    gateway: httpx.AsyncClient, identity: FakeUpstream
) -> None:
    api_token = f"wsp_{uuid.uuid4().hex}"
    for _ in range(3):
        response = await gateway.get(
            "/api/v1/users/me", headers={"Authorization": f"Bearer {api_token}"}
        )
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/problem+json"
    assert identity.exchange_calls[api_token] == 1


async def test_api_token_is_never_forwarded_on_public_routes(
    gateway: httpx.AsyncClient, identity: FakeUpstream
) -> None:
    api_token = f"wsp_{uuid.uuid4().hex}"
    response = await gateway.post(
        "/api/v1/auth/login", json={}, headers={"Authorization": f"Bearer {api_token}"}
    )
    assert response.status_code == 200
    assert "authorization" not in response.json()["headers"]


async def test_identity_down_makes_api_tokens_503(
    gateway_factory: GatewayFactory, down_url: str
) -> None:
    async with gateway_factory(identity_url=down_url) as client:
        response = await client.get(
            "/api/v1/users/me", headers={"Authorization": f"Bearer wsp_{uuid.uuid4().hex}"}
        )
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
