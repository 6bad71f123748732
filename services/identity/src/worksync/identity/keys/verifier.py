"""Identity verifies tokens on its own endpoints with its own keys, read from its database."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.auth import JwksCache, JwksSource, TokenVerifier
from worksync.identity.config import IdentitySettings
from worksync.identity.keys.service import KeyService


def database_jwks_source(
    sessionmaker: async_sessionmaker[AsyncSession], keys: KeyService
) -> JwksSource:
    """The published keys, read from the signing-keys table instead of over HTTP."""

    async def read() -> dict[str, Any]:
        async with sessionmaker() as session:
            return await keys.published_jwks(session)

    return read


def own_token_verifier(
    settings: IdentitySettings,
    sessionmaker: async_sessionmaker[AsyncSession],
    keys: KeyService,
) -> TokenVerifier:
    cache = JwksCache(
        database_jwks_source(sessionmaker, keys),
        max_age_seconds=settings.jwks_cache_seconds,
        refresh_min_interval_seconds=settings.own_jwks_refresh_min_interval_seconds,
    )
    return TokenVerifier(cache, issuer=settings.jwt_issuer, audience=settings.jwt_audience)
