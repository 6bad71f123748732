"""Every operation that needs a token answers 401 problem+json without one and with a bad one."""

from __future__ import annotations

from .client import Gateway, assert_problem
from .openapi import Operation
from .world import Tenant

# Well-formed as a JWT, signed by nobody the deployment trusts.
FORGED_TOKEN = (
    "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6ImNvbmZvcm1hbmNlIn0."
    "eyJzdWIiOiIwMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwMDAiLCJhdWQiOiJ3b3Jrc3luYyJ9."
    "c2lnbmF0dXJl"
)


def select(operation: Operation) -> bool:
    return operation.needs_token


def test_refused_without_a_token_and_with_a_bad_one(
    operation: Operation, gateway: Gateway, mine: Tenant
) -> None:
    url = mine.fill(operation.path, absent=True)
    for token in (None, FORGED_TOKEN):
        response = gateway.request(operation.method.upper(), url, token=token)
        assert_problem(response, (401,))
        assert operation.documents(401), f"{operation}: 401 is not documented"
