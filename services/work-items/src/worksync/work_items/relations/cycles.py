"""Whether a new "blocks" edge would close a cycle. No I/O."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from uuid import UUID


def closes_cycle(edges: Mapping[UUID, Iterable[UUID]], blocker: UUID, blocked: UUID) -> bool:
    """True when `blocked` already blocks `blocker`, directly or through others (or they
    are the same issue): adding blocker -> blocked would then make a loop."""
    seen: set[UUID] = set()
    stack = [blocked]
    while stack:
        current = stack.pop()
        if current == blocker:
            return True
        if current in seen:
            continue
        seen.add(current)
        stack.extend(edges.get(current, ()))
    return False
