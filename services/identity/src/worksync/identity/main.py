"""The identity API: users, credentials, sessions, API tokens, signing keys."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.app import create_service_app
from worksync.common.serving import served_app
from worksync.identity.api_tokens.endpoints import internal_router as api_tokens_internal_router
from worksync.identity.api_tokens.endpoints import router as api_tokens_router
from worksync.identity.auth.access_tokens import AccessTokenIssuer
from worksync.identity.auth.endpoints import router as auth_router
from worksync.identity.config import IdentitySettings
from worksync.identity.keys.endpoints import router as jwks_router
from worksync.identity.keys.service import KeyService
from worksync.identity.keys.verifier import own_token_verifier
from worksync.identity.mail.mailer import create_mailer
from worksync.identity.passwords import Passwords, argon2_hasher, return_hash_memory_on_free
from worksync.identity.sessions.endpoints import router as sessions_router
from worksync.identity.users.endpoints import me_router
from worksync.identity.users.endpoints import router as users_router

DESCRIPTION = (
    "Who you are: accounts, logins and sessions, personal API tokens, and the keys that "
    "sign access tokens."
)


def create_app(settings: IdentitySettings | None = None) -> FastAPI:
    settings = settings or IdentitySettings()
    keys = KeyService(settings)

    @asynccontextmanager
    async def identity_lifespan(app: FastAPI) -> AsyncIterator[None]:
        sessionmaker: async_sessionmaker[AsyncSession] = app.state.sessionmaker
        async with sessionmaker.begin() as session:
            await keys.ensure_active_key(session)
        app.state.keys = keys
        app.state.access_tokens = AccessTokenIssuer(settings, keys)
        return_hash_memory_on_free()
        app.state.passwords = Passwords(
            argon2_hasher(settings), max_concurrency=settings.password_hash_concurrency
        )
        app.state.mailer = create_mailer(settings)
        # Identity is where the keys live: it verifies tokens from its database, not over HTTP.
        app.state.token_verifier = own_token_verifier(settings, sessionmaker, keys)
        yield

    return create_service_app(
        settings,
        title="WorkSync identity",
        description=DESCRIPTION,
        routers=[auth_router, me_router, sessions_router, api_tokens_router, users_router],
        internal_routers=[api_tokens_internal_router],
        # The JWKS lives at the root by convention (RFC 8615), outside the versioned API.
        root_routers=[jwks_router],
        extra_lifespan=identity_lifespan,
    )


def create_app_from_environment() -> FastAPI:
    """The uvicorn factory: settings from the environment (`served_app`)."""
    return served_app(IdentitySettings(), create_app)
