"""SQL of the credential flows: one-time tokens (reset, verification) and login throttles."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

from sqlalchemy import case, delete, select, update
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


class LoginThrottleRepository(Repository):
    async def locked_until(self, email_key: str, now: datetime) -> datetime | None:
        return await self.session.scalar(
            select(LoginThrottle.locked_until).where(
                LoginThrottle.email_key == email_key, LoginThrottle.locked_until > now
            )
        )

    async def count_failure(self, email_key: str, now: datetime, forget_after: timedelta) -> int:
        """Count one more failure, atomically; failures older than `forget_after` are
        forgotten. Returns the number of consecutive failures."""
        statement = insert(LoginThrottle).values(
            email_key=email_key, failed_attempts=1, last_failed_at=now
        )
        counted = await self.session.scalar(
            statement.on_conflict_do_update(
                index_elements=[LoginThrottle.email_key],
                set_={
                    "failed_attempts": case(
                        (LoginThrottle.last_failed_at < now - forget_after, 1),
                        else_=LoginThrottle.failed_attempts + 1,
                    ),
                    "last_failed_at": now,
                },
            ).returning(LoginThrottle.failed_attempts)
        )
        return int(counted or 0)

    async def lock(self, email_key: str, until: datetime) -> None:
        await self.session.execute(
            update(LoginThrottle)
            .where(LoginThrottle.email_key == email_key)
            .values(locked_until=until, failed_attempts=0)
            .execution_options(synchronize_session=False)
        )

    async def clear(self, email_key: str) -> None:
        await self.session.execute(
            delete(LoginThrottle)
            .where(LoginThrottle.email_key == email_key)
            .execution_options(synchronize_session=False)
        )
