"""Template dependencies: named tasks only, never a loop."""

from __future__ import annotations

import pytest

from worksync.work_items.templates.rules import in_a_cycle, unknown_dependencies

pytestmark = pytest.mark.fast


def test_unknown_dependencies_are_named() -> None:
    assert unknown_dependencies({"a": [], "b": ["a", "x"], "c": ["y"]}) == ["x", "y"]
    assert unknown_dependencies({"a": [], "b": ["a"]}) == []


def test_loops_and_what_hangs_behind_them_are_found() -> None:
    assert in_a_cycle({"a": [], "b": ["a"], "c": ["a", "b"]}) == []
    assert sorted(in_a_cycle({"a": ["c"], "b": ["a"], "c": ["b"], "d": []})) == ["a", "b", "c"]
    # d waits for the loop, so it can never start either.
    assert sorted(in_a_cycle({"a": ["b"], "b": ["a"], "d": ["a"]})) == ["a", "b", "d"]
    assert in_a_cycle({"a": ["a"]}) == ["a"]
    assert in_a_cycle({"a": ["b", "b"], "b": []}) == []


def test_a_long_chain_is_no_loop() -> None:
    chain = {f"t{n}": [f"t{n - 1}"] if n else [] for n in range(5_000)}
    assert in_a_cycle(chain) == []
    chain["t0"] = ["t4999"]
    assert len(in_a_cycle(chain)) == 5_000
