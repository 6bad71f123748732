"""Access-token verification (RFC 8725): RS256 through a cached JWKS, `Principal` dependency."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Annotated, Any
from uuid import UUID

import httpx
import jwt
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from worksync.common.errors import Unauthorized

ALLOWED_ALGORITHMS = ("RS256",)
REQUIRED_CLAIMS = ("iss", "aud", "sub", "exp", "iat", "jti")


class InvalidToken(Unauthorized):
    def __init__(self, detail: str = "The access token is not valid") -> None:
        super().__init__(detail=detail, code="invalid_token")


@dataclass(frozen=True)
class Principal:
    """Who is calling: the verified claims of the access token."""

    user_id: UUID
    email: str
    name: str
    token_id: str
    claims: dict[str, Any]


class JwksCache:
    """Public keys by `kid`, fetched from identity, refreshed on an unknown `kid`.

    Refreshes are rate limited so that a flood of tokens with made-up `kid`s cannot turn
    into a flood of JWKS requests.
    """

    def __init__(
        self,
        url: str,
        *,
        client: httpx.AsyncClient | None = None,
        max_age_seconds: float = 300.0,
        refresh_min_interval_seconds: float = 5.0,
    ) -> None:
        self._url = url
        self._client = client
        self._max_age = max_age_seconds
        self._min_interval = refresh_min_interval_seconds
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at = float("-inf")
        self._lock = asyncio.Lock()

    def load(self, jwks: dict[str, Any]) -> None:
        keys: dict[str, jwt.PyJWK] = {}
        for data in jwks.get("keys", []):
            if data.get("kty") != "RSA" or "kid" not in data:
                continue
            keys[data["kid"]] = jwt.PyJWK(data, algorithm="RS256")
        self._keys = keys
        self._fetched_at = time.monotonic()

    async def _fetch(self) -> None:
        if self._client is not None:
            response = await self._client.get(self._url, timeout=5.0)
        else:
            async with httpx.AsyncClient() as client:
                response = await client.get(self._url, timeout=5.0)
        response.raise_for_status()
        self.load(response.json())

    async def get(self, kid: str) -> jwt.PyJWK | None:
        age = time.monotonic() - self._fetched_at
        key = self._keys.get(kid)
        if key is not None and age < self._max_age:
            return key
        async with self._lock:
            age = time.monotonic() - self._fetched_at
            key = self._keys.get(kid)
            stale = age >= self._max_age
            if (key is None and age >= self._min_interval) or stale:
                try:
                    await self._fetch()
                except (httpx.HTTPError, ValueError):
                    if key is None:
                        raise
                    return key
            return self._keys.get(kid)


class TokenVerifier:
    def __init__(self, jwks: JwksCache, *, issuer: str, audience: str) -> None:
        self._jwks = jwks
        self._issuer = issuer
        self._audience = audience

    async def verify(self, token: str) -> Principal:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise InvalidToken("The access token is malformed") from exc
        if header.get("alg") not in ALLOWED_ALGORITHMS:
            raise InvalidToken("The access token's algorithm is not accepted")
        kid = header.get("kid")
        if not isinstance(kid, str):
            raise InvalidToken("The access token names no key")
        try:
            key = await self._jwks.get(kid)
        except (httpx.HTTPError, ValueError) as exc:
            raise InvalidToken("Signing keys are unavailable; try again") from exc
        if key is None:
            raise InvalidToken("The access token's key is unknown")
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key=key,
                algorithms=list(ALLOWED_ALGORITHMS),
                audience=self._audience,
                issuer=self._issuer,
                options={"require": list(REQUIRED_CLAIMS)},
            )
        except jwt.ExpiredSignatureError as exc:
            raise InvalidToken("The access token has expired") from exc
        except jwt.PyJWTError as exc:
            raise InvalidToken() from exc
        try:
            user_id = UUID(claims["sub"])
        except ValueError as exc:
            raise InvalidToken() from exc
        return Principal(
            user_id=user_id,
            email=str(claims.get("email", "")),
            name=str(claims.get("name", "")),
            token_id=str(claims["jti"]),
            claims=claims,
        )


_bearer = HTTPBearer(auto_error=False)


async def get_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The verified caller; the app keeps its `TokenVerifier` at `app.state.token_verifier`."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized()
    verifier: TokenVerifier = request.app.state.token_verifier
    return await verifier.verify(credentials.credentials)


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]
