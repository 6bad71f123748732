"""Login throttling: a few failures from one client network lock that network out for a
while; many failures from everywhere lock out every network the account never logged in
from.

Kept in Postgres so that every replica sees the same counts. Keyed by the normalised email
whether or not such a user exists, so the answers never tell whether an account exists.
Each attempt is counted before the password is checked by one atomic upsert, committed at
once, so parallel guesses cannot all pass the check (and a slow hash holds no row lock).
A success takes its attempt back.

Why per network: a lock per email alone lets anyone lock the owner out by guessing. Here a
stranger locks only their own network; to lock the account for everyone else they must
fail `max_failures_per_account` times, and even then the owner still gets in from any
network a past login of theirs came from, and a password reset lifts every lock.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Awaitable, Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from worksync.identity.auth.repository import LoginThrottleRepository, ThrottleLimit
from worksync.identity.errors import AccountLocked

logger = logging.getLogger(__name__)

# The `network` of the row that counts every network's attempts.
EVERY_NETWORK = "*"

KnownNetworks = Callable[[], Awaitable[set[str]]]


def email_key(email: str) -> str:
    return email.strip().lower()


class LoginLockout:
    def __init__(
        self,
        session: AsyncSession,
        *,
        per_network: ThrottleLimit,
        per_account: ThrottleLimit,
    ) -> None:
        self.session = session
        self.throttles = LoginThrottleRepository(session)
        self.per_network = per_network
        self.per_account = per_account

    async def claim(
        self, email: str, network: str, now: datetime, known_networks: KnownNetworks
    ) -> None:
        """Count an attempt from `network`, or refuse it (429) while locked.
        `known_networks` (where the account logged in before) is asked only when the
        whole account is locked."""
        key = email_key(email)
        network_lock = await self.throttles.claim(key, network, now, self.per_network)
        account_lock = (
            None
            if network_lock is not None
            else await self.throttles.claim(key, EVERY_NETWORK, now, self.per_account)
        )
        # Counted for good, whatever the request's fate, and the rows' locks released
        # before the slow hash; a second connection would do too, but could starve the pool.
        await self.session.commit()
        if network_lock is not None:
            logger.warning("login attempts for %s from %s refused: locked", key, network)
            raise AccountLocked(math.ceil((network_lock - now).total_seconds()))
        if account_lock is not None and network not in await known_networks():
            logger.warning("login attempts for %s refused: locked for new networks", key)
            raise AccountLocked(math.ceil((account_lock - now).total_seconds()))

    async def succeeded(self, email: str, network: str) -> None:
        """The claimed attempt was right: its network starts afresh, and the attempt no
        longer counts towards the account's."""
        key = email_key(email)
        await self.throttles.clear(key, network)
        await self.throttles.forget_one(key, EVERY_NETWORK)

    async def reset(self, email: str) -> None:
        """Lift every lock (a password reset proved the mailbox)."""
        await self.throttles.clear(email_key(email))
