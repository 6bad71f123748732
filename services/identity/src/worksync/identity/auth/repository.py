"""SQL of the credential flows: one-time tokens (reset, verification) and login throttles."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from sqlalchemy import and_, case, delete, null, update
from sqlalchemy.dialects.postgresql import insert

from worksync.common.repository import Repository
from worksync.identity.models import LoginThrottle, OneTimeToken, OneTimeTokenPurpose


class OneTimeTokenRepository(Repository):
    async def consume(
        self, token_hash: bytes, purpose: OneTimeTokenPurpose, now: datetime
    ) -> UUID | None:
        """Use the token if it is unused and unexpired, atomically; its user, or None."""
        return await self.session.scalar(
            update(OneTimeToken)
            .where(
                OneTimeToken.token_hash == token_hash,
                OneTimeToken.purpose == purpose,
                OneTimeToken.used_at.is_(None),
                OneTimeToken.expires_at > now,
            )
            .values(used_at=now)
            .returning(OneTimeToken.user_id)
        )

    async def invalidate_unused(
        self, user_id: UUID, purpose: OneTimeTokenPurpose, now: datetime
    ) -> None:
        await self.session.execute(
            update(OneTimeToken)
            .where(
                OneTimeToken.user_id == user_id,
                OneTimeToken.purpose == purpose,
                OneTimeToken.used_at.is_(None),
            )
            .values(used_at=now)
            .execution_options(synchronize_session=False)
        )


@dataclass(frozen=True)
class ThrottleLimit:
    """At most `max_attempts` attempts within `window` of one another; the next one locks
    the key for `lockout`."""

    max_attempts: int
    window: timedelta
    lockout: timedelta


class LoginThrottleRepository(Repository):
    async def claim(
        self, email_key: str, network: str, now: datetime, limit: ThrottleLimit
    ) -> datetime | None:
        """Count one attempt, atomically, before the password is checked (so that parallel
        guesses cannot all slip past the limit); answers when the key is locked until, if
        the attempt is refused. A locked key counts nothing; an expired lock or a quiet
        window starts afresh."""
        table = LoginThrottle.__table__
        locked = table.c.locked_until > now
        continuing = and_(
            table.c.locked_until.is_(None), table.c.last_failed_at >= now - limit.window
        )
        statement = insert(LoginThrottle).values(
            email_key=email_key, network=network, failed_attempts=1, last_failed_at=now
        )
        locked_until = await self.session.scalar(
            statement.on_conflict_do_update(
                index_elements=[LoginThrottle.email_key, LoginThrottle.network],
                set_={
                    "failed_attempts": case(
                        (locked, table.c.failed_attempts),
                        (continuing, table.c.failed_attempts + 1),
                        else_=1,
                    ),
                    "locked_until": case(
                        (locked, table.c.locked_until),
                        (
                            and_(continuing, table.c.failed_attempts + 1 > limit.max_attempts),
                            now + limit.lockout,
                        ),
                        else_=null(),
                    ),
                    "last_failed_at": case((locked, table.c.last_failed_at), else_=now),
                },
            ).returning(LoginThrottle.locked_until)
        )
        return locked_until if locked_until is not None and locked_until > now else None

    async def forget_one(self, email_key: str, network: str) -> None:
        """Take back one counted attempt: it succeeded."""
        await self.session.execute(
            update(LoginThrottle)
            .where(
                LoginThrottle.email_key == email_key,
                LoginThrottle.network == network,
                LoginThrottle.failed_attempts > 0,
            )
            .values(failed_attempts=LoginThrottle.failed_attempts - 1)
            .execution_options(synchronize_session=False)
        )

    async def clear(self, email_key: str, network: str | None = None) -> None:
        """Forget the attempts of one network, or of all of them."""
        statement = delete(LoginThrottle).where(LoginThrottle.email_key == email_key)
        if network is not None:
            statement = statement.where(LoginThrottle.network == network)
        await self.session.execute(statement.execution_options(synchronize_session=False))
