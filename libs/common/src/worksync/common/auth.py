"""Access-token verification (RFC 8725): RS256 through a cached JWKS, `Principal` dependency.

A verified token's principal is kept (bounded LRU) until the token expires, so a client
sending the same token again costs a dictionary look-up instead of a signature check, as
at the gateway. A kept answer is only used while the key that verified it is still the
one the JWKS cache holds for its `kid`: a reload of the keys (every `max_age_seconds`, or
on an unknown `kid`) makes every token verify once more, so a key withdrawn from the JWKS
stops a token exactly when it would have without the cache.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
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
# A few thousand callers' tokens per process (a few kB each); beyond that the least recently
# seen ones verify again.
DEFAULT_VERIFIED_TOKENS = 4096

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

    def current(self, kid: str) -> jwt.PyJWK | None:
        """The key loaded for `kid` while the keys are fresh; never reads the source."""
        return None if self._stale() else self._keys.get(kid)

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


@dataclass(frozen=True, slots=True)
class VerifiedToken:
    principal: Principal
    kid: str
    # The key that verified the token: the answer holds while the JWKS cache still has it.
    key: jwt.PyJWK
    # Epoch seconds; the token's `exp` plus the leeway, as the verification itself allows.
    valid_until: float


class VerifiedTokens:
    """Verified tokens, least recently used dropped first beyond `max_size`."""

    def __init__(self, max_size: int) -> None:
        self._entries: OrderedDict[str, VerifiedToken] = OrderedDict()
        self._max_size = max_size

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, token: str) -> VerifiedToken | None:
        entry = self._entries.get(token)
        if entry is not None:
            self._entries.move_to_end(token)
        return entry

    def put(self, token: str, entry: VerifiedToken) -> None:
        self._entries[token] = entry
        self._entries.move_to_end(token)
        while len(self._entries) > self._max_size:
            self._entries.popitem(last=False)

    def discard(self, token: str) -> None:
        self._entries.pop(token, None)


class TokenVerifier:
    """Checks signature and claims; `leeway_seconds` absorbs clock skew between hosts in
    `exp`, `iat` and `nbf`. Verified tokens are remembered until they expire (see the
    module's docstring); refusals are not."""

    def __init__(
        self,
        jwks: JwksCache,
        *,
        issuer: str,
        audience: str,
        leeway_seconds: float = DEFAULT_LEEWAY_SECONDS,
        verified_tokens: int = DEFAULT_VERIFIED_TOKENS,
    ) -> None:
        self._jwks = jwks
        self._issuer = issuer
        self._audience = audience
        self._leeway = leeway_seconds
        self.verified = VerifiedTokens(verified_tokens)

    async def verify(self, token: str) -> Principal:
        known = self.verified.get(token)
        if known is not None:
            if time.time() < known.valid_until and self._jwks.current(known.kid) is known.key:
                return known.principal
            self.verified.discard(token)
        principal, key, kid = await self._verify_signature_and_claims(token)
        valid_until = float(principal.claims["exp"]) + self._leeway
        self.verified.put(token, VerifiedToken(principal, kid, key, valid_until))
        return principal

    async def _verify_signature_and_claims(self, token: str) -> tuple[Principal, jwt.PyJWK, str]:
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
        principal = Principal(
            user_id=user_id,
            email=str(claims.get("email", "")),
            name=str(claims.get("name", "")),
            token_id=str(claims["jti"]),
            claims=claims,
            email_verified=claims.get("email_verified") is True,
        )
        return principal, key, kid


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
