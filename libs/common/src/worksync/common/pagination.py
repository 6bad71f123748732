"""Keyset pagination: opaque cursors, `limit` 1..100 (default 20), `Page[T]` responses.

A cursor encodes the sort values of the last row returned plus its id (the tie-breaker),
so each page is an index range scan however deep the client goes.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Generic, TypeVar, TypeVarTuple
from uuid import UUID

from fastapi import Query
from pydantic import BaseModel
from sqlalchemy import ColumnElement, Integer, Select, bindparam, tuple_
from sqlalchemy.orm import InstrumentedAttribute

from worksync.common.errors import BadRequest

T = TypeVar("T")
Columns = TypeVarTuple("Columns")
DEFAULT_LIMIT = 20
MAX_LIMIT = 100


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


def page_answer(items: list[dict[str, Any]], next_cursor: str | None) -> dict[str, Any]:
    """A `Page` answer of items built by a `RowAnswer`, for `encoded` to write."""
    return {"items": items, "next_cursor": next_cursor}


@dataclass(frozen=True)
class PageParams:
    limit: int
    cursor: str | None


async def page_params(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Page size")] = DEFAULT_LIMIT,
    cursor: Annotated[
        str | None,
        Query(
            description="Opaque cursor from `next_cursor`; empty or left out: the first page. "
            "A cursor this list did not issue is a 400 `invalid_cursor`."
        ),
    ] = None,
) -> PageParams:
    # `?cursor=` is what a client sends from a template with no cursor yet: the first page.
    return PageParams(limit=limit, cursor=cursor or None)


def _to_json(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return {"t": "dt" if isinstance(value, datetime) else "d", "v": value.isoformat()}
    if isinstance(value, UUID):
        return {"t": "u", "v": str(value)}
    if isinstance(value, Decimal):
        return {"t": "n", "v": str(value)}
    return value


def _from_json(value: Any) -> Any:
    if isinstance(value, dict):
        kind, raw = value.get("t"), str(value.get("v"))
        if kind == "dt":
            return datetime.fromisoformat(raw)
        if kind == "d":
            return date.fromisoformat(raw)
        if kind == "u":
            return UUID(raw)
        if kind == "n":
            return Decimal(raw)
        raise ValueError("unknown cursor value")
    return value


def encode_cursor(sort: str, values: Sequence[Any]) -> str:
    payload = json.dumps({"s": sort, "k": [_to_json(v) for v in values]}, separators=(",", ":"))
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, sort: str) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        payload = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if payload["s"] != sort:
            raise ValueError("cursor belongs to another sort order")
        return [_from_json(v) for v in payload["k"]]
    except (ValueError, KeyError, TypeError, binascii.Error) as exc:
        raise BadRequest("The cursor is not valid for this list", code="invalid_cursor") from exc


@dataclass(frozen=True)
class SortKey:
    """One sort order: a public name (`-created_at`) and the columns it orders by.

    The columns are non-null and sorted in one direction; the last one is unique (the id),
    so the order is total and a row-value comparison continues it exactly.
    """

    name: str
    columns: tuple[InstrumentedAttribute[Any], ...]
    descending: bool


def sort_key(name: str, *columns: InstrumentedAttribute[Any]) -> SortKey:
    return SortKey(name=name, columns=columns, descending=name.startswith("-"))


def _fits(column: InstrumentedAttribute[Any], value: Any) -> bool:
    """Whether a cursor value has the column's Python type: a forged cursor must be a 400,
    not a comparison the database refuses."""
    try:
        expected: type = column.type.python_type
    except NotImplementedError:
        return value is not None
    if expected is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if expected is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if expected is date:
        # A datetime is a date too, but not one a date column compares with.
        return type(value) is date
    return isinstance(value, expected)


def _checked(key: SortKey, values: list[Any]) -> list[Any]:
    if len(values) != len(key.columns) or not all(
        _fits(column, value) for column, value in zip(key.columns, values, strict=True)
    ):
        raise BadRequest("The cursor is not valid for this list", code="invalid_cursor")
    return values


def _after(key: SortKey, values: Sequence[Any]) -> ColumnElement[bool]:
    row = tuple_(*key.columns)
    return row < tuple_(*values) if key.descending else row > tuple_(*values)


def apply_keyset(stmt: Select[*Columns], key: SortKey, params: PageParams) -> Select[*Columns]:
    """Order by the key, continue after the cursor, fetch one extra row to know if more exist."""
    if params.cursor is not None:
        stmt = stmt.where(_after(key, _checked(key, decode_cursor(params.cursor, key.name))))
    order = [c.desc() if key.descending else c.asc() for c in key.columns]
    return stmt.order_by(*order).limit(params.limit + 1)


def apply_bound_keyset(
    stmt: Select[*Columns], key: SortKey, *, after_cursor: bool
) -> Select[*Columns]:
    """`apply_keyset` for a statement built once: the limit and (when `after_cursor`) the
    cursor's values are bound parameters, which `keyset_parameters` gives per request."""
    if after_cursor:
        values = [
            bindparam(f"after_{index}", type_=column.type)
            for index, column in enumerate(key.columns)
        ]
        stmt = stmt.where(_after(key, values))
    order = [c.desc() if key.descending else c.asc() for c in key.columns]
    return stmt.order_by(*order).limit(bindparam("limit", type_=Integer))


def keyset_parameters(key: SortKey, params: PageParams) -> dict[str, Any]:
    """The values of `apply_bound_keyset`'s parameters for a page (a cursor checked as
    `apply_keyset` checks it)."""
    parameters: dict[str, Any] = {"limit": params.limit + 1}
    if params.cursor is not None:
        values = _checked(key, decode_cursor(params.cursor, key.name))
        parameters.update({f"after_{index}": value for index, value in enumerate(values)})
    return parameters


def build_page(rows: Sequence[T], key: SortKey, params: PageParams) -> tuple[list[T], str | None]:
    """Cut the extra row off and produce the cursor of the next page, if there is one."""
    items = list(rows[: params.limit])
    if len(rows) <= params.limit or not items:
        return items, None
    last = items[-1]
    values = [getattr(last, column.key) for column in key.columns]
    return items, encode_cursor(key.name, values)
