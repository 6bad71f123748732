"""FastAPI dependencies: the app's collaborators, the caller, and the services per request."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request

from worksync.common.auth import CurrentPrincipal
from worksync.common.clock import NowDep
from worksync.common.db import SessionDep
from worksync.identity.api_tokens.service import ApiTokenService
from worksync.identity.auth.access_tokens import AccessTokenIssuer
from worksync.identity.auth.caller import Caller, SessionCaller, resolve_caller
from worksync.identity.auth.service import AuthService
from worksync.identity.config import IdentitySettings
from worksync.identity.errors import PlatformAdminRequired, SessionRequired
from worksync.identity.keys.service import KeyService
from worksync.identity.mail.outgoing import OutgoingMailDep
from worksync.identity.passwords import Passwords
from worksync.identity.sessions.service import ClientInfo, SessionService
from worksync.identity.users.service import UserService


async def get_settings(request: Request) -> IdentitySettings:
    settings: IdentitySettings = request.app.state.settings
    return settings


async def get_key_service(request: Request) -> KeyService:
    keys: KeyService = request.app.state.keys
    return keys


async def get_passwords(request: Request) -> Passwords:
    passwords: Passwords = request.app.state.passwords
    return passwords


async def get_issuer(request: Request) -> AccessTokenIssuer:
    issuer: AccessTokenIssuer = request.app.state.access_tokens
    return issuer


async def get_client_info(request: Request) -> ClientInfo:
    """Who is on the other end; behind the gateway uvicorn resolves X-Forwarded-For."""
    return ClientInfo(
        user_agent=request.headers.get("user-agent"),
        ip=request.client.host if request.client else None,
    )


SettingsDep = Annotated[IdentitySettings, Depends(get_settings)]
KeysDep = Annotated[KeyService, Depends(get_key_service)]
IssuerDep = Annotated[AccessTokenIssuer, Depends(get_issuer)]
ClientInfoDep = Annotated[ClientInfo, Depends(get_client_info)]


async def get_caller(principal: CurrentPrincipal, session: SessionDep, now: NowDep) -> Caller:
    return await resolve_caller(session, principal, now)


CallerDep = Annotated[Caller, Depends(get_caller)]


async def require_session(caller: CallerDep) -> SessionCaller:
    """Managing credentials needs a login session, not a token exchanged for an API token."""
    if caller.session_id is None:
        raise SessionRequired()
    return SessionCaller(user=caller.user, session_id=caller.session_id)


async def require_platform_admin(caller: CallerDep) -> Caller:
    if not caller.user.is_platform_admin:
        raise PlatformAdminRequired()
    return caller


SessionCallerDep = Annotated[SessionCaller, Depends(require_session)]
PlatformAdminDep = Annotated[Caller, Depends(require_platform_admin)]


async def get_auth_service(
    session: SessionDep,
    settings: SettingsDep,
    passwords: Annotated[Passwords, Depends(get_passwords)],
    issuer: IssuerDep,
    mail: OutgoingMailDep,
) -> AuthService:
    return AuthService(session, settings, passwords, issuer, mail)


async def get_user_service(session: SessionDep) -> UserService:
    return UserService(session)


async def get_session_service(session: SessionDep, settings: SettingsDep) -> SessionService:
    return SessionService(
        session,
        refresh_token_ttl=timedelta(seconds=settings.refresh_token_ttl_seconds),
        max_lifetime=timedelta(seconds=settings.session_max_lifetime_seconds),
    )


async def get_api_token_service(session: SessionDep, issuer: IssuerDep) -> ApiTokenService:
    return ApiTokenService(session, issuer)


AuthServiceDep = Annotated[AuthService, Depends(get_auth_service)]
UserServiceDep = Annotated[UserService, Depends(get_user_service)]
SessionServiceDep = Annotated[SessionService, Depends(get_session_service)]
ApiTokenServiceDep = Annotated[ApiTokenService, Depends(get_api_token_service)]
