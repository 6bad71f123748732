"""Ranks: strictly between their neighbours however often the same gap is split, short when
appended, spread out evenly again when they grow long."""

from __future__ import annotations

import random
import re

import pytest

from worksync.work_items.boards.ranks import MAX_LENGTH, PATTERN, after, between, spread

pytestmark = pytest.mark.fast


def _valid(rank: str) -> bool:
    return re.fullmatch(PATTERN, rank) is not None


def test_between_lies_strictly_between() -> None:
    cases = [
        (None, None),
        (None, "1"),
        ("z", None),
        ("a", "b"),
        ("a", "a1"),
        ("az", "b"),
        ("0001", "0002"),
        ("y", "z"),
        ("1", "10001"),
        ("zz", None),
    ]
    for low, high in cases:
        rank = between(low, high)
        assert _valid(rank), (low, high, rank)
        assert low is None or low < rank, (low, high, rank)
        assert high is None or rank < high, (low, high, rank)


def test_between_refuses_neighbours_out_of_order() -> None:
    with pytest.raises(ValueError, match="low must come before high"):
        between("b", "a")
    with pytest.raises(ValueError, match="low must come before high"):
        between("b", "b")


def _rebalanced(order: list[str]) -> list[str]:
    fresh = spread(len(order))
    assert fresh == sorted(fresh)
    assert len(set(fresh)) == len(fresh)
    return fresh


def test_ten_thousand_moves_into_the_same_gap_keep_a_strict_order() -> None:
    """Each move puts a new card right after the same first card (before the one moved
    there last): the worst case for midpoints, rebalanced when ranks grow long."""
    ranks = [between(None, None), between(between(None, None), None)]
    cards = ["first", "last"]
    rebalances = 0
    for n in range(10_000):
        rank = between(ranks[0], ranks[1])
        if len(rank) > MAX_LENGTH:
            ranks = _rebalanced(ranks)
            rebalances += 1
            rank = between(ranks[0], ranks[1])
        assert ranks[0] < rank < ranks[1]
        ranks.insert(1, rank)
        cards.insert(1, f"card {n}")
    assert ranks == sorted(ranks)
    assert len(set(ranks)) == len(ranks)
    assert cards[1] == "card 9999"
    assert cards[-2] == "card 0"
    assert all(len(rank) <= MAX_LENGTH for rank in ranks)
    assert 0 < rebalances < 200


def test_random_moves_keep_a_strict_order() -> None:
    generator = random.Random(7)
    ranks = spread(50)
    for _ in range(5_000):
        position = generator.randint(0, len(ranks))
        low = ranks[position - 1] if position else None
        high = ranks[position] if position < len(ranks) else None
        rank = between(low, high)
        if len(rank) > MAX_LENGTH:
            ranks = _rebalanced(ranks)
            continue
        ranks.insert(position, rank)
        assert _valid(rank)
    assert ranks == sorted(ranks)
    assert len(set(ranks)) == len(ranks)


def test_appending_stays_short_until_the_space_is_used() -> None:
    rank = after(None)
    assert rank is not None
    for _ in range(1_000):
        following = after(rank)
        assert following is not None
        assert following > rank
        assert len(following) <= 6
        rank = following
    # After a long midpoint rank too.
    long = between("1", "1001")
    following = after(long)
    assert following is not None
    assert following > long
    assert after("zzzzzz") is None


def test_spread_is_even_valid_and_leaves_room() -> None:
    for count in (0, 1, 2, 35, 36, 1_000, 50_000):
        ranks = spread(count)
        assert len(ranks) == count
        assert ranks == sorted(ranks)
        assert len(set(ranks)) == count
        assert all(_valid(rank) for rank in ranks)
        if ranks:
            assert after(ranks[-1]) is not None or len(ranks[-1]) > 6
            assert between(None, ranks[0]) < ranks[0]
