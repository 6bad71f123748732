"""Keyset pagination of multi-column selects (an entity plus a few joined columns)."""

from __future__ import annotations

from typing import Any, TypeVarTuple, cast

from sqlalchemy import Select

from worksync.common.pagination import PageParams, SortKey, apply_keyset

Columns = TypeVarTuple("Columns")


def apply_keyset_to_rows(
    statement: Select[*Columns], key: SortKey, params: PageParams
) -> Select[*Columns]:
    """`apply_keyset` types its select as one column; the statement keeps its own type."""
    return cast("Select[*Columns]", apply_keyset(cast("Select[Any]", statement), key, params))
