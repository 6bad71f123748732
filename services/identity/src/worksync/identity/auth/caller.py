"""Who calls identity: the verified access token, checked against identity's own state.

Other services trust an access token until it expires; identity can do better for its own
endpoints at the cost of one statement: the user must still be active, and the session (or
API token) the access token came from must not have been revoked since.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy import DateTime, Uuid, bindparam
from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.auth import InvalidToken, Principal
from worksync.identity.api_tokens.repository import api_token_is_live
from worksync.identity.auth.access_tokens import API_TOKEN_CLAIM, SESSION_CLAIM
from worksync.identity.errors import AccountInactive, SessionRevoked
from worksync.identity.models import User
from worksync.identity.sessions.repository import session_is_live
from worksync.identity.users.repository import UserRepository, user_checking


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


# The credential a token came from is checked in the statement that reads its user, built
# once per kind of credential with bound values (`user_id`, `credential_id`, `now`).
_CREDENTIAL_ID = bindparam("credential_id", type_=Uuid)
_NOW = bindparam("now", type_=DateTime(timezone=True))
_CALLER_BY_CLAIM = {
    SESSION_CLAIM: user_checking(session_is_live(User.id, _CREDENTIAL_ID, _NOW)),
    API_TOKEN_CLAIM: user_checking(api_token_is_live(User.id, _CREDENTIAL_ID, _NOW)),
}


async def resolve_caller(session: AsyncSession, principal: Principal, now: datetime) -> Caller:
    session_id = _uuid_claim(principal, SESSION_CLAIM)
    api_token_id = _uuid_claim(principal, API_TOKEN_CLAIM)
    if session_id is not None and api_token_id is None:
        claim, credential_id = SESSION_CLAIM, session_id
    elif api_token_id is not None and session_id is None:
        claim, credential_id = API_TOKEN_CLAIM, api_token_id
    else:
        raise InvalidToken("The access token names neither a session nor an API token")
    found = await UserRepository(session).get_checking(
        _CALLER_BY_CLAIM[claim],
        {"user_id": principal.user_id, "credential_id": credential_id, "now": now},
    )
    if found is None or not found[0].is_active:
        raise AccountInactive()
    user, is_live = found
    if not is_live:
        raise SessionRevoked()
    return Caller(user=user, session_id=session_id)
