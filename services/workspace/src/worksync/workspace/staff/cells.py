"""CSV cells a spreadsheet must not run: free text that starts like a formula is written
with a leading apostrophe (OWASP's CSV injection advice), and read back without it.

A value that itself starts with an apostrophe gets one more, so every value survives an
export and an import unchanged. Skills share one cell, joined by `; ` (a name holding a `;`
comes back as two); the cell is neutralised as a whole, as a spreadsheet reads it.
Timetracking's entries export neutralises the same way (without the doubled apostrophe, as
it is never imported).
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NEUTRALISER = "'"
_ESCAPED_STARTS = (*FORMULA_STARTS, NEUTRALISER)


def text_cell(value: str) -> str:
    """Free text, neutralised against CSV formula injection."""
    return NEUTRALISER + value if value.startswith(_ESCAPED_STARTS) else value


def read_text_cell(cell: str) -> str:
    """The value `text_cell` was given: one neutralising apostrophe taken off."""
    if cell.startswith(NEUTRALISER) and cell[1:].startswith(_ESCAPED_STARTS):
        return cell[1:]
    return cell


SKILLS_SEPARATOR = ";"


def skills_cell(skills: list[str]) -> str | None:
    """The skills as one cell (none: an empty cell), before neutralising."""
    return f"{SKILLS_SEPARATOR} ".join(skills) or None


def read_skills_cell(cell: str | None) -> list[str]:
    """The skills of a cell `skills_cell` wrote, neutralisation taken off; blanks dropped."""
    if not cell:
        return []
    names = read_text_cell(cell).split(SKILLS_SEPARATOR)
    return [name.strip() for name in names if name.strip()]
