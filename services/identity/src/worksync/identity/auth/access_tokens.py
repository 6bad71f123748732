"""Access tokens: short-lived RS256 JWTs naming the user and how they authenticated.

A login's token carries `sid` (its session), so identity can tell the caller's own
session apart and refuse tokens of revoked sessions; a token exchanged for a personal API
token carries `tid` and `via: "api_token"` instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.ids import new_id
from worksync.identity.config import IdentitySettings
from worksync.identity.keys.service import KeyService
from worksync.identity.models import User

SESSION_CLAIM = "sid"
API_TOKEN_CLAIM = "tid"
VIA_CLAIM = "via"
VIA_API_TOKEN = "api_token"
EMAIL_VERIFIED_CLAIM = "email_verified"


@dataclass(frozen=True)
class IssuedAccessToken:
    token: str
    expires_in_seconds: int


class AccessTokenIssuer:
    def __init__(self, settings: IdentitySettings, keys: KeyService) -> None:
        self._keys = keys
        self._issuer = settings.jwt_issuer
        self._audience = settings.jwt_audience
        self._session_ttl = timedelta(seconds=settings.access_token_ttl_seconds)
        self._api_token_ttl = timedelta(seconds=settings.api_token_access_ttl_seconds)

    async def for_session(
        self, session: AsyncSession, user: User, session_id: UUID, now: datetime
    ) -> IssuedAccessToken:
        return await self._issue(
            session, user, now, self._session_ttl, {SESSION_CLAIM: str(session_id)}
        )

    async def for_api_token(
        self, session: AsyncSession, user: User, api_token_id: UUID, now: datetime
    ) -> IssuedAccessToken:
        extra = {API_TOKEN_CLAIM: str(api_token_id), VIA_CLAIM: VIA_API_TOKEN}
        return await self._issue(session, user, now, self._api_token_ttl, extra)

    async def _issue(
        self,
        session: AsyncSession,
        user: User,
        now: datetime,
        ttl: timedelta,
        extra_claims: dict[str, Any],
    ) -> IssuedAccessToken:
        issued_at = int(now.timestamp())
        lifetime = int(ttl.total_seconds())
        claims = {
            "iss": self._issuer,
            "aud": self._audience,
            "sub": str(user.id),
            "email": user.email,
            "name": user.display_name,
            # Services that need a proven mailbox (invitations) read it from the token.
            EMAIL_VERIFIED_CLAIM: user.email_verified,
            "iat": issued_at,
            "exp": issued_at + lifetime,
            "jti": new_id().hex,
            **extra_claims,
        }
        return IssuedAccessToken(await self._keys.sign(session, claims), lifetime)
