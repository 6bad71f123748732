"""Personal API tokens: `wsp_` + 256 random bits, stored as a SHA-256 digest.

The gateway accepts them like access tokens: it trades one for a short-lived JWT at the
internal exchange endpoint (and caches that JWT), so services only ever see JWTs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.errors import FieldError, NotFound, Unprocessable
from worksync.common.pagination import PageParams, build_page, sort_key
from worksync.identity.api_tokens.repository import ApiTokenRepository
from worksync.identity.api_tokens.schemas import ApiToken, ApiTokenCreate, ExchangedAccessToken
from worksync.identity.auth.access_tokens import AccessTokenIssuer
from worksync.identity.errors import EmailNotVerified, InvalidApiToken
from worksync.identity.models import ApiToken as ApiTokenRow
from worksync.identity.models import User
from worksync.identity.tokens import new_opaque_token, token_digest

TOKEN_PREFIX = "wsp_"
# How much of the token is kept to recognise it by: the marker and 8 random characters.
DISPLAY_PREFIX_CHARS = len(TOKEN_PREFIX) + 8
LAST_USED_RESOLUTION = timedelta(minutes=1)
NEWEST_FIRST = sort_key("-created_at", ApiTokenRow.created_at, ApiTokenRow.id)


@dataclass(frozen=True)
class NewApiToken:
    token: ApiToken
    secret: str


class ApiTokenService:
    def __init__(self, session: AsyncSession, issuer: AccessTokenIssuer) -> None:
        self.session = session
        self.tokens = ApiTokenRepository(session)
        self.issuer = issuer

    async def create(self, user: User, request: ApiTokenCreate, now: datetime) -> NewApiToken:
        """A new token; only for a proven mailbox, so that whoever registered someone
        else's address first cannot leave a credential behind."""
        if not user.email_verified:
            raise EmailNotVerified()
        if request.expires_at is not None and request.expires_at <= now:
            raise Unprocessable(
                "The expiry must lie in the future",
                code="expiry_in_past",
                errors=[FieldError(field="expires_at", message="must lie in the future")],
            )
        secret = TOKEN_PREFIX + new_opaque_token()
        row = ApiTokenRow(
            user_id=user.id,
            name=request.name,
            token_hash=token_digest(secret),
            prefix=secret[:DISPLAY_PREFIX_CHARS],
            expires_at=request.expires_at,
        )
        await self.tokens.add(row)
        return NewApiToken(ApiToken.of(row), secret)

    async def page_own(
        self, user_id: UUID, params: PageParams
    ) -> tuple[list[ApiToken], str | None]:
        rows = await self.tokens.page_unrevoked(user_id, NEWEST_FIRST, params)
        items, next_cursor = build_page(rows, NEWEST_FIRST, params)
        return [ApiToken.of(row) for row in items], next_cursor

    async def revoke_own(self, user_id: UUID, token_id: UUID, now: datetime) -> None:
        if await self.tokens.get_unrevoked(user_id, token_id) is None:
            raise NotFound("No such API token", code="api_token_not_found")
        await self.tokens.revoke(token_id, now)

    async def exchange(self, secret: str, now: datetime) -> ExchangedAccessToken:
        """A short-lived access token for the owner of a live API token."""
        if not secret.startswith(TOKEN_PREFIX):
            raise InvalidApiToken()
        found = await self.tokens.find_live_with_user(token_digest(secret), now)
        if found is None:
            raise InvalidApiToken()
        token, user = found
        if not user.is_active:
            raise InvalidApiToken()
        await self.tokens.touch(token.id, now, LAST_USED_RESOLUTION)
        issued = await self.issuer.for_api_token(self.session, user, token.id, now)
        return ExchangedAccessToken(access_token=issued.token, expires_in=issued.expires_in_seconds)
