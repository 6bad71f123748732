"""Who is calling: access tokens (JWT) verified locally, personal API tokens via identity.

Verified answers are cached briefly so that RS256 verification and token exchange are not
repeated on every request; a cached JWT never outlives its `exp`.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import re
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from worksync.common.auth import InvalidToken, TokenVerifier
from worksync.common.errors import AppError
from worksync.gateway.upstream import UpstreamError, UpstreamGroup, UpstreamPool, fetch

API_TOKEN_PREFIX = "wsp_"
# Identity accepts no longer token; a longer one is refused here, as any invalid token is
# (and so counted against the caller's IP), without asking identity.
MAX_API_TOKEN_CHARS = 200
EXCHANGE_PATH = b"/internal/api-tokens/exchange"
# What identity hands back must be a JWT and nothing else: it becomes a request header.
_JWT_SHAPE = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")
# An exchanged JWT is not reused during its last seconds, so it cannot expire in flight.
EXCHANGED_TOKEN_SAFETY_SECONDS = 30.0

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Caller:
    """A verified caller: whose rate-limit bucket to charge, and what to forward."""

    user_id: str
    # The Authorization header to send upstream instead of the client's, or None to
    # forward the client's unchanged (a JWT is forwarded as it came).
    forwarded_authorization: bytes | None = None


class IdentityUnavailable(AppError):
    def __init__(self, detail: str = "Personal API tokens cannot be checked right now") -> None:
        super().__init__(detail=detail, code="identity_unavailable", status=503)


K = TypeVar("K")
V = TypeVar("V")


class _ExpiringCache(Generic[K, V]):
    """A small LRU whose entries carry their own deadline (monotonic seconds)."""

    def __init__(self, max_size: int) -> None:
        self._entries: OrderedDict[K, tuple[float, V]] = OrderedDict()
        self._max_size = max_size

    def get(self, key: K, now: float) -> tuple[bool, V | None]:
        entry = self._entries.get(key)
        if entry is None:
            return False, None
        if entry[0] <= now:
            del self._entries[key]
            return False, None
        self._entries.move_to_end(key)
        return True, entry[1]

    def put(self, key: K, value: V, valid_until: float) -> None:
        self._entries[key] = (valid_until, value)
        self._entries.move_to_end(key)
        while len(self._entries) > self._max_size:
            self._entries.popitem(last=False)


class Authenticator:
    def __init__(
        self,
        verifier: TokenVerifier,
        *,
        pool: UpstreamPool,
        identity: UpstreamGroup,
        internal_secret: str,
        cache_size: int,
        token_cache_seconds: float,
        api_token_cache_seconds: float,
        api_token_negative_cache_seconds: float,
        exchange_timeout_seconds: float,
    ) -> None:
        self._verifier = verifier
        self._identity = identity
        self._exchange_headers = [
            (b"x-internal-secret", internal_secret.encode()),
            (b"content-type", b"application/json"),
        ]
        self._jwt_seconds = token_cache_seconds
        self._pat_seconds = api_token_cache_seconds
        self._pat_negative_seconds = api_token_negative_cache_seconds
        self._exchange_timeout = exchange_timeout_seconds
        self._jwts: _ExpiringCache[str, Caller] = _ExpiringCache(cache_size)
        self._api_tokens: _ExpiringCache[bytes, Caller | None] = _ExpiringCache(cache_size)
        self._exchanges_in_flight: dict[bytes, asyncio.Future[Caller | None]] = {}
        self._pool = pool

    async def authenticate(self, token: str) -> Caller:
        """The caller behind a bearer token; raises InvalidToken (401) or a 503."""
        if token.startswith(API_TOKEN_PREFIX):
            return await self._authenticate_api_token(token)
        now = time.monotonic()
        hit, caller = self._jwts.get(token, now)
        if hit and caller is not None:
            return caller
        caller, valid_for = await self._verify_jwt(token)
        if valid_for > 0:
            self._jwts.put(token, caller, now + min(self._jwt_seconds, valid_for))
        return caller

    async def _verify_jwt(self, token: str) -> tuple[Caller, float]:
        principal = await self._verifier.verify(token)
        remaining = float(principal.claims["exp"]) - time.time()
        return Caller(user_id=str(principal.user_id)), remaining

    async def _authenticate_api_token(self, token: str) -> Caller:
        if len(token) > MAX_API_TOKEN_CHARS:
            raise InvalidToken("The API token is not valid")
        digest = hashlib.sha256(token.encode()).digest()
        hit, caller = self._api_tokens.get(digest, time.monotonic())
        if not hit:
            # Concurrent first requests with one token share a single exchange.
            in_flight = self._exchanges_in_flight.get(digest)
            if in_flight is not None:
                caller = await asyncio.shield(in_flight)
            else:
                future: asyncio.Future[Caller | None] = asyncio.get_running_loop().create_future()
                self._exchanges_in_flight[digest] = future
                try:
                    caller = await self._exchange(token, digest)
                    future.set_result(caller)
                except BaseException as exc:
                    # Waiters re-raise it (a cancelled leader leaves them a 503, not its
                    # own cancellation); marked retrieved so an unobserved one is quiet.
                    shared = exc if isinstance(exc, Exception) else IdentityUnavailable()
                    future.set_exception(shared)
                    future.exception()
                    raise
                finally:
                    del self._exchanges_in_flight[digest]
        if caller is None:
            raise InvalidToken("The API token is not valid")
        return caller

    async def _exchange(self, token: str, digest: bytes) -> Caller | None:
        try:
            status, answer = await fetch(
                self._pool,
                self._identity,
                b"POST",
                EXCHANGE_PATH,
                headers=self._exchange_headers,
                body=json.dumps({"token": token}).encode(),
                seconds=self._exchange_timeout,
            )
            if status == 401:
                self._api_tokens.put(digest, None, time.monotonic() + self._pat_negative_seconds)
                return None
            if status != 200:
                logger.warning("api token exchange answered %s", status)
                raise IdentityUnavailable()
            body: dict[str, Any] = json.loads(answer)
            access_token = str(body["access_token"])
            expires_in = float(body.get("expires_in", 0))
        except (UpstreamError, TimeoutError, ValueError, KeyError, TypeError) as exc:
            logger.warning("api token exchange failed: %r", exc)
            raise IdentityUnavailable() from exc
        if not _JWT_SHAPE.fullmatch(access_token):
            logger.warning("api token exchange answered something other than a JWT")
            raise IdentityUnavailable()
        caller, valid_for = await self._verify_jwt(access_token)
        caller = Caller(caller.user_id, forwarded_authorization=b"Bearer " + access_token.encode())
        ttl = min(self._pat_seconds, expires_in - EXCHANGED_TOKEN_SAFETY_SECONDS)
        ttl = min(ttl, valid_for - EXCHANGED_TOKEN_SAFETY_SECONDS)
        if ttl > 0:
            self._api_tokens.put(digest, caller, time.monotonic() + ttl)
        return caller
