"""Optimistic concurrency on every mutable resource (a path with GET and PATCH or PUT): the
GET answers a strong `ETag`; a write with a stale `If-Match` is 412 `precondition_failed`
and changes nothing; with the current one it succeeds and answers the new `ETag` (and
when that write moved the version on, the tag read before it is refused in turn)."""

from __future__ import annotations

import re
from typing import Any

import httpx

from .client import Gateway, assert_problem, expect
from .openapi import Operation
from .world import Tenant

STRONG_TAG = re.compile(r'^"[\x21\x23-\x7e\x80-\xff]*"$')
# A well-formed entity tag that no version of anything is.
STALE = '"conformance-stale"'


def select(operation: Operation) -> bool:
    return (
        operation.method in {"patch", "put"}
        and not operation.for_platform_admins
        and operation.document["paths"][operation.path].get("get") is not None
    )


def _read(gateway: Gateway, tenant: Tenant, url: str) -> tuple[str, Any]:
    response = gateway.request("GET", url, token=tenant.owner.token)
    body = expect(response, 200)
    tag = response.headers.get("ETag")
    assert tag is not None, f"GET {url}: no ETag"
    assert STRONG_TAG.match(tag), f"GET {url}: ETag {tag!r} is not a strong entity tag"
    return tag, body


def _unchanged_body(operation: Operation, current: Any) -> Any:
    """A write that changes nothing: a PATCH of what was read of its required members (none,
    mostly: `{}`), a PUT of what was read, as far as the request's schema takes either."""
    schema = operation.request_schema or {}
    if operation.method == "patch":
        taken = set(schema.get("required", []))
    else:
        taken = set(schema.get("properties", {}))
    return {name: value for name, value in current.items() if name in taken and value is not None}


def _write(
    gateway: Gateway, tenant: Tenant, operation: Operation, url: str, tag: str, body: Any
) -> httpx.Response:
    return gateway.request(
        operation.method.upper(),
        url,
        token=tenant.owner.token,
        json=body,
        headers={"If-Match": tag},
    )


def test_a_stale_if_match_is_refused_and_the_current_one_accepted(
    operation: Operation, gateway: Gateway, mine: Tenant, seeded: object
) -> None:
    url = mine.fill(operation.path)
    tag, current = _read(gateway, mine, url)
    body = _unchanged_body(operation, current)

    refused = _write(gateway, mine, operation, url, STALE, body)
    assert_problem(refused, (412,), "precondition_failed")
    assert operation.documents(412), f"{operation}: 412 is not documented"
    assert _read(gateway, mine, url) == (tag, current), f"{operation}: a refused write changed it"

    accepted = _write(gateway, mine, operation, url, tag, body)
    expect(accepted, *operation.success_statuses)
    new_tag, now = _read(gateway, mine, url)
    if accepted.status_code != 204:
        assert accepted.headers.get("ETag") == new_tag, (
            f"{operation}: the write's ETag is not current"
        )
    if new_tag != tag:
        # The write moved the version on: the tag read before it is stale now.
        outdated = _write(gateway, mine, operation, url, tag, body)
        assert_problem(outdated, (412,), "precondition_failed")
        assert _read(gateway, mine, url) == (new_tag, now), (
            f"{operation}: a refused write changed it"
        )
