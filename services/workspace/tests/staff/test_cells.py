"""Neutralised CSV cells and their way back."""

from __future__ import annotations

import pytest

from worksync.workspace.staff.cells import read_text_cell, text_cell

pytestmark = pytest.mark.fast


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+49 30 1234567", "'+49 30 1234567"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tlead", "'\tlead"),
        ("\rlead", "'\rlead"),
        ("'quoted", "''quoted"),
        ("'=kept", "''=kept"),
        ("plain text", "plain text"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_formulas_are_neutralised_and_restored(value: str, cell: str) -> None:
    assert text_cell(value) == cell
    assert read_text_cell(cell) == value


def test_a_hand_written_apostrophe_before_plain_text_is_kept() -> None:
    assert read_text_cell("'hello") == "'hello"
