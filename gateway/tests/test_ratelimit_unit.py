"""The token bucket itself, on a clock the test moves."""

from __future__ import annotations

import pytest

from worksync.gateway.ratelimit import TokenBucketLimiter, retry_after_header

pytestmark = pytest.mark.fast


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_burst_then_refill() -> None:
    clock = Clock()
    limiter = TokenBucketLimiter(rate_per_minute=60, burst=2, max_buckets=10, clock=clock)
    assert limiter.acquire("a") == 0.0
    assert limiter.acquire("a") == 0.0
    wait = limiter.acquire("a")
    assert 0.99 < wait <= 1.0
    assert retry_after_header(wait) == "1"
    clock.now += 1.0
    assert limiter.acquire("a") == 0.0
    assert limiter.acquire("a") > 0.0


def test_keys_are_independent() -> None:
    limiter = TokenBucketLimiter(rate_per_minute=1, burst=1, max_buckets=10, clock=Clock())
    assert limiter.acquire("a") == 0.0
    assert limiter.acquire("a") > 0.0
    assert limiter.acquire("b") == 0.0


def test_retry_after_rounds_up() -> None:
    limiter = TokenBucketLimiter(rate_per_minute=20, burst=1, max_buckets=10, clock=Clock())
    limiter.acquire("a")
    assert retry_after_header(limiter.acquire("a")) == "3"


def test_idle_buckets_are_evicted() -> None:
    clock = Clock()
    limiter = TokenBucketLimiter(rate_per_minute=60, burst=5, max_buckets=1000, clock=clock)
    for key in range(100):
        limiter.acquire(str(key))
    assert len(limiter) == 100
    clock.now += 5.0  # long enough for every bucket to be full again
    limiter.acquire("new")
    assert len(limiter) == 1


def test_bucket_count_is_bounded() -> None:
    clock = Clock()
    limiter = TokenBucketLimiter(rate_per_minute=1, burst=5, max_buckets=50, clock=clock)
    for key in range(500):
        limiter.acquire(str(key))
    assert len(limiter) <= 50
    # The most recent keys are the ones kept.
    assert limiter.acquire("499") == 0.0
