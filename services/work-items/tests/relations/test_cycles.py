"""The "blocks" cycle rule, without a database."""

from __future__ import annotations

import pytest

from worksync.common.ids import new_id
from worksync.work_items.relations.cycles import closes_cycle

pytestmark = pytest.mark.fast


def test_a_loop_through_any_chain_is_found() -> None:
    a, b, c, d = new_id(), new_id(), new_id(), new_id()
    edges = {a: [b], b: [c], d: [a]}
    assert closes_cycle(edges, c, a)  # a -> b -> c, and c -> a would close it
    assert closes_cycle(edges, b, a)
    assert closes_cycle(edges, a, a)
    assert not closes_cycle(edges, a, c)  # a second path is no loop
    assert closes_cycle(edges, c, d)  # d -> a -> b -> c
    assert not closes_cycle(edges, d, c)


def test_diamonds_and_long_chains() -> None:
    chain = [new_id() for _ in range(2_000)]
    edges = {chain[n]: [chain[n + 1]] for n in range(len(chain) - 1)}
    assert closes_cycle(edges, chain[-1], chain[0])
    assert not closes_cycle(edges, chain[0], chain[-1])
    top, left, right, bottom = new_id(), new_id(), new_id(), new_id()
    diamond = {top: [left, right], left: [bottom], right: [bottom]}
    assert not closes_cycle(diamond, top, bottom)
    assert closes_cycle(diamond, bottom, top)
