"""Who calls identity: the verified access token, checked against identity's own state.

Other services trust an access token until it expires; identity can do better for its own
endpoints at the cost of one statement: the user must still be active, and the session (or
API token) the access token came from must not have been revoked since.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.auth import InvalidToken, Principal
from worksync.identity.api_tokens.repository import api_token_is_live
from worksync.identity.auth.access_tokens import API_TOKEN_CLAIM, SESSION_CLAIM
from worksync.identity.errors import AccountInactive, SessionRevoked
from worksync.identity.models import User
from worksync.identity.sessions.repository import session_is_live
from worksync.identity.users.repository import UserRepository


@dataclass(frozen=True)
class Caller:
    user: User
    # The login session of the access token; None for a token exchanged for an API token.
    session_id: UUID | None


@dataclass(frozen=True)
class SessionCaller:
    """A caller with a login session, as managing credentials requires."""

    user: User
    session_id: UUID


def _uuid_claim(principal: Principal, name: str) -> UUID | None:
    value = principal.claims.get(name)
    if value is None:
        return None
    try:
        return UUID(str(value))
    except ValueError as exc:
        raise InvalidToken() from exc


async def resolve_caller(session: AsyncSession, principal: Principal, now: datetime) -> Caller:
    session_id = _uuid_claim(principal, SESSION_CLAIM)
    api_token_id = _uuid_claim(principal, API_TOKEN_CLAIM)
    if session_id is not None and api_token_id is None:
        live = session_is_live(User.id, session_id, now)
    elif api_token_id is not None and session_id is None:
        live = api_token_is_live(User.id, api_token_id, now)
    else:
        raise InvalidToken("The access token names neither a session nor an API token")
    found = await UserRepository(session).get_checking(principal.user_id, live)
    if found is None or not found[0].is_active:
        raise AccountInactive()
    user, is_live = found
    if not is_live:
        raise SessionRevoked()
    return Caller(user=user, session_id=session_id)
