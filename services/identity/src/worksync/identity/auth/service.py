"""Credential flows: register, login, refresh, logout, password reset and change, email
verification. Mail is handed to `OutgoingMail`, which sends it after the commit."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from worksync.identity.api_tokens.repository import ApiTokenRepository
from worksync.identity.auth.access_tokens import AccessTokenIssuer
from worksync.identity.auth.caller import SessionCaller
from worksync.identity.auth.lockout import LoginLockout
from worksync.identity.auth.networks import client_network
from worksync.identity.auth.repository import OneTimeTokenRepository, ThrottleLimit
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
from worksync.identity.sessions.repository import SessionRepository
from worksync.identity.sessions.service import (
    ClientInfo,
    RevokeReason,
    SessionGrant,
    SessionService,
)
from worksync.identity.tokens import new_opaque_token, token_digest
from worksync.identity.users.repository import UserRepository

# How many of an account's latest sessions tell which networks it logs in from.
KNOWN_NETWORK_SESSIONS = 50


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
        self.api_tokens = ApiTokenRepository(session)
        self.sessions = SessionService(
            session,
            refresh_token_ttl=timedelta(seconds=settings.refresh_token_ttl_seconds),
            max_lifetime=timedelta(seconds=settings.session_max_lifetime_seconds),
        )
        lockout = timedelta(seconds=settings.login_lockout_seconds)
        self.lockout = LoginLockout(
            session,
            per_network=ThrottleLimit(settings.login_max_failures, lockout, lockout),
            per_account=ThrottleLimit(settings.login_max_failures_per_account, lockout, lockout),
        )

    async def register(self, registration: Registration, now: datetime) -> User:
        if await self.users.get_by_email(registration.email) is not None:
            raise EmailTaken()
        user = User(
            email=registration.email,
            display_name=registration.display_name,
            password_hash=await self.passwords.hash(registration.password),
            email_verified=self.settings.auto_verify_emails,
        )
        await self.users.add(user)
        await record_user(self.session, user, UserRegistered, actor_id=user.id)
        if not user.email_verified:
            await self._mail_link(
                user, OneTimeTokenPurpose.EMAIL_VERIFICATION, new_opaque_token(), now
            )
        return user

    async def login(
        self, email: str, password: str, client: ClientInfo, now: datetime
    ) -> TokenPair:
        network = client_network(client.ip)

        async def known_networks() -> set[str]:
            user = await self.users.get_by_email(email)
            return set() if user is None else await self._known_networks(user)

        await self.lockout.claim(email, network, now, known_networks)
        user = await self.users.get_by_email(email)
        if user is None:
            await self.passwords.verify_dummy(password)
            raise InvalidCredentials()
        if not await self.passwords.verify(user.password_hash, password):
            raise InvalidCredentials()
        if not user.is_active:
            raise AccountInactive()
        await self.lockout.succeeded(email, network)
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
        """Set the password and end every credential: whoever had it before (a thief, or
        whoever registered the address first) keeps neither sessions nor API tokens."""
        user = await self._consume(token, OneTimeTokenPurpose.PASSWORD_RESET, now)
        user.password_hash = await self.passwords.hash(new_password)
        if not user.email_verified:
            await self._prove_mailbox(user, RevokeReason.PASSWORD_RESET, now)
        await self.one_time_tokens.invalidate_unused(
            user.id, OneTimeTokenPurpose.PASSWORD_RESET, now
        )
        await self.sessions.revoke_all(user.id, RevokeReason.PASSWORD_RESET, now)
        await self.api_tokens.revoke_all(user.id, now)
        await self.lockout.reset(user.email)

    async def verify_email(self, token: str, now: datetime) -> User:
        user = await self._consume(token, OneTimeTokenPurpose.EMAIL_VERIFICATION, now)
        if not user.email_verified:
            await self._prove_mailbox(user, RevokeReason.EMAIL_VERIFIED, now)
        await self.users.flush()
        return user

    async def _prove_mailbox(self, user: User, reason: RevokeReason, now: datetime) -> None:
        """The first proof of the mailbox: until now anyone could have registered the
        address (account pre-hijacking), so everything set up before it is revoked."""
        user.email_verified = True
        await self.sessions.revoke_all(user.id, reason, now)
        await self.api_tokens.revoke_all(user.id, now)
        for purpose in OneTimeTokenPurpose:
            await self.one_time_tokens.invalidate_unused(user.id, purpose, now)

    async def resend_verification(self, user: User, now: datetime) -> None:
        if user.email_verified:
            raise EmailAlreadyVerified()
        await self._mail_link(user, OneTimeTokenPurpose.EMAIL_VERIFICATION, new_opaque_token(), now)

    async def change_password(
        self,
        caller: SessionCaller,
        current_password: str,
        new_password: str,
        client: ClientInfo,
        now: datetime,
        *,
        revoke_api_tokens: bool,
    ) -> None:
        """Set a new password and end every session but the caller's, and (if asked) every
        API token. Wrong current passwords are throttled like logins."""
        user = caller.user
        network = client_network(client.ip)
        await self.lockout.claim(user.email, network, now, lambda: self._known_networks(user))
        if not await self.passwords.verify(user.password_hash, current_password):
            raise CurrentPasswordIncorrect()
        await self.lockout.succeeded(user.email, network)
        user.password_hash = await self.passwords.hash(new_password)
        await self.sessions.revoke_all(
            user.id, RevokeReason.PASSWORD_CHANGED, now, except_session_id=caller.session_id
        )
        if revoke_api_tokens:
            await self.api_tokens.revoke_all(user.id, now)

    async def _known_networks(self, user: User) -> set[str]:
        ips = await SessionRepository(self.session).recent_ips(user.id, KNOWN_NETWORK_SESSIONS)
        return {client_network(ip) for ip in ips}

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
