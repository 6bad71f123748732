"""argon2id hashing, always off the event loop and never more than N hashes at once."""

from __future__ import annotations

import asyncio
import ctypes
import platform
import secrets

import argon2
from argon2.exceptions import InvalidHashError, VerificationError

from worksync.identity.config import IdentitySettings


def argon2_hasher(settings: IdentitySettings) -> argon2.PasswordHasher:
    return argon2.PasswordHasher(
        time_cost=settings.argon2_time_cost,
        memory_cost=settings.argon2_memory_cost_kib,
        parallelism=settings.argon2_parallelism,
        type=argon2.Type.ID,
    )


# glibc's `mallopt` parameter for the size from which an allocation gets pages of its own.
_M_MMAP_THRESHOLD = -3
_MMAP_THRESHOLD_BYTES = 128 * 1024


def return_hash_memory_on_free() -> bool:
    """Give each hash's memory back to the system when the hash is done (glibc only; False
    elsewhere, where there is nothing to change).

    glibc serves a block as large as a hash's (19 MiB) from pages of its own and unmaps them
    on free, but the first such free raises its threshold above the block's size: later
    hashes are then served from the hashing thread's heap, which keeps them. A fixed
    threshold keeps that from happening; without it every hashing thread holds 19 MiB for
    good (76 MB more resident after a burst of logins on four threads).
    """
    if platform.libc_ver()[0] != "glibc":
        return False
    return bool(ctypes.CDLL(None).mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD_BYTES))


class Passwords:
    """Hashes and verifies passwords in worker threads, bounded by a semaphore.

    Each argon2 computation takes its memory cost (19 MiB by default) and a core for tens
    of milliseconds: run on the loop, a login storm would stall every other request; run
    unbounded, it would exhaust memory and the thread pool.
    """

    def __init__(self, hasher: argon2.PasswordHasher, *, max_concurrency: int) -> None:
        self._hasher = hasher
        self._slots = asyncio.Semaphore(max_concurrency)
        self._dummy_hash: str | None = None

    async def hash(self, password: str) -> str:
        async with self._slots:
            return await asyncio.to_thread(self._hasher.hash, password)

    async def verify(self, password_hash: str, password: str) -> bool:
        async with self._slots:
            return await asyncio.to_thread(self._verify, password_hash, password)

    async def verify_dummy(self, password: str) -> None:
        """Spend the time of a real verification, so an unknown email answers as slowly."""
        if self._dummy_hash is None:
            self._dummy_hash = await self.hash(secrets.token_urlsafe(16))
        await self.verify(self._dummy_hash, password)

    def needs_rehash(self, password_hash: str) -> bool:
        """True when the hash was made with other parameters than the current ones."""
        return self._hasher.check_needs_rehash(password_hash)

    def _verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False
