"""Tenancy isolation on every operation with path ids: Bob, owner of another workspace, uses
Alice's workspace slug and Alice's ids (and his own slug with Alice's ids). He gets 403 or
404 problem+json, never a success nor Alice's data, and his writes change nothing of hers."""

from __future__ import annotations

from typing import Any

import httpx

from .client import Gateway, assert_problem
from .openapi import Operation, parent_path
from .world import Tenant

# Capability URLs: whoever holds the token is meant to reach them (an invitation link).
CAPABILITIES = {"/api/v1/invitations/{token}", "/api/v1/invitations/{token}/accept"}


def select(operation: Operation) -> bool:
    return (
        operation.needs_token
        and bool(operation.path_parameters)
        and operation.path not in CAPABILITIES
    )


def _readable(tenant: Tenant, operation: Operation) -> str | None:
    """The path nearest to the operation's that Alice can read: what Bob's write could touch."""
    path = operation.path
    while path.count("/") > 2:
        if ("get", path) in tenant.operations:
            return path
        path = parent_path(path)
    return None


def _snapshot(gateway: Gateway, tenant: Tenant, path: str | None) -> tuple[int, Any]:
    if path is None:
        return 0, None
    response = gateway.request("GET", tenant.fill(path), token=tenant.owner.token)
    if "json" in response.headers.get("content-type", ""):
        return response.status_code, response.json()
    return response.status_code, response.text


def _attempt(
    gateway: Gateway, operation: Operation, url: str, token: str, body: Any
) -> httpx.Response:
    return gateway.request(operation.method.upper(), url, token=token, json=body)


def test_another_workspace_reaches_nothing(
    operation: Operation,
    gateway: Gateway,
    mine: Tenant,
    theirs: Tenant,
    seeded: object,
) -> None:
    intruder = theirs.owner.token
    readable = _readable(mine, operation)
    before = _snapshot(gateway, mine, readable)
    urls = [mine.fill(operation.path)]
    if operation.in_workspace and len(operation.path_parameters) > 1:
        urls.append(mine.fill(operation.path, slug=theirs.slug))
    # A body that names Alice's things too (her project, her, ...), as a valid one of hers would.
    body = mine.body_for(operation)
    for url in urls:
        response = _attempt(gateway, operation, url, intruder, body)
        assert not response.is_success, f"{operation} as another workspace's owner: {url}"
        assert_problem(response, (403, 404))
    if operation.mutates:
        assert _snapshot(gateway, mine, readable) == before, f"{operation} changed {readable}"
