"""Credential flows: register, login, refresh, logout, password reset and change, email
verification. Mail is handed to `OutgoingMail`, which sends it after the commit."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from worksync.identity.auth.access_tokens import AccessTokenIssuer
from worksync.identity.auth.caller import SessionCaller
from worksync.identity.auth.lockout import LoginLockout
from worksync.identity.auth.repository import OneTimeTokenRepository
from worksync.identity.auth.schemas import Registration, TokenPair
from worksync.identity.config import IdentitySettings
from worksync.identity.errors import (
    AccountInactive,
    CurrentPasswordIncorrect,
    EmailAlreadyVerified,
    EmailTaken,
    InvalidCredentials,
    InvalidOneTimeToken,
)
from worksync.identity.mail import messages
from worksync.identity.mail.outgoing import OutgoingMail
from worksync.identity.messaging.published import UserRegistered
from worksync.identity.messaging.recording import record_user
from worksync.identity.models import OneTimeToken, OneTimeTokenPurpose, User
from worksync.identity.passwords import Passwords
from worksync.identity.sessions.service import (
    ClientInfo,
    RevokeReason,
    SessionGrant,
    SessionService,
)
from worksync.identity.tokens import new_opaque_token, token_digest
from worksync.identity.users.repository import UserRepository


class AuthService:
    def __init__(
        self,
        session: AsyncSession,
        settings: IdentitySettings,
        passwords: Passwords,
        issuer: AccessTokenIssuer,
        mail: OutgoingMail,
    ) -> None:
        self.session = session
        self.settings = settings
        self.passwords = passwords
        self.issuer = issuer
        self.mail = mail
        self.users = UserRepository(session)
        self.one_time_tokens = OneTimeTokenRepository(session)
        self.sessions = SessionService(
            session, refresh_token_ttl=timedelta(seconds=settings.refresh_token_ttl_seconds)
        )
        self.lockout = LoginLockout(
            session,
            max_failures=settings.login_max_failures,
            lockout=timedelta(seconds=settings.login_lockout_seconds),
        )

    async def register(self, registration: Registration, now: datetime) -> User:
        if await self.users.get_by_email(registration.email) is not None:
            raise EmailTaken()
        user = User(
            email=registration.email,
            display_name=registration.display_name,
            password_hash=await self.passwords.hash(registration.password),
        )
        await self.users.add(user)
        await record_user(self.session, user, UserRegistered, actor_id=user.id)
        await self._mail_link(user, OneTimeTokenPurpose.EMAIL_VERIFICATION, new_opaque_token(), now)
        return user

    async def login(
        self, email: str, password: str, client: ClientInfo, now: datetime
    ) -> TokenPair:
        await self.lockout.ensure_not_locked(email, now)
        user = await self.users.get_by_email(email)
        if user is None:
            await self.passwords.verify_dummy(password)
            await self.lockout.record_failure(email, now)
            raise InvalidCredentials()
        if not await self.passwords.verify(user.password_hash, password):
            await self.lockout.record_failure(email, now)
            raise InvalidCredentials()
        if not user.is_active:
            raise AccountInactive()
        await self.lockout.reset(email)
        if self.passwords.needs_rehash(user.password_hash):
            user.password_hash = await self.passwords.hash(password)
        user.last_login_at = now
        return await self._token_pair(await self.sessions.start(user, client, now), now)

    async def refresh(self, refresh_token: str, now: datetime) -> TokenPair:
        return await self._token_pair(await self.sessions.rotate(refresh_token, now), now)

    async def logout(self, refresh_token: str, now: datetime) -> None:
        await self.sessions.end(refresh_token, now)

    async def forgot_password(self, email: str, now: datetime) -> None:
        """Mail a reset link if the account exists; the caller learns nothing either way."""
        user = await self.users.get_by_email(email)
        # Made either way so that both answers do the same work up to the one INSERT; the
        # mail, the slow part, goes out after the response.
        token = new_opaque_token()
        if user is None or not user.is_active:
            return
        await self._mail_link(user, OneTimeTokenPurpose.PASSWORD_RESET, token, now)

    async def reset_password(self, token: str, new_password: str, now: datetime) -> None:
        user = await self._consume(token, OneTimeTokenPurpose.PASSWORD_RESET, now)
        user.password_hash = await self.passwords.hash(new_password)
        # Following the link proved control of the mailbox.
        user.email_verified = True
        await self.one_time_tokens.invalidate_unused(
            user.id, OneTimeTokenPurpose.PASSWORD_RESET, now
        )
        await self.sessions.revoke_all(user.id, RevokeReason.PASSWORD_RESET, now)
        await self.lockout.reset(user.email)

    async def verify_email(self, token: str, now: datetime) -> User:
        user = await self._consume(token, OneTimeTokenPurpose.EMAIL_VERIFICATION, now)
        user.email_verified = True
        await self.users.flush()
        return user

    async def resend_verification(self, user: User, now: datetime) -> None:
        if user.email_verified:
            raise EmailAlreadyVerified()
        await self._mail_link(user, OneTimeTokenPurpose.EMAIL_VERIFICATION, new_opaque_token(), now)

    async def change_password(
        self, caller: SessionCaller, current_password: str, new_password: str, now: datetime
    ) -> None:
        """Set a new password and end every session but the caller's."""
        user = caller.user
        await self.lockout.ensure_not_locked(user.email, now)
        if not await self.passwords.verify(user.password_hash, current_password):
            await self.lockout.record_failure(user.email, now)
            raise CurrentPasswordIncorrect()
        user.password_hash = await self.passwords.hash(new_password)
        await self.sessions.revoke_all(
            user.id, RevokeReason.PASSWORD_CHANGED, now, except_session_id=caller.session_id
        )

    async def _token_pair(self, grant: SessionGrant, now: datetime) -> TokenPair:
        access = await self.issuer.for_session(self.session, grant.user, grant.session_id, now)
        return TokenPair(
            access_token=access.token,
            refresh_token=grant.refresh_token,
            expires_in=access.expires_in_seconds,
        )

    async def _mail_link(
        self, user: User, purpose: OneTimeTokenPurpose, token: str, now: datetime
    ) -> None:
        """Make `token` (hashed) the user's only usable token of `purpose`, and mail its link."""
        if purpose is OneTimeTokenPurpose.PASSWORD_RESET:
            ttl, compose = self.settings.password_reset_ttl_seconds, messages.password_reset
        else:
            ttl, compose = self.settings.email_verification_ttl_seconds, messages.email_verification
        valid_for = timedelta(seconds=ttl)
        await self.one_time_tokens.invalidate_unused(user.id, purpose, now)
        await self.one_time_tokens.add(
            OneTimeToken(
                user_id=user.id,
                purpose=purpose,
                token_hash=token_digest(token),
                expires_at=now + valid_for,
            )
        )
        self.mail.send_after_response(
            compose(
                user.email,
                user.display_name,
                base_url=self.settings.public_base_url,
                token=token,
                valid_for=valid_for,
            )
        )

    async def _consume(self, token: str, purpose: OneTimeTokenPurpose, now: datetime) -> User:
        user_id = await self.one_time_tokens.consume(token_digest(token), purpose, now)
        user = await self.users.get(user_id) if user_id is not None else None
        if user is None or not user.is_active:
            raise InvalidOneTimeToken()
        return user
