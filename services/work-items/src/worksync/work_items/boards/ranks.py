"""Card order as ranks: base-36 strings compared byte by byte (collation "C").

A rank is the digits of a fraction in [0, 1) — `"i"` is 18/36 — without trailing zeros, so
string order is numeric order and between any two ranks lies another. Putting a card between
two neighbours takes the midpoint, which grows by about one digit every five moves into the
same gap; past `MAX_LENGTH` the caller spreads the whole order out again (`spread`), which
clients never see: they name neighbours, never ranks. Appending takes a fixed step on the
first `WIDTH` digits, so a long list of new cards stays short. No I/O.
"""

from __future__ import annotations

import math

DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
BASE = len(DIGITS)
WIDTH = 6
STEP = BASE**3
MAX_LENGTH = 48
"""A longer rank asks for a rebalance (the column holds 64)."""
PATTERN = "^[0-9a-z]*[1-9a-z]$"


def _digit(char: str) -> int:
    index = DIGITS.find(char)
    if index < 0:
        raise ValueError(f"not a rank digit: {char!r}")
    return index


def _encode(value: int, width: int) -> str:
    digits = []
    for _ in range(width):
        value, digit = divmod(value, BASE)
        digits.append(DIGITS[digit])
    return "".join(reversed(digits)).rstrip("0")


def _midpoint(low: str, high: str | None) -> str:
    """A string strictly between `low` ("" is zero) and `high` (None is one)."""
    if high is not None:
        shared = 0
        while shared < len(high) and (low[shared] if shared < len(low) else "0") == high[shared]:
            shared += 1
        if shared:
            return high[:shared] + _midpoint(low[shared:], high[shared:])
    low_digit = _digit(low[0]) if low else 0
    high_digit = _digit(high[0]) if high is not None else BASE
    if high_digit - low_digit > 1:
        return DIGITS[(low_digit + high_digit + 1) // 2]
    if high is not None and len(high) > 1:
        return high[:1]
    return DIGITS[low_digit] + _midpoint(low[1:], None)


def between(low: str | None, high: str | None) -> str:
    """A rank after `low` and before `high` (None: no card on that side)."""
    if low is not None and high is not None and low >= high:
        raise ValueError("low must come before high")
    return _midpoint(low or "", high)


def after(last: str | None) -> str | None:
    """A short rank after `last`, for a new card at the end; None when the space of `WIDTH`
    digits is used up (spread the order, then ask again)."""
    head = 0 if last is None else int(last[:WIDTH].ljust(WIDTH, "0"), BASE)
    value = head + STEP
    if value >= BASE**WIDTH:
        return None
    return _encode(value, WIDTH)


def spread(count: int) -> list[str]:
    """`count` ranks in ascending order, evenly apart, with room between and after them."""
    width = max(WIDTH, math.ceil(math.log(count + 2, BASE)) + 2)
    step = BASE**width // (count + 2)
    return [_encode(step * (n + 1), width) for n in range(count)]
