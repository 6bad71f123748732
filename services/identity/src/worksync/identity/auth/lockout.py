"""Login lockout: after N consecutive failures for one email, refuse it for a while.

Kept in Postgres so that every replica sees the same count. Keyed by the normalised email
whether or not such a user exists, so the answers never tell whether an account exists.
"""

from __future__ import annotations

import logging
import math
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from worksync.identity.auth.repository import LoginThrottleRepository
from worksync.identity.errors import AccountLocked

logger = logging.getLogger(__name__)


def email_key(email: str) -> str:
    return email.strip().lower()


class LoginLockout:
    def __init__(self, session: AsyncSession, *, max_failures: int, lockout: timedelta) -> None:
        self.throttles = LoginThrottleRepository(session)
        self.max_failures = max_failures
        self.lockout = lockout

    async def ensure_not_locked(self, email: str, now: datetime) -> None:
        locked_until = await self.throttles.locked_until(email_key(email), now)
        if locked_until is not None:
            raise AccountLocked(math.ceil((locked_until - now).total_seconds()))

    async def record_failure(self, email: str, now: datetime) -> None:
        key = email_key(email)
        failures = await self.throttles.count_failure(key, now, forget_after=self.lockout)
        if failures >= self.max_failures:
            logger.warning("locking logins for %s after %d failures", key, failures)
            await self.throttles.lock(key, now + self.lockout)

    async def reset(self, email: str) -> None:
        await self.throttles.clear(email_key(email))
