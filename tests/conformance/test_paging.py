"""Keyset paging: a list walked with a small `limit` returns every item exactly once, in the
same order as one big page, and stops (`next_cursor` null at the end)."""

from __future__ import annotations

import json
from typing import Any

from .client import Gateway, expect
from .openapi import Operation, example
from .world import ENTRY_COUNT, Tenant

PAGE = 2
BIG_PAGE = 100


def select(operation: Operation) -> bool:
    return operation.is_keyset_list and not operation.for_platform_admins


def _identity(item: Any) -> str:
    if isinstance(item, dict) and "id" in item:
        return str(item["id"])
    return json.dumps(item, sort_keys=True)


def _required_query(operation: Operation) -> dict[str, Any]:
    return {
        p["name"]: example(operation.document, p.get("schema", {}))
        for p in operation.query_parameters()
        if p.get("required")
    }


def walk(gateway: Gateway, tenant: Tenant, operation: Operation) -> list[str]:
    """Every item's identity, page by page; fails on a repeat or a list that never ends."""
    url = tenant.fill(operation.path)
    query = _required_query(operation)
    whole = expect(
        gateway.request("GET", url, token=tenant.owner.token, params={**query, "limit": BIG_PAGE}),
        200,
    )
    expected = [_identity(item) for item in whole["items"]]
    assert whole.get("next_cursor") is None or len(expected) == BIG_PAGE
    seen: list[str] = []
    cursor: str | None = None
    for _ in range(len(expected) // PAGE + 2):
        params = {**query, "limit": PAGE, **({"cursor": cursor} if cursor else {})}
        page = expect(gateway.request("GET", url, token=tenant.owner.token, params=params), 200)
        assert len(page["items"]) <= PAGE, f"{operation}: more than limit={PAGE} items"
        seen += [_identity(item) for item in page["items"]]
        cursor = page.get("next_cursor")
        if cursor is None:
            break
    else:
        raise AssertionError(f"{operation}: still a next_cursor after {len(seen)} items")
    if len(expected) < BIG_PAGE:
        assert len(seen) == len(set(seen)), f"{operation}: an item came twice"
        assert seen == expected, f"{operation}: paging lost, added or reordered items"
    return seen


def test_walking_pages_returns_every_item_once(
    operation: Operation, gateway: Gateway, mine: Tenant, seeded: object
) -> None:
    walk(gateway, mine, operation)


def test_a_walk_spans_several_pages(gateway: Gateway, mine: Tenant, seeded: object) -> None:
    """The seeded collections are longer than a page, so the cursor itself is exercised."""
    for path in ("/api/v1/workspaces/{ws}/clients", "/api/v1/workspaces/{ws}/time-entries"):
        operation = mine.operations[("get", path)]
        assert len(walk(gateway, mine, operation)) >= ENTRY_COUNT
