"""Identity verifies tokens on its own endpoints with its own keys, read from its database."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.auth import JwksCache, TokenVerifier
from worksync.identity.config import IdentitySettings
from worksync.identity.keys.service import KeyService


class DatabaseJwksCache(JwksCache):
    """The shared JWKS cache, filled from the signing-keys table instead of over HTTP.

    It keeps the shared cache's behaviour: reload when stale or on an unknown kid, with
    reloads rate limited against floods of made-up kids.
    """

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        keys: KeyService,
        *,
        max_age_seconds: float,
        refresh_min_interval_seconds: float,
    ) -> None:
        super().__init__(
            "database:identity.signing_keys",
            max_age_seconds=max_age_seconds,
            refresh_min_interval_seconds=refresh_min_interval_seconds,
        )
        self._sessionmaker = sessionmaker
        self._key_service = keys

    async def _fetch(self) -> None:
        async with self._sessionmaker() as session:
            self.load(await self._key_service.published_jwks(session))


def own_token_verifier(
    settings: IdentitySettings,
    sessionmaker: async_sessionmaker[AsyncSession],
    keys: KeyService,
) -> TokenVerifier:
    cache = DatabaseJwksCache(
        sessionmaker,
        keys,
        max_age_seconds=settings.jwks_cache_seconds,
        refresh_min_interval_seconds=settings.own_jwks_refresh_min_interval_seconds,
    )
    return TokenVerifier(cache, issuer=settings.jwt_issuer, audience=settings.jwt_audience)
