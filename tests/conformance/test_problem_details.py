"""Every error answer is RFC 9457 problem+json with a stable `code`: a body that is not JSON,
ids that name nothing, a path or a method that does not exist. (The refusals of the other
checks, 401, 403, 404, 409, 412 and 422, are checked as problems where they happen.)"""

from __future__ import annotations

import uuid

from .client import Gateway, assert_problem
from .openapi import Operation
from .world import Tenant


def select(operation: Operation) -> bool:
    return operation.needs_token


def test_errors_of_every_operation_are_problems(
    operation: Operation, gateway: Gateway, mine: Tenant, seeded: object
) -> None:
    token = mine.owner.token
    if operation.request_schema is not None:
        malformed = gateway.request(
            operation.method.upper(),
            mine.fill(operation.path),
            token=token,
            content=b'{"not json',
            headers={"Content-Type": "application/json"},
        )
        assert_problem(malformed, (400, 422))
    if any(name != "ws" for name in operation.path_parameters):
        # Ids that name nothing, in the caller's own workspace: nothing found, nothing changed.
        absent = gateway.request(
            operation.method.upper(),
            mine.fill(operation.path, absent=True),
            token=token,
            json=operation.request_body(),
        )
        assert_problem(absent, (403, 404, 422))


def test_an_unknown_path_is_a_problem(gateway: Gateway, mine: Tenant) -> None:
    response = gateway.request("GET", f"/api/v1/no-such-thing-{uuid.uuid4().hex}")
    assert_problem(response, (401, 404))
    response = gateway.request(
        "GET", f"/api/v1/workspaces/{mine.slug}/no-such-thing", token=mine.owner.token
    )
    assert_problem(response, (404,))


def test_an_unsupported_method_is_a_problem(gateway: Gateway, mine: Tenant) -> None:
    response = gateway.request("PUT", "/api/v1/auth/me", token=mine.owner.token, json={})
    assert_problem(response, (405,))
