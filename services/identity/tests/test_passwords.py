"""Password hashing runs in worker threads, a bounded number at a time."""

from __future__ import annotations

import asyncio
import platform
import threading
from collections.abc import Callable
from typing import Literal

import argon2
import httpx
import pytest
from fastapi import FastAPI

from worksync.common.testing.own_process import run_script
from worksync.identity.config import IdentitySettings
from worksync.identity.passwords import Passwords, argon2_hasher
from worksync.identity.testing import PASSWORD, Accounts

# Only keeps a broken build from hanging; nothing is timed.
WAIT_LIMIT_SECONDS = 30.0


class GatedHasher(argon2.PasswordHasher):
    """Verification waits at a gate the test opens, and records how many wait at once."""

    def __init__(self, settings: IdentitySettings) -> None:
        template = argon2_hasher(settings)
        super().__init__(
            time_cost=template.time_cost,
            memory_cost=template.memory_cost,
            parallelism=template.parallelism,
        )
        self.gate = threading.Event()
        self.entered = threading.Semaphore(0)
        self.on_event_loop_thread: list[bool] = []
        self._lock = threading.Lock()
        self._inside = 0
        self.most_inside = 0

    def verify(self, hash: str | bytes, password: str | bytes) -> Literal[True]:
        self.on_event_loop_thread.append(_is_loop_thread())
        with self._lock:
            self._inside += 1
            self.most_inside = max(self.most_inside, self._inside)
        self.entered.release()
        try:
            self.gate.wait(WAIT_LIMIT_SECONDS)
            return super().verify(hash, password)
        finally:
            with self._lock:
                self._inside -= 1


def _is_loop_thread() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


async def test_other_requests_are_served_while_a_login_hashes(
    app: FastAPI,
    client: httpx.AsyncClient,
    accounts: Accounts,
    make_settings: Callable[..., IdentitySettings],
) -> None:
    user = await accounts.register()
    hasher = GatedHasher(make_settings())
    regular = app.state.passwords
    app.state.passwords = Passwords(hasher, max_concurrency=1)
    try:
        login = asyncio.create_task(accounts.login(user["email"], PASSWORD))
        assert await asyncio.to_thread(hasher.entered.acquire, timeout=WAIT_LIMIT_SECONDS)
        # The login is inside argon2 now; were that on the loop, nothing else could answer.
        health = await client.get("/livez")
        jwks = await client.get("/.well-known/jwks.json")
        assert (health.status_code, jwks.status_code) == (200, 200)
        assert not login.done()
        hasher.gate.set()
        assert (await login).status_code == 200
    finally:
        hasher.gate.set()
        app.state.passwords = regular
    assert hasher.on_event_loop_thread == [False]


async def test_no_more_hashes_run_at_once_than_allowed(
    make_settings: Callable[..., IdentitySettings],
) -> None:
    hasher = GatedHasher(make_settings())
    passwords = Passwords(hasher, max_concurrency=2)
    password_hash = argon2_hasher(make_settings()).hash(PASSWORD)
    checks = [asyncio.create_task(passwords.verify(password_hash, PASSWORD)) for _ in range(5)]
    for _ in range(2):
        assert await asyncio.to_thread(hasher.entered.acquire, timeout=WAIT_LIMIT_SECONDS)
    hasher.gate.set()
    assert await asyncio.gather(*checks) == [True] * 5
    assert hasher.most_inside == 2
    assert len(hasher.on_event_loop_thread) == 5
    assert not any(hasher.on_event_loop_thread)


# Hashes on four threads, five rounds; prints the resident growth in MB.
_RESIDENT_GROWTH_AFTER_HASHING = """
import sys
from concurrent.futures import ThreadPoolExecutor

from worksync.identity.config import IdentitySettings
from worksync.identity.passwords import argon2_hasher, return_hash_memory_on_free


def resident_mb() -> int:
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmRSS"))
    return int(line.split()[1]) // 1024


if sys.argv[1] == "returned":
    assert return_hash_memory_on_free()
hasher = argon2_hasher(IdentitySettings())
hasher.hash("warm up")
before = resident_mb()
with ThreadPoolExecutor(4) as pool:
    for _ in range(5):
        list(pool.map(hasher.hash, ["a password"] * 8))
    print(resident_mb() - before)
"""


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc's allocator")
def test_a_hash_gives_its_memory_back_once_done() -> None:
    # The default settings' 19 MiB per hash: kept by each thread that hashed, unless returned.
    [kept] = run_script(_RESIDENT_GROWTH_AFTER_HASHING, "kept")
    [returned] = run_script(_RESIDENT_GROWTH_AFTER_HASHING, "returned")
    assert int(kept) >= 3 * 19
    assert int(returned) < 19
