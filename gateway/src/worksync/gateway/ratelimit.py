"""Token-bucket rate limiting held in this process's memory."""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable


class TokenBucketLimiter:
    """One token bucket per key (a client IP or a user id), refilled continuously.

    The buckets live in this process's memory only: with several gateway replicas (or
    `GATEWAY_WORKERS` > 1) each process holds its own buckets, so a client may get up to
    N times the configured rate through N processes. That is accepted as a first line of
    defence; identity's own login throttling and account lockout still hold globally.

    Memory is bounded: buckets are kept in least-recently-used order, a bucket idle long
    enough to have refilled completely is dropped (it would be recreated identical), and
    past `max_buckets` the least recently used bucket is dropped even if not full.
    """

    def __init__(
        self,
        *,
        rate_per_minute: float,
        burst: int,
        max_buckets: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._rate = rate_per_minute / 60.0
        self._burst = float(burst)
        self._max_buckets = max_buckets
        self._clock = clock
        # Time for an empty bucket to refill completely: after that idle time it is full.
        self._idle_seconds = self._burst / self._rate
        # key -> [tokens, last_update]; a list so that updates need no new object.
        self._buckets: OrderedDict[str, list[float]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._buckets)

    def acquire(self, key: str) -> float:
        """Take one token for `key`: 0.0 when allowed, otherwise the seconds to wait."""
        now = self._clock()
        buckets = self._buckets
        bucket = buckets.get(key)
        if bucket is None:
            self._evict(now)
            buckets[key] = [self._burst - 1.0, now]
            return 0.0
        buckets.move_to_end(key)
        tokens = min(self._burst, bucket[0] + (now - bucket[1]) * self._rate)
        bucket[1] = now
        if tokens >= 1.0:
            bucket[0] = tokens - 1.0
            return 0.0
        bucket[0] = tokens
        return (1.0 - tokens) / self._rate

    def _evict(self, now: float) -> None:
        # Only the oldest entries can be idle, so this stops at the first recent one.
        buckets = self._buckets
        while buckets:
            key, (_, last_update) = next(iter(buckets.items()))
            if now - last_update < self._idle_seconds and len(buckets) < self._max_buckets:
                return
            del buckets[key]


def retry_after_header(wait_seconds: float) -> str:
    """`Retry-After` in whole seconds, rounded up, never 0."""
    return str(max(1, math.ceil(wait_seconds)))
