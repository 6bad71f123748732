"""Access-token verification (RFC 8725): RS256 through a cached JWKS, `Principal` dependency."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
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
DEFAULT_LEEWAY_SECONDS = 30.0

logger = logging.getLogger(__name__)


class InvalidToken(Unauthorized):
    def __init__(self, detail: str = "The access token is not valid") -> None:
        super().__init__(detail=detail, code="invalid_token")


class TokenExpired(InvalidToken):
    """A genuine token past its expiry (beyond the leeway): the client should refresh it."""

    def __init__(self) -> None:
        super().__init__("The access token has expired")
        self.code = "token_expired"


@dataclass(frozen=True)
class Principal:
    """Who is calling: the verified claims of the access token."""

    user_id: UUID
    email: str
    name: str
    token_id: str
    claims: dict[str, Any]
    # Whether identity has verified `email`; a token without the claim counts as unverified.
    email_verified: bool = False


JwksSource = Callable[[], Awaitable[dict[str, Any]]]


class KeysUnavailable(Exception):
    """The JWKS could not be read and no usable key is cached."""


def http_jwks_source(url: str, client: httpx.AsyncClient) -> JwksSource:
    """Read a JWKS document over HTTP (identity's `/.well-known/jwks.json`)."""

    async def fetch() -> dict[str, Any]:
        response = await client.get(url, timeout=5.0)
        response.raise_for_status()
        document: dict[str, Any] = response.json()
        return document

    return fetch


class JwksCache:
    """Public keys by `kid`, read from a source, re-read when stale or on an unknown `kid`.

    Re-reads are rate limited, failed ones included, so that neither a flood of tokens
    with made-up `kid`s nor an outage of the source turns into a flood of requests; while
    the source is down, keys already known keep verifying.
    """

    def __init__(
        self,
        source: JwksSource,
        *,
        max_age_seconds: float = 300.0,
        refresh_min_interval_seconds: float = 5.0,
    ) -> None:
        self._source = source
        self._max_age = max_age_seconds
        self._min_interval = refresh_min_interval_seconds
        self._keys: dict[str, jwt.PyJWK] = {}
        self._loaded_at = float("-inf")
        self._attempted_at = float("-inf")
        self._lock = asyncio.Lock()

    def load(self, jwks: dict[str, Any]) -> None:
        keys: dict[str, jwt.PyJWK] = {}
        for data in jwks.get("keys", []):
            if data.get("kty") != "RSA" or "kid" not in data:
                continue
            keys[data["kid"]] = jwt.PyJWK(data, algorithm="RS256")
        self._keys = keys
        self._loaded_at = time.monotonic()

    def _stale(self) -> bool:
        return time.monotonic() - self._loaded_at >= self._max_age

    def _refresh_allowed(self) -> bool:
        return time.monotonic() - self._attempted_at >= self._min_interval

    async def get(self, kid: str) -> jwt.PyJWK | None:
        key = self._keys.get(kid)
        if key is not None and (not self._stale() or self._lock.locked()):
            # Fresh, or a re-read is under way and the known key still verifies meanwhile.
            return key
        if not self._lock.locked() and not self._refresh_allowed():
            return key
        # A caller missing its key waits for a re-read under way rather than failing.
        async with self._lock:
            if (self._stale() or kid not in self._keys) and self._refresh_allowed():
                self._attempted_at = time.monotonic()
                try:
                    self.load(await self._source())
                except Exception as exc:  # any failure of the source: keep what we have
                    logger.warning("reading signing keys failed: %r", exc)
                    if not self._keys:
                        raise KeysUnavailable from exc
            return self._keys.get(kid)


class TokenVerifier:
    """Checks signature and claims; `leeway_seconds` absorbs clock skew between hosts in
    `exp`, `iat` and `nbf`."""

    def __init__(
        self,
        jwks: JwksCache,
        *,
        issuer: str,
        audience: str,
        leeway_seconds: float = DEFAULT_LEEWAY_SECONDS,
    ) -> None:
        self._jwks = jwks
        self._issuer = issuer
        self._audience = audience
        self._leeway = leeway_seconds

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
        except KeysUnavailable as exc:
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
                leeway=self._leeway,
                options={"require": list(REQUIRED_CLAIMS)},
            )
        except jwt.ExpiredSignatureError as exc:
            raise TokenExpired() from exc
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
            email_verified=claims.get("email_verified") is True,
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
